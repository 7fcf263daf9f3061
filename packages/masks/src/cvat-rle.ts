// CVAT's own mask RLE (the `rle` of a `<mask>` in CVAT for images 1.1): runs that alternate
// 0 and 1, starting with a run of 0 (possibly empty), over the pixels of the mask's
// `width` × `height` box in row-major order (index = y * width + x). Loupe keeps masks as COCO
// RLE, which is column-major; these two functions convert between the two without a bitmap of
// the box, so their cost follows the number of set pixels' runs per row, not the box's area.

import { RleError, type Rle } from './rle'

/**
 * CVAT row-major counts over a `width` × `height` box → Loupe's column-major RLE. Counts may
 * stop short of the box (the rest is 0, as CVAT's decoder treats it); counts past it throw.
 */
export function cvatRleToRle(counts: readonly number[], width: number, height: number): Rle {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new RleError(`size: expected positive integers, got ${width} × ${height}`)
  }
  const total = width * height
  // set pixels per column as sorted y runs: column x → [y0, y1) intervals
  const columns: number[][] = Array.from({ length: width }, () => [])
  let index = 0
  for (let i = 0; i < counts.length; i++) {
    const run = counts[i]!
    if (!Number.isSafeInteger(run) || run < 0) {
      throw new RleError(`counts[${i}]: expected a non-negative integer, got ${run}`)
    }
    if (index + run > total) {
      throw new RleError(`counts: runs cover more than ${width} × ${height} = ${total} pixels`)
    }
    if (i % 2 === 1 && run > 0) {
      // a run of set pixels in row-major order: split it by rows
      let start = index
      const end = index + run
      while (start < end) {
        const y = Math.floor(start / width)
        const x0 = start - y * width
        const x1 = Math.min(width, x0 + (end - start))
        for (let x = x0; x < x1; x++) {
          const col = columns[x]!
          // rows arrive in increasing y, so extend the column's last interval when adjacent
          if (col.length > 0 && col[col.length - 1] === y) col[col.length - 1] = y + 1
          else col.push(y, y + 1)
        }
        start += x1 - x0
      }
    }
    index += run
  }
  const out: number[] = []
  let zeros = 0
  for (let x = 0; x < width; x++) {
    const col = columns[x]!
    let y = 0
    for (let k = 0; k < col.length; k += 2) {
      const y0 = col[k]!
      const y1 = col[k + 1]!
      zeros += y0 - y
      out.push(zeros, y1 - y0)
      zeros = 0
      y = y1
    }
    zeros += height - y
  }
  out.push(zeros)
  return { size: [height, width], counts: mergeRuns(out) }
}

/** Loupe's column-major RLE → CVAT row-major counts over the same box (starting with zeros). */
export function rleToCvatRle(rle: Rle): number[] {
  const [height, width] = rle.size
  // set pixels per row as x intervals, collected column by column (so x increases per row)
  const rows: number[][] = Array.from({ length: height }, () => [])
  let index = 0
  for (let i = 0; i < rle.counts.length; i++) {
    const run = rle.counts[i]!
    if (i % 2 === 1 && run > 0) {
      let start = index
      const end = Math.min(index + run, width * height)
      while (start < end) {
        const x = Math.floor(start / height)
        const y0 = start - x * height
        const y1 = Math.min(height, y0 + (end - start))
        for (let y = y0; y < y1; y++) {
          const row = rows[y]!
          if (row.length > 0 && row[row.length - 1] === x) row[row.length - 1] = x + 1
          else row.push(x, x + 1)
        }
        start += y1 - y0
      }
    }
    index += run
  }
  const out: number[] = []
  let zeros = 0
  for (let y = 0; y < height; y++) {
    const row = rows[y]!
    let x = 0
    for (let k = 0; k < row.length; k += 2) {
      const x0 = row[k]!
      const x1 = row[k + 1]!
      zeros += x0 - x
      out.push(zeros, x1 - x0)
      zeros = 0
      x = x1
    }
    zeros += width - x
  }
  out.push(zeros)
  return mergeRuns(out)
}

/**
 * Joins set runs that touch across a column (or row) boundary: `[z, a, 0, b, ...]` becomes
 * `[z, a + b, ...]`, so the counts are the canonical alternation. The final zero run is kept
 * (possibly 0) only when it is the only run.
 */
function mergeRuns(counts: number[]): number[] {
  const out: number[] = []
  for (let i = 0; i < counts.length; i++) {
    const run = counts[i]!
    // a zero-length run of 0 between two runs of 1 (odd indexes are 1s in the output)
    if (run === 0 && out.length % 2 === 0 && out.length > 0 && i + 1 < counts.length) {
      out[out.length - 1]! += counts[i + 1]!
      i++
      continue
    }
    out.push(run)
  }
  // COCO counts end with the last run, whatever its value; drop a trailing empty run of 0s
  // after a run of 1s so the encoding matches bitmapToRle's
  if (out.length > 1 && out[out.length - 1] === 0) out.pop()
  return out
}
