// Image adjustments a viewer applies to the picture on screen only (never to the stored image,
// SAM's input or the magic wand's pixels): brightness, contrast, saturation and gamma, as the
// image shader applies them (gl-commands.ts `quad`). `adjustColor` is the same arithmetic on the
// CPU, the reference the tests hold the shader to.

export interface ImageAdjustments {
  /** Multiplies each channel (1: unchanged). */
  brightness: number
  /** Scales each channel's distance from mid-grey (1: unchanged). */
  contrast: number
  /** 0: grey (Rec. 709 luma), 1: unchanged, more: more saturated. */
  saturation: number
  /** Output = input^(1/gamma): above 1 lifts the shadows (1: unchanged). */
  gamma: number
}

export type AdjustmentName = keyof ImageAdjustments

export const NO_ADJUSTMENTS: Readonly<ImageAdjustments> = Object.freeze({
  brightness: 1,
  contrast: 1,
  saturation: 1,
  gamma: 1,
})

/** Slider ranges, in the order the menu shows them. */
export const ADJUSTMENT_RANGES: Readonly<Record<AdjustmentName, readonly [number, number]>> = {
  brightness: [0.2, 3],
  contrast: [0.2, 3],
  saturation: [0, 3],
  gamma: [0.2, 3],
}

export function isNoAdjustment(a: ImageAdjustments): boolean {
  return (Object.keys(NO_ADJUSTMENTS) as AdjustmentName[]).every((k) => a[k] === NO_ADJUSTMENTS[k])
}

/** Adjustments from untrusted data (storage): out-of-range or missing values fall back or clamp. */
export function parseAdjustments(input: unknown): ImageAdjustments {
  const source = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>
  const out = { ...NO_ADJUSTMENTS }
  for (const name of Object.keys(ADJUSTMENT_RANGES) as AdjustmentName[]) {
    const value = source[name]
    if (typeof value !== 'number' || !Number.isFinite(value)) continue
    const [min, max] = ADJUSTMENT_RANGES[name]
    out[name] = Math.min(max, Math.max(min, value))
  }
  return out
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v))

/** One colour (channels 0…1, not premultiplied) adjusted as the shader does it. */
export function adjustColor(
  rgb: readonly [number, number, number],
  a: ImageAdjustments,
): [number, number, number] {
  let c = rgb.map((v) => clamp01(v * a.brightness))
  c = c.map((v) => clamp01((v - 0.5) * a.contrast + 0.5))
  const luma = 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!
  c = c.map((v) => clamp01(luma + (v - luma) * a.saturation))
  c = c.map((v) => Math.pow(v, 1 / a.gamma))
  return [c[0]!, c[1]!, c[2]!]
}

/** The shader's uniform: (brightness, contrast, saturation, 1 / gamma). */
export function adjustUniform(a: ImageAdjustments): [number, number, number, number] {
  return [a.brightness, a.contrast, a.saturation, 1 / a.gamma]
}

/** GLSL of `adjustColor`, for the image fragment shader. */
export const ADJUST_GLSL = `
vec3 adjustColor(vec3 c, vec4 a) {
  c = clamp(c * a.x, 0.0, 1.0);
  c = clamp((c - 0.5) * a.y + 0.5, 0.0, 1.0);
  float luma = dot(c, vec3(0.2126, 0.7152, 0.0722));
  c = clamp(luma + (c - luma) * a.z, 0.0, 1.0);
  return pow(c, vec3(a.w));
}`
