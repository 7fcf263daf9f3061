// Resizing a mask: its pixels are rescaled nearest-neighbour to the new box, straight from and to
// COCO RLE (column-major over the box, runs alternating 0 and 1 starting with 0; DESIGN.md §5).
// Each new pixel takes the old pixel under its centre, as the GPU samples the overlay preview,
// so what the user drops is what gets stored.

import type { Rle } from '@loupe/model'

/** Column-major bits (index = x * h + y) of an RLE. */
function columnBits(rle: Rle): Uint8Array {
  const [h, w] = rle.size
  const out = new Uint8Array(h * w)
  let i = 0
  let on = false
  for (const run of rle.counts) {
    if (on) out.fill(1, i, Math.min(i + run, out.length))
    i += run
    on = !on
  }
  return out
}

/** For each of `to` cells, the index of the `from` cell under its centre. */
function nearest(from: number, to: number): Int32Array {
  const out = new Int32Array(to)
  for (let i = 0; i < to; i++) out[i] = Math.min(from - 1, Math.floor(((i + 0.5) * from) / to))
  return out
}

/** The RLE rescaled to `h × w` pixels, nearest-neighbour. */
export function scaleRle(rle: Rle, h: number, w: number): Rle {
  const [sh, sw] = rle.size
  const bits = columnBits(rle)
  const rows = nearest(sh, h)
  const cols = nearest(sw, w)
  const counts: number[] = []
  let on = 0
  let run = 0
  for (let x = 0; x < w; x++) {
    const base = cols[x]! * sh
    for (let y = 0; y < h; y++) {
      const v = bits[base + rows[y]!]!
      if (v !== on) {
        counts.push(run)
        run = 0
        on = v
      }
      run++
    }
  }
  counts.push(run)
  return { size: [h, w], counts }
}

/** The RLE cropped to the columns and rows that hold set pixels, and that crop's offset. */
export function trimRle(rle: Rle): { rle: Rle; x: number; y: number } | null {
  const [h, w] = rle.size
  const bits = columnBits(rle)
  let x1 = w
  let x2 = -1
  let y1 = h
  let y2 = -1
  for (let x = 0; x < w; x++)
    for (let y = 0; y < h; y++)
      if (bits[x * h + y]) {
        if (x < x1) x1 = x
        if (x > x2) x2 = x
        if (y < y1) y1 = y
        if (y > y2) y2 = y
      }
  if (x2 < 0) return null
  if (x1 === 0 && y1 === 0 && x2 === w - 1 && y2 === h - 1) return { rle, x: 0, y: 0 }
  const th = y2 - y1 + 1
  const counts: number[] = []
  let on = 0
  let run = 0
  for (let x = x1; x <= x2; x++)
    for (let y = y1; y <= y2; y++) {
      const v = bits[x * h + y]!
      if (v !== on) {
        counts.push(run)
        run = 0
        on = v
      }
      run++
    }
  counts.push(run)
  return { rle: { size: [th, x2 - x1 + 1], counts }, x: x1, y: y1 }
}

/**
 * An integer mask box from a dragged (float) box: rounded, at least one pixel each way, the
 * side that did not move staying put.
 */
export function maskBox(dragged: readonly number[], before: readonly number[]): number[] {
  let [x1, y1, x2, y2] = dragged.map(Math.round) as [number, number, number, number]
  if (x2 - x1 < 1) {
    if (x1 === before[0]) x2 = x1 + 1
    else x1 = x2 - 1
  }
  if (y2 - y1 < 1) {
    if (y1 === before[1]) y2 = y1 + 1
    else y1 = y2 - 1
  }
  return [x1, y1, x2, y2]
}

/**
 * The mask scaled into `box` (integer, as `maskBox` gives), then trimmed to its tight box as
 * every stored mask is; null when nothing is left (a thin mask shrunk between its pixels).
 */
export function resizeMask(
  rle: Rle,
  box: readonly number[],
): { points: number[]; mask: Rle } | null {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box
  const trimmed = trimRle(scaleRle(rle, y2 - y1, x2 - x1))
  if (!trimmed) return null
  const [h, w] = trimmed.rle.size
  const left = x1 + trimmed.x
  const top = y1 + trimmed.y
  return { points: [left, top, left + w, top + h], mask: trimmed.rle }
}
