// COCO uncompressed RLE (DESIGN.md §5): counts alternate runs of 0 and 1, starting with 0, over
// the pixels of an h × w box in column-major order (index = x * h + y).

import { bitmapToRle, rleToBitmap } from '@loupe/masks'
import type { RleMask } from './types'

/** Decodes into row-major bytes (255 = set), the layout a texture upload wants. */
export function decodeRle(mask: RleMask): Uint8Array {
  return rleToBitmap(mask, 255).data
}

/** Encodes row-major bytes (non-zero = set) of an h × w box. */
export function encodeRle(pixels: ArrayLike<number>, h: number, w: number): RleMask {
  const data = pixels instanceof Uint8Array ? pixels : Uint8Array.from(pixels)
  return bitmapToRle({ width: w, height: h, data })
}

const starts = new WeakMap<RleMask, Float64Array>()

/** Whether mask pixel (col, row) is set, by binary search over cached run starts. */
export function rleAt(mask: RleMask, col: number, row: number): boolean {
  const [h, w] = mask.size
  if (col < 0 || row < 0 || col >= w || row >= h) return false
  let s = starts.get(mask)
  if (!s) {
    s = new Float64Array(mask.counts.length + 1)
    for (let i = 0; i < mask.counts.length; i++) s[i + 1] = s[i]! + mask.counts[i]!
    starts.set(mask, s)
  }
  const k = col * h + row
  let lo = 0
  let hi = mask.counts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (s[mid]! <= k) lo = mid
    else hi = mid - 1
  }
  return k < s[s.length - 1]! && lo % 2 === 1
}
