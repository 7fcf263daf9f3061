// Magic wand: flood fill from a seed pixel over pixels whose colour is within `tolerance` of the
// seed's (largest per-channel difference of R, G, B, as GIMP's threshold), 4- or 8-connected.
// Scanline fill (spans, not pixels, on the stack); the result is a Loupe mask shape.

import { bitmapToRle, cropBitmap } from '@loupe/masks'
import type { Point } from './geometry'
import type { RgbaImage } from './resize'
import type { MaskShape } from './upsample'

export interface MagicWandOptions {
  /** Largest per-channel difference (0–255) from the seed colour. Default 32. */
  tolerance?: number
  /** Default 4. */
  connectivity?: 4 | 8
}

/** The region grown from `seed` (image pixels), or null when the seed is outside the image. */
export function magicWand(
  image: RgbaImage,
  seed: Point,
  options: MagicWandOptions = {},
): MaskShape | null {
  const { width: w, height: h, data } = image
  const sx = Math.floor(seed.x)
  const sy = Math.floor(seed.y)
  if (sx < 0 || sy < 0 || sx >= w || sy >= h) return null
  const tolerance = options.tolerance ?? 32
  const diagonal = (options.connectivity ?? 4) === 8 ? 1 : 0
  const s = (sy * w + sx) * 4
  const r0 = data[s]!
  const g0 = data[s + 1]!
  const b0 = data[s + 2]!
  const filled = new Uint8Array(w * h)
  const matches = (i: number) => {
    if (filled[i]) return false
    const p = i * 4
    return (
      Math.abs(data[p]! - r0) <= tolerance &&
      Math.abs(data[p + 1]! - g0) <= tolerance &&
      Math.abs(data[p + 2]! - b0) <= tolerance
    )
  }
  let x1 = sx
  let x2 = sx
  let y1 = sy
  let y2 = sy
  let area = 0
  const stack: number[] = [sx, sy]
  while (stack.length > 0) {
    const y = stack.pop()!
    const x = stack.pop()!
    const row = y * w
    if (!matches(row + x)) continue
    let left = x
    let right = x
    while (left > 0 && matches(row + left - 1)) left--
    while (right < w - 1 && matches(row + right + 1)) right++
    filled.fill(1, row + left, row + right + 1)
    area += right - left + 1
    if (left < x1) x1 = left
    if (right > x2) x2 = right
    if (y < y1) y1 = y
    if (y > y2) y2 = y
    // seed one point per matching run in the rows above and below
    const from = Math.max(0, left - diagonal)
    const to = Math.min(w - 1, right + diagonal)
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= h) continue
      const nrow = ny * w
      let inRun = false
      for (let nx = from; nx <= to; nx++) {
        const ok = matches(nrow + nx)
        if (ok && !inRun) stack.push(nx, ny)
        inRun = ok
      }
    }
  }
  const box = { x1, y1, x2: x2 + 1, y2: y2 + 1 }
  return { box, rle: bitmapToRle(cropBitmap({ width: w, height: h, data: filled }, box)), area }
}
