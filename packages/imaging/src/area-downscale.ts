// Area-averaging resize (a box filter over each output pixel's exact footprint in the source),
// fed one source row at a time. Every output pixel is the mean of the source area it covers,
// source pixels cut by its edges counted by the fraction inside, so no source pixel is skipped
// and none counts twice, at any ratio (not only whole ones). Averages are alpha-weighted
// (premultiplied): a transparent pixel's colour does not bleed into its neighbours; the output is
// straight (not premultiplied) RGBA, as ImageData holds it.
//
// Exact arithmetic: source pixel x spans [x·tw, (x+1)·tw) and output pixel X spans
// [X·sw, (X+1)·sw) on one integer axis (tw, sw the output and source widths), so overlaps are
// integers, every output pixel's weights sum to sw·sh, and sums stay exact in float64 for 8-bit
// images of any allowed size. Rows of 8-bit samples, whose sums are then exact integers, are
// summed by output column (area-columns.ts), in fewer steps to the same numbers.

import { addRgbaRow, addRgbRow, columnsOf, type Columns } from './area-columns'
import type { PixelRow } from './png-pixels'

export interface Size {
  width: number
  height: number
}

/** The horizontal footprints: source column `src[k]` covers `weight[k]` of output column `dst[k]`. */
export interface Spans {
  src: Int32Array
  dst: Int32Array
  weight: Float64Array
  /** First span of each source column: spans of column x are first[x] .. first[x + 1] - 1. */
  first: Int32Array
  count: number
}

function overlaps(source: number, target: number): Spans {
  const capacity = source + target
  const src = new Int32Array(capacity)
  const dst = new Int32Array(capacity)
  const weight = new Float64Array(capacity)
  const first = new Int32Array(source + 1)
  let count = 0
  let x = 0
  let X = 0
  let at = 0
  while (x < source && X < target) {
    const end = Math.min((x + 1) * target, (X + 1) * source)
    src[count] = x
    dst[count] = X
    weight[count] = end - at
    count++
    at = end
    if (end === (x + 1) * target) first[++x] = count
    if (end === (X + 1) * source) X++
  }
  return { src, dst, weight, first, count }
}

/** Output rows that source row `y` overlaps, with the overlap of each, in `rows`/`weights`. */
function rowOverlaps(y: number, source: number, target: number, rows: number[], weights: number[]) {
  rows.length = 0
  weights.length = 0
  const start = y * target
  const end = start + target
  for (let Y = Math.floor(start / source); Y < target && Y * source < end; Y++) {
    rows.push(Y)
    weights.push(Math.min(end, (Y + 1) * source) - Math.max(start, Y * source))
  }
}

/** Adds one source row, horizontally resized, into `into` (4 sums per output column). */
function addRow(spans: Spans, row: PixelRow, into: Float64Array): void {
  const { src, dst, weight, count } = spans
  const s = row.samples
  if (row.channels === 3) {
    for (let k = 0; k < count; k++) {
      const i = 3 * src[k]!
      const o = 4 * dst[k]!
      const w = weight[k]!
      into[o]! += w * s[i]!
      into[o + 1]! += w * s[i + 1]!
      into[o + 2]! += w * s[i + 2]!
    }
    return
  }
  for (let k = 0; k < count; k++) {
    const i = 4 * src[k]!
    const o = 4 * dst[k]!
    const wa = weight[k]! * s[i + 3]!
    into[o]! += wa * s[i]!
    into[o + 1]! += wa * s[i + 1]!
    into[o + 2]! += wa * s[i + 2]!
    into[o + 3]! += wa
  }
}

/**
 * Writes output pixels from their sums. `total` is the weight of a whole output pixel (sw·sh);
 * opaque sums hold Σw·c, alpha sums Σw·a·c and Σw·a.
 */
function writePixels(
  sums: Float64Array,
  from: number,
  out: Uint8ClampedArray,
  at: number,
  count: number,
  alpha: boolean,
  total: number,
  max: number,
): void {
  if (!alpha) {
    const k = 255 / (total * max)
    for (let i = 0; i < count; i++) {
      const s = from + 4 * i
      const o = at + 4 * i
      out[o] = (sums[s]! * k + 0.5) | 0
      out[o + 1] = (sums[s + 1]! * k + 0.5) | 0
      out[o + 2] = (sums[s + 2]! * k + 0.5) | 0
      out[o + 3] = 255
    }
    return
  }
  const ka = 255 / (total * max)
  for (let i = 0; i < count; i++) {
    const s = from + 4 * i
    const o = at + 4 * i
    const a = sums[s + 3]!
    if (a === 0) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0
      continue
    }
    const k = 255 / (a * max)
    out[o] = (sums[s]! * k + 0.5) | 0
    out[o + 1] = (sums[s + 1]! * k + 0.5) | 0
    out[o + 2] = (sums[s + 2]! * k + 0.5) | 0
    out[o + 3] = (a * ka + 0.5) | 0
  }
}

export interface AreaResizeOptions {
  source: Size
  target: Size
  /** Whether rows carry alpha (4 channels); otherwise they are opaque RGB. */
  alpha: boolean
  /** Largest sample value: 255 or 65535. */
  max: number
}

/**
 * Area-averaging resize fed source rows top to bottom. Keeps one horizontally resized row and the
 * output rows still open (two when shrinking), so memory is the output plus a few output rows.
 */
export class AreaResizer {
  readonly output: Uint8ClampedArray<ArrayBuffer>
  private readonly spans: Spans
  /** For 8-bit rows whose sums stay exact integers: the footprints by output column. */
  private readonly columns: Columns | null
  private readonly line: Float64Array
  /** Output rows being summed, by output row modulo their count. */
  private readonly open: Float64Array[]
  private nextRow = 0
  private readonly rows: number[] = []
  private readonly weights: number[] = []

  constructor(private readonly options: AreaResizeOptions) {
    const { source, target } = options
    this.output = new Uint8ClampedArray(target.width * target.height * 4)
    this.spans = overlaps(source.width, target.width)
    // An output pixel's sums reach source area × max (× max again when alpha-weighted); below
    // 2^53 every partial sum is an exact integer, so the order of adding does not matter.
    const largest = source.width * source.height * options.max * (options.alpha ? options.max : 1)
    this.columns =
      options.max === 255 && largest < 2 ** 53
        ? columnsOf(this.spans, target.width, target.width)
        : null
    this.line = new Float64Array(target.width * 4)
    const openRows = Math.ceil(target.height / source.height) + 1
    this.open = Array.from({ length: openRows }, () => new Float64Array(target.width * 4))
  }

  /** Whether every source row has been added. */
  get done(): boolean {
    return this.nextRow === this.options.source.height
  }

  /** Adds source row `y`, which must be the next one. */
  addRow(y: number, row: PixelRow): void {
    const { source, target, alpha, max } = this.options
    if (y !== this.nextRow) throw new Error(`AreaResizer: row ${y} given, expected ${this.nextRow}`)
    this.nextRow++
    const { line, open, rows, weights, columns } = this
    if (columns && row.channels === 3) addRgbRow(columns, row.samples as Uint8Array, line)
    else if (columns) addRgbaRow(columns, row.samples as Uint8Array, line)
    else {
      line.fill(0)
      addRow(this.spans, row, line)
    }
    rowOverlaps(y, source.height, target.height, rows, weights)
    const n = line.length
    for (let r = 0; r < rows.length; r++) {
      const Y = rows[r]!
      const w = weights[r]!
      const sums = open[Y % open.length]!
      if (alpha) {
        for (let i = 0; i < n; i++) sums[i]! += w * line[i]!
      } else {
        // Opaque: the fourth sum of each pixel is not used.
        for (let i = 0; i < n; i += 4) {
          sums[i]! += w * line[i]!
          sums[i + 1]! += w * line[i + 1]!
          sums[i + 2]! += w * line[i + 2]!
        }
      }
      // Output row Y is complete once the source has been read to its bottom edge.
      if ((Y + 1) * source.height <= (y + 1) * target.height) {
        const total = source.width * source.height
        writePixels(sums, 0, this.output, Y * 4 * target.width, target.width, alpha, total, max)
        sums.fill(0)
      }
    }
  }
}

/**
 * Area-averaging resize fed pixels in any order (rows of Adam7 passes: every 8th pixel of every
 * 8th row, then others). Sums the whole output at once (32 bytes per output pixel) and writes it
 * when asked.
 */
export class ScatteredAreaResizer {
  private readonly spans: Spans
  private readonly sums: Float64Array
  private readonly rows: number[] = []
  private readonly weights: number[] = []

  constructor(private readonly options: AreaResizeOptions) {
    const { source, target } = options
    this.spans = overlaps(source.width, target.width)
    this.sums = new Float64Array(target.width * target.height * 4)
  }

  /** Adds the pixels of source row `y` at columns x0, x0 + dx, ... (`row` holds them in order). */
  addPixels(y: number, x0: number, dx: number, row: PixelRow): void {
    const { source, target } = this.options
    const { dst, weight, first } = this.spans
    const { rows, weights, sums } = this
    rowOverlaps(y, source.height, target.height, rows, weights)
    const s = row.samples
    const c = row.channels
    const stride = 4 * target.width
    const count = Math.ceil((source.width - x0) / dx)
    for (let i = 0; i < count; i++) {
      const x = x0 + i * dx
      const p = c * i
      const a = c === 4 ? s[p + 3]! : 1
      for (let k = first[x]!; k < first[x + 1]!; k++) {
        const wx = weight[k]! * a
        const column = 4 * dst[k]!
        for (let r = 0; r < rows.length; r++) {
          const w = wx * weights[r]!
          const o = rows[r]! * stride + column
          sums[o]! += w * s[p]!
          sums[o + 1]! += w * s[p + 1]!
          sums[o + 2]! += w * s[p + 2]!
          sums[o + 3]! += w
        }
      }
    }
  }

  /** The output, from everything added so far. */
  finish(): Uint8ClampedArray<ArrayBuffer> {
    const { source, target, alpha, max } = this.options
    const out = new Uint8ClampedArray(target.width * target.height * 4)
    writePixels(
      this.sums,
      0,
      out,
      0,
      target.width * target.height,
      alpha,
      source.width * source.height,
      max,
    )
    return out
  }
}
