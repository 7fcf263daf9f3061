// The two bilinear resizes of SAM's post-processing (low-res logits L → model space M → output
// O) and the threshold, written as column-major runs of O without computing every value of M or
// O, yet exactly as if every one had been computed with the reference's arithmetic
// (upsample-reference.ts; upsample.test.ts compares them on random logits).
//
// Why shortcuts are exact (threshold 0): each resize is a convex combination of two samples,
// computed as `a * (1 - w) + b * w` (and rounded to float32 for M and for the columns of O). If
// every sample is positive (and neither tiny nor huge) the result is positive however it is
// rounded; if none is, it is ≤ 0. So a stretch of O whose L samples are all on one side is one
// run (decided per L cell, no M value computed); where L is mixed, the M values decide per pair
// of M samples; where those are mixed, O is computed — and between two column values of
// opposite signs the result is monotonic in the weight (each product is, and rounding keeps
// order), so a binary search finds where the run changes. Non-finite values and other
// thresholds take the plain per-pixel path.

import type { MaskLogits } from './upsample'

/** Sample positions of a 1-D PyTorch bilinear resize (align_corners=False) from n to m. */
export interface Samples {
  i0: Int32Array
  i1: Int32Array
  w: Float32Array
}

/** Samples of output indices `from` … `to` (inclusive). */
export function samples(inSize: number, outSize: number, from: number, to: number): Samples {
  const n = to - from + 1
  const i0 = new Int32Array(n)
  const i1 = new Int32Array(n)
  const w = new Float32Array(n)
  const scale = inSize / outSize
  for (let k = 0; k < n; k++) {
    const src = Math.max(0, (from + k + 0.5) * scale - 0.5)
    const a = Math.min(Math.floor(src), inSize - 1)
    i0[k] = a
    i1[k] = a < inSize - 1 ? a + 1 : a
    w[k] = src - a
  }
  return { i0, i1, w }
}

/** Values beyond this size are left to the per-pixel path (their products could overflow). */
const HUGE = 1e30
/** Positive values below this are left to the per-pixel path (float32 underflow). */
const TINY = 1e-30

/** 1 for a value safely above 0, -1 for one ≤ 0, 0 for anything else (tiny, huge, NaN). */
function sideOfValue(v: number): number {
  if (v > TINY && v < HUGE) return 1
  if (v <= 0 && v > -HUGE) return -1
  return 0
}

/** 1 when both values are safely positive, -1 when both are ≤ 0, else 0. */
function sideOf(a: number, b: number): number {
  const s = sideOfValue(a)
  return s === sideOfValue(b) ? s : 0
}

export interface RunsInput {
  logits: MaskLogits
  /** Model-space rows and columns (inclusive) the output samples read. */
  rows: [number, number]
  cols: [number, number]
  /** Model-space samples of each output row and column of the box. */
  ys: Samples
  xs: Samples
  /** Logit threshold: a pixel is set when its value is above it. */
  threshold: number
}

/** Builds the list of runs of one box column after another (COCO counts, from a 0 run). */
class Counts {
  readonly counts: number[] = []
  on = false
  run = 0
  area = 0

  add(set: boolean, length: number): void {
    if (set !== this.on) {
      this.counts.push(this.run)
      this.run = 0
      this.on = set
    }
    this.run += length
    if (set) this.area += length
  }
}

/**
 * COCO counts (column-major over the output box `ys` × `xs`) of the thresholded two-step
 * resize, and the number of set pixels.
 */
export function thresholdRuns(input: RunsInput): { counts: number[]; area: number } {
  const { logits, rows, cols, ys, xs, threshold } = input
  const src = logits.data
  const lw = logits.width
  const lowRes = logits.space === 'low-res'
  const shortcuts = threshold === 0
  const regionH = rows[1] - rows[0] + 1
  const regionW = cols[1] - cols[0] + 1
  // M → L samples (identity for logits already in model space)
  const yl = lowRes ? samples(logits.height, 1024, rows[0], rows[1]) : null
  const xl = lowRes ? samples(lw, 1024, cols[0], cols[1]) : null
  const lTop = yl ? yl.i0[0]! : rows[0]
  const lLeft = xl ? xl.i0[0]! : cols[0]
  const lRowOf = (r: number) => (yl ? yl.i0[r]! : rows[0] + r) - lTop
  const lRowAfter = (r: number) => (yl ? yl.i1[r]! : rows[0] + r) - lTop
  const lColOf = (x: number) => (xl ? xl.i0[x]! : cols[0] + x) - lLeft
  const lColAfter = (x: number) => (xl ? xl.i1[x]! : cols[0] + x) - lLeft
  const lH = lRowAfter(regionH - 1) + 1
  const lW = lColAfter(regionW - 1) + 1
  // side of each L value, column-major
  const lSide = new Int8Array(lW * lH)
  if (shortcuts) {
    for (let x = 0; x < lW; x++) {
      for (let y = 0; y < lH; y++)
        lSide[x * lH + y] = sideOfValue(src[(lTop + y) * lw + lLeft + x]!)
    }
  }
  /** The M value at region row r, column x, as the reference computes it. */
  const modelValue = (r: number, x: number): number => {
    if (!yl || !xl) return src[(rows[0] + r) * lw + cols[0] + x]!
    const a = yl.i0[r]! * lw
    const b = yl.i1[r]! * lw
    const wy = yl.w[r]!
    const x0 = xl.i0[x]!
    const x1 = xl.i1[x]!
    const wx = xl.w[x]!
    const top = src[a + x0]! * (1 - wx) + src[a + x1]! * wx
    const bottom = src[b + x0]! * (1 - wx) + src[b + x1]! * wx
    return Math.fround(top * (1 - wy) + bottom * wy)
  }

  // Output rows in segments of one pair of M rows (r0, r1): the M row only grows with k. Then
  // blocks: consecutive segments over the same L rows (decided together at the L level).
  const boxH = ys.i0.length
  const boxW = xs.i0.length
  const segR0 = new Int32Array(boxH)
  const segR1 = new Int32Array(boxH)
  const segEnd = new Int32Array(boxH)
  let segments = 0
  for (let k = 0; k < boxH; k++) {
    const r0 = ys.i0[k]! - rows[0]
    if (segments === 0 || segR0[segments - 1] !== r0) {
      segR0[segments] = r0
      segR1[segments] = ys.i1[k]! - rows[0]
      segments++
    }
    segEnd[segments - 1] = k + 1
  }
  const blockFirst = new Int32Array(segments + 1)
  const blockTop = new Int32Array(segments)
  const blockBottom = new Int32Array(segments)
  let blocks = 0
  for (let s = 0; s < segments; s++) {
    const top = lRowOf(segR0[s]!)
    const bottom = lRowAfter(segR1[s]!)
    if (blocks === 0 || blockTop[blocks - 1] !== top || blockBottom[blocks - 1] !== bottom) {
      blockTop[blocks] = top
      blockBottom[blocks] = bottom
      blockFirst[blocks] = s
      blocks++
    }
  }
  blockFirst[blocks] = segments
  const segStart = (s: number) => (s > 0 ? segEnd[s - 1]! : 0)

  // The L-level skeleton of a range of L columns: uniform stretches of output rows and the
  // blocks to refine at the M level. Built from the runs of equal side down the L rows, so its
  // cost follows the outline: a uniform run covers the blocks whose L rows all lie inside it
  // (block tops and bottoms only grow, so those are consecutive blocks).
  const blockStart = new Int32Array(blocks)
  const blockEnd = new Int32Array(blocks)
  for (let b = 0; b < blocks; b++) {
    blockStart[b] = segStart(blockFirst[b]!)
    blockEnd[b] = segEnd[blockFirst[b + 1]! - 1]!
  }
  /** First block whose top L row is ≥ y, and last block whose bottom L row is ≤ y. */
  const firstFrom = new Int32Array(lH + 1)
  const lastTo = new Int32Array(lH)
  for (let y = 0, b = 0; y <= lH; y++) {
    while (b < blocks && blockTop[b]! < y) b++
    firstFrom[y] = b
  }
  for (let y = 0, b = -1; y < lH; y++) {
    while (b + 1 < blocks && blockBottom[b + 1]! <= y) b++
    lastTo[y] = b
  }
  const skSide = new Int8Array(2 * blocks + 1)
  const skStart = new Int32Array(2 * blocks + 1)
  const skEnd = new Int32Array(2 * blocks + 1)
  const skBlock = new Int32Array(2 * blocks + 1)
  let skeleton = 0
  let skLeft = -1
  let skRight = -1
  const rowSide = new Int8Array(lH)
  const refine = (from: number, to: number): void => {
    for (let b = from; b < to; b++) {
      skSide[skeleton] = 0
      skBlock[skeleton] = b
      skeleton++
    }
  }
  const buildSkeleton = (left: number, right: number): void => {
    skeleton = 0
    if (shortcuts) {
      // side of each L row over the columns left … right
      for (let y = 0; y < lH; y++) {
        let side = lSide[left * lH + y]!
        for (let x = left + 1; x <= right && side !== 0; x++) {
          if (lSide[x * lH + y] !== side) side = 0
        }
        rowSide[y] = side
      }
    }
    let next = 0 // first block not in the skeleton yet
    for (let y0 = 0; y0 < lH;) {
      const side = rowSide[y0]!
      let y1 = y0
      while (y1 + 1 < lH && rowSide[y1 + 1] === side) y1++
      if (side !== 0) {
        const first = Math.max(next, firstFrom[y0]!)
        const last = lastTo[y1]!
        if (first <= last) {
          refine(next, first)
          skSide[skeleton] = side
          skStart[skeleton] = blockStart[first]!
          skEnd[skeleton] = blockEnd[last]!
          skeleton++
          next = last + 1
        }
      }
      y0 = y1 + 1
    }
    refine(next, blocks)
    skLeft = left
    skRight = right
  }

  // Spans of one pair of M columns: uniform (±1) or exact (0, with the 4 M values it needs)
  const spanSide = new Int8Array(segments + blocks)
  const spanStart = new Int32Array(segments + blocks)
  const spanEnd = new Int32Array(segments + blocks)
  const spanValues = new Float64Array(4 * (segments + blocks))
  let spans = 0
  const addUniform = (side: number, start: number, end: number): void => {
    if (spans > 0 && spanSide[spans - 1] === side && side !== 0) {
      spanEnd[spans - 1] = end
      return
    }
    spanSide[spans] = side
    spanStart[spans] = start
    spanEnd[spans] = end
    spans++
  }

  const out = new Counts()
  for (let c = 0; c < boxW;) {
    const i0 = xs.i0[c]!
    let group = c + 1
    while (group < boxW && xs.i0[group] === i0) group++
    const x0 = i0 - cols[0]
    const x1 = xs.i1[c]! - cols[0]
    const left = lColOf(x0)
    const right = lColAfter(x1)
    if (left !== skLeft || right !== skRight) buildSkeleton(left, right)
    spans = 0
    let lastRow = -1
    let last0 = 0
    let last1 = 0
    for (let e = 0; e < skeleton; e++) {
      if (skSide[e] !== 0) {
        addUniform(skSide[e]!, skStart[e]!, skEnd[e]!)
        continue
      }
      const b = skBlock[e]!
      for (let s = blockFirst[b]!; s < blockFirst[b + 1]!; s++) {
        const r0 = segR0[s]!
        const r1 = segR1[s]!
        const m00 = r0 === lastRow ? last0 : modelValue(r0, x0)
        const m01 = r0 === lastRow ? last1 : modelValue(r0, x1)
        const m10 = r1 === r0 ? m00 : modelValue(r1, x0)
        const m11 = r1 === r0 ? m01 : modelValue(r1, x1)
        lastRow = r1
        last0 = m10
        last1 = m11
        const side = shortcuts && sideOf(m00, m01) === sideOf(m10, m11) ? sideOf(m00, m01) : 0
        if (side !== 0) {
          addUniform(side, segStart(s), segEnd[s]!)
          continue
        }
        spanSide[spans] = 0
        spanStart[spans] = segStart(s)
        spanEnd[spans] = segEnd[s]!
        spanValues[4 * spans] = m00
        spanValues[4 * spans + 1] = m01
        spanValues[4 * spans + 2] = m10
        spanValues[4 * spans + 3] = m11
        spans++
      }
    }
    for (; c < group; c++) {
      const wx = xs.w[c]!
      for (let t = 0; t < spans; t++) {
        const side = spanSide[t]!
        const start = spanStart[t]!
        const end = spanEnd[t]!
        if (side !== 0) {
          out.add(side > 0, end - start)
          continue
        }
        const v = 4 * t
        const top = Math.fround(spanValues[v]! * (1 - wx) + spanValues[v + 1]! * wx)
        const bottom = Math.fround(spanValues[v + 2]! * (1 - wx) + spanValues[v + 3]! * wx)
        if (shortcuts && Number.isFinite(top) && Number.isFinite(bottom)) {
          const first = top > 0
          if (first === bottom > 0) {
            out.add(first, end - start)
            continue
          }
          // monotonic between values of opposite signs: find the first k that differs
          let lo = start
          let hi = end
          while (lo < hi) {
            const mid = (lo + hi) >> 1
            const wy = ys.w[mid]!
            if (top * (1 - wy) + bottom * wy > 0 === first) lo = mid + 1
            else hi = mid
          }
          if (lo > start) out.add(first, lo - start)
          if (end > lo) out.add(!first, end - lo)
          continue
        }
        for (let k = start; k < end; k++) {
          const wy = ys.w[k]!
          out.add(top * (1 - wy) + bottom * wy > threshold, 1)
        }
      }
    }
  }
  out.counts.push(out.run)
  return { counts: out.counts, area: out.area }
}
