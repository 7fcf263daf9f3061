// The box-cropped upsampling of logits as it was before runs were emitted segment by segment
// (bench/sam: 6.5 ms for an 874² mask at 8000 × 6000), kept unchanged as the reference that
// `logitsToMask` must match pixel for pixel (upsample.test.ts). Not exported from the package.

import { imageRleToBoxRle } from '@loupe/masks'
import { SAM_INPUT_SIZE, modelInputSize, type Size } from './geometry'
import { max, min, outputRange, positiveBounds } from './upsample'
import type { MaskLogits, MaskShape, UpsampleOptions } from './upsample'
import { samples } from './upsample-runs'

/**
 * The model-space (resized image, 1:1) logits over the region `rows` × `cols`, from either
 * kind of logits. Returns the region's values, row-major.
 */
function modelSpaceRegion(
  logits: MaskLogits,
  resized: Size,
  rows: [number, number],
  cols: [number, number],
): Float32Array {
  const h = rows[1] - rows[0] + 1
  const w = cols[1] - cols[0] + 1
  const out = new Float32Array(h * w)
  if (logits.space === 'resized') {
    for (let r = 0; r < h; r++) {
      const from = (rows[0] + r) * logits.width + cols[0]
      out.set(logits.data.subarray(from, from + w), r * w)
    }
    return out
  }
  // 256² → 1024² over the needed region only
  const ys = samples(logits.height, SAM_INPUT_SIZE, rows[0], rows[1])
  const xs = samples(logits.width, SAM_INPUT_SIZE, cols[0], cols[1])
  const src = logits.data
  const lw = logits.width
  for (let r = 0; r < h; r++) {
    const a = ys.i0[r]! * lw
    const b = ys.i1[r]! * lw
    const wy = ys.w[r]!
    for (let c = 0; c < w; c++) {
      const x0 = xs.i0[c]!
      const x1 = xs.i1[c]!
      const wx = xs.w[c]!
      const top = src[a + x0]! * (1 - wx) + src[a + x1]! * wx
      const bottom = src[b + x0]! * (1 - wx) + src[b + x1]! * wx
      out[r * w + c] = top * (1 - wy) + bottom * wy
    }
  }
  return out
}

/**
 * Thresholded, upsampled mask of one candidate as a Loupe mask shape over the image (or over
 * `options.output`), or null when no pixel is set. Memory and time follow the mask's bounding
 * box, not the image.
 */
export function referenceLogitsToMask(
  logits: MaskLogits,
  image: Size,
  options: UpsampleOptions = {},
): MaskShape | null {
  const threshold = options.threshold ?? 0
  const out = options.output ?? image
  const resized = modelInputSize(image)
  const { width: rw, height: rh } = resized
  const cells = positiveBounds(logits.data, logits.width, logits.height, threshold)
  if (!cells) return null
  // model-space rows/cols (inside the resized image) that may be positive
  let p: [number, number]
  let q: [number, number]
  if (logits.space === 'low-res') {
    const f = SAM_INPUT_SIZE / logits.width
    p = [Math.max(0, (cells.y1 - 1) * f), Math.min(rh - 1, (cells.y2 + 2) * f - 1)]
    q = [Math.max(0, (cells.x1 - 1) * f), Math.min(rw - 1, (cells.x2 + 2) * f - 1)]
  } else {
    p = [cells.y1, Math.min(rh - 1, cells.y2)]
    q = [cells.x1, Math.min(rw - 1, cells.x2)]
  }
  if (p[0] > p[1] || q[0] > q[1]) return null
  // output rows/cols that may be set, and the model-space samples under them
  const [yStart, yEnd] = outputRange(p[0], p[1], rh, out.height)
  const [xStart, xEnd] = outputRange(q[0], q[1], rw, out.width)
  const ys = samples(rh, out.height, yStart, yEnd)
  const xs = samples(rw, out.width, xStart, xEnd)
  const rows: [number, number] = [min(ys.i0), max(ys.i1)]
  const cols: [number, number] = [min(xs.i0), max(xs.i1)]
  const region = modelSpaceRegion(logits, resized, rows, cols)
  const regionW = cols[1] - cols[0] + 1
  const regionH = rows[1] - rows[0] + 1
  const boxH = yEnd - yStart + 1
  const boxW = xEnd - xStart + 1
  const column = new Float32Array(regionH)
  const counts: number[] = []
  let on = false
  let run = 0
  let area = 0
  for (let c = 0; c < boxW; c++) {
    const x0 = xs.i0[c]! - cols[0]
    const x1 = xs.i1[c]! - cols[0]
    const wx = xs.w[c]!
    for (let r = 0; r < regionH; r++) {
      const row = r * regionW
      column[r] = region[row + x0]! * (1 - wx) + region[row + x1]! * wx
    }
    for (let k = 0; k < boxH; k++) {
      const wy = ys.w[k]!
      const v = column[ys.i0[k]! - rows[0]]! * (1 - wy) + column[ys.i1[k]! - rows[0]]! * wy
      const set = v > threshold
      if (set !== on) {
        counts.push(run)
        run = 0
        on = set
      }
      run++
      if (set) area++
    }
  }
  counts.push(run)
  if (area === 0) return null
  const tight = imageRleToBoxRle({ size: [boxH, boxW], counts })
  if (!tight) return null
  const box = {
    x1: tight.box.x1 + xStart,
    y1: tight.box.y1 + yStart,
    x2: tight.box.x2 + xStart,
    y2: tight.box.y2 + yStart,
  }
  return { box, rle: tight.rle, area }
}
