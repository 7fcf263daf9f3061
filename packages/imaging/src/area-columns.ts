// The horizontal half of the area-averaging resize for rows of 8-bit samples, the common case,
// by output column instead of by footprint: the source pixels an output pixel covers whole are
// summed as they are and weighted once, the (at most two) it covers in part are weighted alone.
// Every sum is an integer below 2^53 (the caller checks), so this gives exactly the numbers that
// adding footprint by footprint gives, in fewer steps.

import type { Spans } from './area-downscale'

/**
 * The footprints by output column: output column X covers source columns fullStart[X] ..
 * fullEnd[X] - 1 whole (weight `full`, a source pixel's width in units) and at most two more in
 * part, left (leftX, leftW) and right (rightX, rightW); a weight of 0 is none.
 */
export interface Columns {
  full: number
  fullStart: Int32Array
  fullEnd: Int32Array
  leftX: Int32Array
  leftW: Int32Array
  rightX: Int32Array
  rightW: Int32Array
}

export function columnsOf(spans: Spans, target: number, full: number): Columns {
  const columns: Columns = {
    full,
    fullStart: new Int32Array(target),
    fullEnd: new Int32Array(target),
    leftX: new Int32Array(target),
    leftW: new Int32Array(target),
    rightX: new Int32Array(target),
    rightW: new Int32Array(target),
  }
  const { src, dst, weight, count } = spans
  for (let k = 0; k < count;) {
    const X = dst[k]!
    let end = k
    while (end < count && dst[end] === X) end++
    // Spans k .. end - 1 are source columns src[k] .. src[end - 1], in order; only the first and
    // the last can be cut by the output column's edges.
    let first = k
    let last = end - 1
    if (weight[first]! !== full) {
      columns.leftX[X] = src[first]!
      columns.leftW[X] = weight[first]!
      first++
    }
    if (last >= first && weight[last]! !== full) {
      columns.rightX[X] = src[last]!
      columns.rightW[X] = weight[last]!
      last--
    }
    columns.fullStart[X] = first <= last ? src[first]! : 0
    columns.fullEnd[X] = first <= last ? src[last]! + 1 : 0
    k = end
  }
  return columns
}

/** Adds one source row of 8-bit opaque RGB, horizontally resized, into `into` (4 per column). */
export function addRgbRow(columns: Columns, s: Uint8Array, into: Float64Array): void {
  const { full, fullStart, fullEnd, leftX, leftW, rightX, rightW } = columns
  for (let X = 0, o = 0; X < fullStart.length; X++, o += 4) {
    let r = 0
    let g = 0
    let b = 0
    for (let i = 3 * fullStart[X]!, end = 3 * fullEnd[X]!; i < end; i += 3) {
      r += s[i]!
      g += s[i + 1]!
      b += s[i + 2]!
    }
    r *= full
    g *= full
    b *= full
    const lw = leftW[X]!
    if (lw !== 0) {
      const i = 3 * leftX[X]!
      r += lw * s[i]!
      g += lw * s[i + 1]!
      b += lw * s[i + 2]!
    }
    const rw = rightW[X]!
    if (rw !== 0) {
      const i = 3 * rightX[X]!
      r += rw * s[i]!
      g += rw * s[i + 1]!
      b += rw * s[i + 2]!
    }
    into[o] = r
    into[o + 1] = g
    into[o + 2] = b
    into[o + 3] = 0
  }
}

/** Adds one source row of 8-bit RGBA (alpha-weighted), horizontally resized, into `into`. */
export function addRgbaRow(columns: Columns, s: Uint8Array, into: Float64Array): void {
  const { full, fullStart, fullEnd, leftX, leftW, rightX, rightW } = columns
  for (let X = 0, o = 0; X < fullStart.length; X++, o += 4) {
    let r = 0
    let g = 0
    let b = 0
    let a = 0
    for (let i = 4 * fullStart[X]!, end = 4 * fullEnd[X]!; i < end; i += 4) {
      const alpha = s[i + 3]!
      r += alpha * s[i]!
      g += alpha * s[i + 1]!
      b += alpha * s[i + 2]!
      a += alpha
    }
    r *= full
    g *= full
    b *= full
    a *= full
    const lw = leftW[X]!
    if (lw !== 0) {
      const i = 4 * leftX[X]!
      const wa = lw * s[i + 3]!
      r += wa * s[i]!
      g += wa * s[i + 1]!
      b += wa * s[i + 2]!
      a += wa
    }
    const rw = rightW[X]!
    if (rw !== 0) {
      const i = 4 * rightX[X]!
      const wa = rw * s[i + 3]!
      r += wa * s[i]!
      g += wa * s[i + 1]!
      b += wa * s[i + 2]!
      a += wa
    }
    into[o] = r
    into[o + 1] = g
    into[o + 2] = b
    into[o + 3] = a
  }
}
