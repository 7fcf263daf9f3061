// Mask logits → Loupe's mask shape (whole-pixel box + COCO RLE over the box), computing the
// upsampled mask ONLY inside its bounding box. SAM's post-processing is two bilinear resizes
// (PyTorch `interpolate`, align_corners=False): 256² logits → 1024² padded input, crop to the
// resized image, → original size; then threshold at 0. Bilinear interpolation is a convex
// combination, so an output pixel can be set only where one of the samples under it is
// positive: the positive cells bound the work. The mask is written straight into runs (see
// upsample-runs.ts), so a 16,000 × 12,000 image never holds a full-size mask, and the work
// follows the outline rather than the area, with results identical to computing every pixel.

import { imageRleToBoxRle, type PixelBox, type Rle } from '@loupe/masks'
import { SAM_INPUT_SIZE, SAM_LOW_RES_SIZE, modelInputSize, type Size } from './geometry'
import { samples, thresholdRuns } from './upsample-runs'

/** One mask's logits as a decoder returns them. */
export interface MaskLogits {
  data: Float32Array
  width: number
  height: number
  /**
   * `low-res`: SAM's 256² logits over the padded 1024² input (`low_res_masks`, `pred_masks`).
   * `resized`: logits over the resized image in model space, 1:1 (the official `masks` output
   * when `orig_im_size` is the resized size).
   */
  space: 'low-res' | 'resized'
}

/** Loupe's mask shape: the tight whole-pixel box and a COCO RLE (column-major) over it. */
export interface MaskShape {
  box: PixelBox
  rle: Rle
  /** Number of set pixels. */
  area: number
}

export interface UpsampleOptions {
  /** Logit threshold (SAM: 0). */
  threshold?: number
  /**
   * Output size, when not the image's (a reduced grid for outline tracing of huge masks);
   * the box and RLE are then in that grid's pixels.
   */
  output?: Size
}

export function min(a: Int32Array): number {
  let m = Infinity
  for (const v of a) if (v < m) m = v
  return m
}

export function max(a: Int32Array): number {
  let m = -Infinity
  for (const v of a) if (v > m) m = v
  return m
}

/** Bounds of cells above the threshold, or null. */
export function positiveBounds(
  data: Float32Array,
  width: number,
  height: number,
  threshold: number,
): PixelBox | null {
  let x1 = width
  let y1 = height
  let x2 = -1
  let y2 = -1
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      if (!(data[row + x]! > threshold)) continue
      if (x < x1) x1 = x
      if (x > x2) x2 = x
      if (y < y1) y1 = y
      y2 = y
    }
  }
  return x2 < 0 ? null : { x1, y1, x2, y2 }
}

/** Range of output indices whose samples may fall in input cells [lo, hi] (inclusive). */
export function outputRange(
  lo: number,
  hi: number,
  inSize: number,
  outSize: number,
): [number, number] {
  const scale = outSize / inSize
  const start = Math.max(0, Math.floor((lo - 0.5) * scale - 0.5))
  const end = Math.min(outSize - 1, Math.ceil((hi + 1.5) * scale - 0.5))
  return [start, end]
}

/**
 * Thresholded, upsampled mask of one candidate as a Loupe mask shape over the image (or over
 * `options.output`), or null when no pixel is set. Memory and time follow the mask's bounding
 * box, not the image.
 */
export function logitsToMask(
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
  const { counts, area } = thresholdRuns({ logits, rows, cols, ys, xs, threshold })
  const boxH = yEnd - yStart + 1
  const boxW = xEnd - xStart + 1
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

/** The low-res logits of candidate `index` of a `[..., M, 256, 256]` tensor. */
export function lowResCandidate(data: Float32Array, index: number): MaskLogits {
  const n = SAM_LOW_RES_SIZE * SAM_LOW_RES_SIZE
  return {
    data: data.subarray(index * n, (index + 1) * n),
    width: SAM_LOW_RES_SIZE,
    height: SAM_LOW_RES_SIZE,
    space: 'low-res',
  }
}
