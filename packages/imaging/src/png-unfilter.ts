// Reverses PNG's scanline filters (None, Sub, Up, Average, Paeth) in place. The hot loop of the
// decoder after inflating: photos are mostly Paeth- and Sub-filtered, so Paeth has versions for
// 3 and 4 bytes per pixel (8-bit RGB, RGBA) that keep the pixel to the left and the one above
// it in locals instead of reading them again from the rows.

import { PngDecodeError, PngErrorCode } from './png-error'

/**
 * Paeth's predictor of a byte from its left (a), upper (b) and upper-left (c) neighbours: the one
 * nearest a + b - c, ties to a, then b. Without branches (photos' noise makes them unpredictable,
 * and mispredicting costs more than the arithmetic): `x >> 31` is -1 for negative x, else 0.
 */
function paethPredictor(a: number, b: number, c: number): number {
  const p = b - c
  const q = a - c
  const r = p + q
  const pa = (p ^ (p >> 31)) - (p >> 31)
  const pb = (q ^ (q >> 31)) - (q >> 31)
  const pc = (r ^ (r >> 31)) - (r >> 31)
  // -1 unless pa <= pb and pa <= pc (then a); -1 if pb > pc (then c, else b).
  const notA = ((pb - pa) | (pc - pa)) >> 31
  const cOverB = (pc - pb) >> 31
  return (a & ~notA) | (((b & ~cOverB) | (c & cOverB)) & notA)
}

function paeth3(line: Uint8Array, prev: Uint8Array, start: number, end: number): void {
  let ar = 0
  let ag = 0
  let ab = 0
  let cr = 0
  let cg = 0
  let cb = 0
  for (let i = start; i < end; i += 3) {
    const br = prev[i]!
    const bg = prev[i + 1]!
    const bb = prev[i + 2]!
    ar = (line[i]! + paethPredictor(ar, br, cr)) & 255
    ag = (line[i + 1]! + paethPredictor(ag, bg, cg)) & 255
    ab = (line[i + 2]! + paethPredictor(ab, bb, cb)) & 255
    line[i] = ar
    line[i + 1] = ag
    line[i + 2] = ab
    cr = br
    cg = bg
    cb = bb
  }
}

function paeth4(line: Uint8Array, prev: Uint8Array, start: number, end: number): void {
  let ar = 0
  let ag = 0
  let ab = 0
  let aa = 0
  let cr = 0
  let cg = 0
  let cb = 0
  let ca = 0
  for (let i = start; i < end; i += 4) {
    const br = prev[i]!
    const bg = prev[i + 1]!
    const bb = prev[i + 2]!
    const ba = prev[i + 3]!
    ar = (line[i]! + paethPredictor(ar, br, cr)) & 255
    ag = (line[i + 1]! + paethPredictor(ag, bg, cg)) & 255
    ab = (line[i + 2]! + paethPredictor(ab, bb, cb)) & 255
    aa = (line[i + 3]! + paethPredictor(aa, ba, ca)) & 255
    line[i] = ar
    line[i + 1] = ag
    line[i + 2] = ab
    line[i + 3] = aa
    cr = br
    cg = bg
    cb = bb
    ca = ba
  }
}

function paeth(line: Uint8Array, prev: Uint8Array, start: number, end: number, bpp: number): void {
  // Whole pixels only (a scanline of sub-byte samples may end inside one): the versions by
  // pixel size step a pixel at a time.
  if (bpp === 3 && (end - start) % 3 === 0) return paeth3(line, prev, start, end)
  if (bpp === 4 && (end - start) % 4 === 0) return paeth4(line, prev, start, end)
  const first = Math.min(end, start + bpp)
  // The first pixel has no left neighbours: its predictor is the byte above.
  for (let i = start; i < first; i++) line[i] = line[i]! + prev[i]!
  for (let i = first; i < end; i++) {
    line[i] = line[i]! + paethPredictor(line[i - bpp]!, prev[i]!, prev[i - bpp]!)
  }
}

/**
 * Reverses filter type `filter` on the bytes `line[start..end)`, in place; `prev` holds the
 * unfiltered row above at the same indices (zeros for a pass's first row); `bpp` is the filters'
 * bytes per pixel. A PngDecodeError (bad-filter) for a type other than 0–4.
 */
export function unfilterScanline(
  filter: number,
  line: Uint8Array,
  prev: Uint8Array,
  start: number,
  end: number,
  bpp: number,
): void {
  const first = Math.min(end, start + bpp)
  switch (filter) {
    case 0:
      return
    case 1:
      for (let i = first; i < end; i++) line[i] = line[i]! + line[i - bpp]!
      return
    case 2:
      for (let i = start; i < end; i++) line[i] = line[i]! + prev[i]!
      return
    case 3:
      for (let i = start; i < first; i++) line[i] = line[i]! + (prev[i]! >> 1)
      for (let i = first; i < end; i++) line[i] = line[i]! + ((line[i - bpp]! + prev[i]!) >> 1)
      return
    case 4:
      return paeth(line, prev, start, end, bpp)
    default:
      throw new PngDecodeError(
        PngErrorCode.badFilter,
        `invalid filter type ${filter} (expected 0–4)`,
      )
  }
}
