// The plain way, as a test oracle: the whole image as RGBA numbers, then each output pixel as
// the alpha-weighted mean over its footprint, one output pixel at a time, in floating point.

import { CHANNELS, type PngSpec } from './encode-png'

/** Straight RGBA of every pixel, 0..max (max 65535 for 16-bit files, else 255). */
export function referencePixels(spec: PngSpec): { rgba: Float64Array; max: number } {
  const { width, height, colorType, bitDepth, samples, palette, transparency } = spec
  const max = bitDepth === 16 ? 65535 : 255
  const channels = CHANNELS[colorType]
  const rgba = new Float64Array(width * height * 4)
  const key = (i: number) => (transparency![i]! << 8) | transparency![i + 1]!
  for (let p = 0; p < width * height; p++) {
    const s = (c: number) => samples[p * channels + c]!
    let r: number, g: number, b: number
    let a = max
    if (colorType === 3) {
      const index = s(0)
      r = palette![3 * index]!
      g = palette![3 * index + 1]!
      b = palette![3 * index + 2]!
      a = transparency && index < transparency.length ? transparency[index]! : 255
    } else if (colorType === 0 || colorType === 4) {
      const v = s(0)
      r = g = b = bitDepth < 8 ? (v * 255) / (2 ** bitDepth - 1) : v
      if (colorType === 4) a = s(1)
      else if (transparency && v === key(0)) a = 0
    } else {
      r = s(0)
      g = s(1)
      b = s(2)
      if (colorType === 6) a = s(3)
      else if (transparency && r === key(0) && g === key(2) && b === key(4)) a = 0
    }
    rgba.set([r, g, b, a], p * 4)
  }
  return { rgba, max }
}

/** Area-averaged resize of straight RGBA (0..max) to 8-bit RGBA of `tw` × `th`. */
export function referenceResize(
  rgba: Float64Array,
  width: number,
  height: number,
  max: number,
  tw: number,
  th: number,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(tw * th * 4)
  const sx = width / tw
  const sy = height / th
  for (let Y = 0; Y < th; Y++) {
    const y0 = Y * sy
    const y1 = (Y + 1) * sy
    for (let X = 0; X < tw; X++) {
      const x0 = X * sx
      const x1 = (X + 1) * sx
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      let area = 0
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0)
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0))
          const p = (y * width + x) * 4
          const wa = w * rgba[p + 3]!
          r += wa * rgba[p]!
          g += wa * rgba[p + 1]!
          b += wa * rgba[p + 2]!
          a += wa
          area += w
        }
      }
      const o = (Y * tw + X) * 4
      if (a > 0) {
        out[o] = Math.round(((r / a) * 255) / max)
        out[o + 1] = Math.round(((g / a) * 255) / max)
        out[o + 2] = Math.round(((b / a) * 255) / max)
      }
      out[o + 3] = Math.round(((a / area) * 255) / max)
    }
  }
  return out
}

/** Seeded pseudo-random integers in [0, n) (a 32-bit LCG), for repeatable test images. */
export function seededRandom(seed: number): (n: number) => number {
  let s = seed >>> 0
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return Math.floor((s / 2 ** 32) * n)
  }
}
