// Moves a mask between Loupe's box-relative RLE and an RLE over the whole image (COCO's and
// Datumaro's `segmentation`) run by run, without a bitmap: the cost follows the number of runs and
// columns, not the image's area, so a 4K image with thousands of masks converts in milliseconds.

import type { PixelBox, Rle } from './rle'

/** Appends set intervals `[start, end)` in increasing order and closes them into COCO counts. */
class RunWriter {
  readonly counts: number[] = []
  private end = 0

  add(start: number, end: number): void {
    if (end <= start) return
    const counts = this.counts
    if (counts.length > 0 && start === this.end) counts[counts.length - 1]! += end - start
    else counts.push(start - this.end, end - start)
    this.end = end
  }

  /** Closes with the trailing zeros, if any (as pycocotools: no empty run after the last one). */
  finish(total: number): number[] {
    if (this.counts.length === 0 || total > this.end) this.counts.push(total - this.end)
    return this.counts
  }
}

/** Calls `visit(start, end)` for each run of set pixels of an RLE, in order. */
function forEachSetRun(rle: Rle, visit: (start: number, end: number) => void): void {
  let at = 0
  const counts = rle.counts
  for (let i = 0; i < counts.length; i++) {
    const run = counts[i]!
    if (i % 2 === 1 && run > 0) visit(at, at + run)
    at += run
  }
}

/**
 * Loupe's mask (an RLE over the whole-pixel `box`) → an RLE over a `width` × `height` image, as
 * COCO's `segmentation` holds it. Pixels of the box outside the image are clipped.
 */
export function boxRleToImageRle(rle: Rle, box: PixelBox, width: number, height: number): Rle {
  const h = rle.size[0]
  const out = new RunWriter()
  forEachSetRun(rle, (start, end) => {
    const firstColumn = Math.floor(start / h)
    const lastColumn = Math.floor((end - 1) / h)
    for (let column = firstColumn; column <= lastColumn; column++) {
      const x = box.x1 + column
      if (x < 0 || x >= width) continue
      const top = Math.max(start, column * h) - column * h
      const bottom = Math.min(end, (column + 1) * h) - column * h
      const y0 = Math.max(0, box.y1 + top)
      const y1 = Math.min(height, box.y1 + bottom)
      if (y1 > y0) out.add(x * height + y0, x * height + y1)
    }
  })
  return { size: [height, width], counts: out.finish(width * height) }
}

/**
 * A mask over a whole image → Loupe's form: the tight whole-pixel box of its set pixels and an RLE
 * over that box. Null when no pixel is set.
 */
export function imageRleToBoxRle(rle: Rle): { box: PixelBox; rle: Rle } | null {
  const height = rle.size[0]
  let x1 = Infinity
  let x2 = -1
  let y1 = Infinity
  let y2 = -1
  forEachSetRun(rle, (start, end) => {
    const firstColumn = Math.floor(start / height)
    const lastColumn = Math.floor((end - 1) / height)
    if (firstColumn < x1) x1 = firstColumn
    if (lastColumn > x2) x2 = lastColumn
    if (firstColumn !== lastColumn) {
      y1 = 0
      y2 = height - 1
    } else {
      const top = start - firstColumn * height
      const bottom = end - 1 - firstColumn * height
      if (top < y1) y1 = top
      if (bottom > y2) y2 = bottom
    }
  })
  if (x2 < 0) return null
  const box = { x1, y1, x2: x2 + 1, y2: y2 + 1 }
  const h = box.y2 - box.y1
  const w = box.x2 - box.x1
  const out = new RunWriter()
  forEachSetRun(rle, (start, end) => {
    const firstColumn = Math.floor(start / height)
    const lastColumn = Math.floor((end - 1) / height)
    for (let column = firstColumn; column <= lastColumn; column++) {
      const top = Math.max(start, column * height) - column * height
      const bottom = Math.min(end, (column + 1) * height) - column * height
      const base = (column - x1) * h - y1
      out.add(base + top, base + bottom)
    }
  })
  return { box, rle: { size: [h, w], counts: out.finish(h * w) } }
}
