// SAM's image preprocessing, exactly: resize the longest side to 1024, normalise each channel
// with ImageNet mean/std (RGB order, on 0–255 values), pad bottom/right with zeros (after
// normalisation) to 1024², lay out as NCHW float32. Exports that take raw pixels (HWC, uint8 or
// float32) normalise and pad inside the graph; they get the resized pixels as they are.

import { SAM_INPUT_SIZE, modelInputSize, type Size } from './geometry'
import { resizeRgba, type RgbaImage } from './resize'

/** ImageNet mean and std on 0–255 values, RGB order (SAM's `pixel_mean` / `pixel_std`). */
export const SAM_PIXEL_MEAN = [123.675, 116.28, 103.53] as const
export const SAM_PIXEL_STD = [58.395, 57.12, 57.375] as const

/** How an encoder wants its image (found from its input metadata by `describeEncoder`). */
export type EncoderLayout =
  /** `[1,3,1024,1024]` float32, normalised and padded by us. */
  | { kind: 'nchw' }
  /**
   * `[H,W,3]` or `[1,H,W,3]` raw 0–255 pixels of the resized image; `padded` when the export fixes
   * H × W at 1024² (then the bottom/right padding is zero pixels).
   */
  | { kind: 'hwc'; type: 'uint8' | 'float32'; batch: boolean; padded: boolean }

export interface PreprocessedImage {
  data: Float32Array | Uint8Array
  type: 'float32' | 'uint8'
  dims: number[]
  /** The original image size. */
  image: Size
  /** The resized (unpadded) image size inside the 1024² input. */
  resized: Size
}

/**
 * The encoder input for an image. `image` may already be resized to `modelInputSize` (the
 * worker resizes with `createImageBitmap`); any other size is resized here.
 * @param original the size of the original image when `image` is a resized copy
 */
export function preprocessImage(
  image: RgbaImage,
  layout: EncoderLayout = { kind: 'nchw' },
  original: Size = image,
): PreprocessedImage {
  const resized = modelInputSize(original)
  const pixels = resizeRgba(image, resized.width, resized.height)
  const { width, height } = resized
  const src = pixels.data
  const S = SAM_INPUT_SIZE
  const size = { width: original.width, height: original.height }
  if (layout.kind === 'nchw') {
    const data = new Float32Array(3 * S * S)
    for (let c = 0; c < 3; c++) {
      const mean = SAM_PIXEL_MEAN[c]!
      const std = SAM_PIXEL_STD[c]!
      const plane = c * S * S
      for (let y = 0; y < height; y++) {
        const row = plane + y * S
        const from = y * width * 4 + c
        for (let x = 0; x < width; x++) data[row + x] = (src[from + x * 4]! - mean) / std
      }
    }
    return { data, type: 'float32', dims: [1, 3, S, S], image: size, resized }
  }
  const outW = layout.padded ? S : width
  const outH = layout.padded ? S : height
  const data =
    layout.type === 'uint8' ? new Uint8Array(outW * outH * 3) : new Float32Array(outW * outH * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4
      const q = (y * outW + x) * 3
      data[q] = src[p]!
      data[q + 1] = src[p + 1]!
      data[q + 2] = src[p + 2]!
    }
  }
  const dims = layout.batch ? [1, outH, outW, 3] : [outH, outW, 3]
  return { data, type: layout.type, dims, image: size, resized }
}
