// Antialiased bilinear resize of RGBA pixels (PIL's BILINEAR: a triangle filter whose support
// widens with the downscale factor), separable, one output row at a time: only the input rows
// under the filter are kept resampled, so a 16,000 × 12,000 image needs a few rows of scratch.

/** RGBA pixels in row-major order, 4 bytes a pixel (ImageData's layout). */
export interface RgbaImage {
  width: number
  height: number
  data: Uint8ClampedArray | Uint8Array
}

interface Taps {
  /** First input index of each output sample. */
  start: Int32Array
  /** Number of taps of each output sample. */
  count: Int32Array
  /** Weights, `maxTaps` per output sample. */
  weights: Float32Array
  maxTaps: number
}

function filterTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize
  const support = Math.max(1, scale)
  const maxTaps = Math.ceil(support) * 2 + 1
  const start = new Int32Array(outSize)
  const count = new Int32Array(outSize)
  const weights = new Float32Array(outSize * maxTaps)
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale
    const lo = Math.max(0, Math.floor(centre - support))
    const hi = Math.min(inSize, Math.ceil(centre + support))
    let total = 0
    let n = 0
    for (let i = lo; i < hi && n < maxTaps; i++, n++) {
      const w = Math.max(0, 1 - Math.abs((i + 0.5 - centre) / support))
      weights[o * maxTaps + n] = w
      total += w
    }
    for (let k = 0; k < n; k++) weights[o * maxTaps + k]! /= total || 1
    start[o] = lo
    count[o] = n
  }
  return { start, count, weights, maxTaps }
}

/** Resizes RGBA pixels to `width` × `height` (returns the input when the size already fits). */
export function resizeRgba(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image
  const xs = filterTaps(image.width, width)
  const ys = filterTaps(image.height, height)
  const out = new Uint8ClampedArray(width * height * 4)
  const rows = new Map<number, Float32Array>()
  const src = image.data
  const horizontal = (row: number): Float32Array => {
    let line = rows.get(row)
    if (line) return line
    line = new Float32Array(width * 4)
    const base = row * image.width * 4
    for (let o = 0; o < width; o++) {
      const s = xs.start[o]!
      const n = xs.count[o]!
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let k = 0; k < n; k++) {
        const w = xs.weights[o * xs.maxTaps + k]!
        const p = base + (s + k) * 4
        r += src[p]! * w
        g += src[p + 1]! * w
        b += src[p + 2]! * w
        a += src[p + 3]! * w
      }
      line[o * 4] = r
      line[o * 4 + 1] = g
      line[o * 4 + 2] = b
      line[o * 4 + 3] = a
    }
    rows.set(row, line)
    return line
  }
  for (let y = 0; y < height; y++) {
    const s = ys.start[y]!
    const n = ys.count[y]!
    for (const row of rows.keys()) if (row < s) rows.delete(row)
    const acc = new Float32Array(width * 4)
    for (let k = 0; k < n; k++) {
      const w = ys.weights[y * ys.maxTaps + k]!
      const line = horizontal(s + k)
      for (let i = 0; i < acc.length; i++) acc[i]! += line[i]! * w
    }
    out.set(acc, y * width * 4) // Uint8ClampedArray rounds and clamps
  }
  return { width, height, data: out }
}
