// Tiny models with exactly the signatures of the real SAM exports, for tests and benchmarks:
// the official SAM decoder (6 inputs → masks, iou_predictions, low_res_masks), SAM / MobileSAM
// encoders (NCHW float and HWC uint8), and the SlimSAM (transformers.js) encoder and decoder.
// Decoders return discs around the first prompt point: candidate k has radius
// `TINY_RADII[k]` in model-input pixels (logit = r² − d², so the 0-threshold is the circle) and
// predicted IoU `TINY_SCORES[k]`. Encoders average-pool the image to 64² and put the pooled
// input channels in embedding channels 0–2, so tests can read preprocessing back.

import { buildModel, type GraphSpec, type NodeSpec } from './onnx-builder'

/** Disc radius of each candidate, in 1024² model-input pixels. */
export const TINY_RADII = [80, 56, 40] as const
/** Predicted IoU of each candidate (the best is candidate 1). */
export const TINY_SCORES = [0.5, 0.9, 0.7] as const

/** Cell-centre coordinates of the 256² low-res grid in model-input pixels. */
function lowResGrid(): { gx: Float32Array; gy: Float32Array } {
  const gx = new Float32Array(256 * 256)
  const gy = new Float32Array(256 * 256)
  for (let y = 0; y < 256; y++) {
    for (let x = 0; x < 256; x++) {
      gx[y * 256 + x] = x * 4 + 1.5
      gy[y * 256 + x] = y * 4 + 1.5
    }
  }
  return { gx, gy }
}

/** Nodes computing `out` = r² − |grid − (x, y)|² from a point tensor `pointXY` of shape [...,2]. */
function discNodes(point: string, pointAxis: number, rank: number, out: string): NodeSpec[] {
  return [
    { op: 'Gather', inputs: [point, 'zero'], outputs: ['px'], attrs: { axis: pointAxis } },
    { op: 'Gather', inputs: ['px', 'zero'], outputs: ['x'], attrs: { axis: pointAxis } },
    { op: 'Gather', inputs: ['px', 'one'], outputs: ['y'], attrs: { axis: pointAxis } },
    { op: 'Reshape', inputs: ['x', `shape${rank}`], outputs: ['xr'] },
    { op: 'Reshape', inputs: ['y', `shape${rank}`], outputs: ['yr'] },
    { op: 'Sub', inputs: ['gx', 'xr'], outputs: ['dx'] },
    { op: 'Sub', inputs: ['gy', 'yr'], outputs: ['dy'] },
    { op: 'Mul', inputs: ['dx', 'dx'], outputs: ['dx2'] },
    { op: 'Mul', inputs: ['dy', 'dy'], outputs: ['dy2'] },
    { op: 'Add', inputs: ['dx2', 'dy2'], outputs: ['d2'] },
    { op: 'Sub', inputs: ['r2', 'd2'], outputs: [out] },
  ]
}

function commonConstants(rank: number) {
  const { gx, gy } = lowResGrid()
  const lead = Array<number>(rank - 2).fill(1)
  const r2Dims = Array<number>(rank).fill(1)
  r2Dims[rank - 3] = TINY_RADII.length
  return {
    floats: {
      gx: { dims: [...lead, 256, 256], data: gx },
      gy: { dims: [...lead, 256, 256], data: gy },
      r2: { dims: r2Dims, data: TINY_RADII.map((r) => r * r) },
    },
    ints: {
      zero: { dims: [], data: [0] },
      one: { dims: [], data: [1] },
      [`shape${rank}`]: { dims: [rank], data: Array<number>(rank).fill(1) },
    } as Record<string, { dims: number[]; data: number[] }>,
  }
}

export interface TinyDecoderOptions {
  /** Leave out these inputs (to test the errors). */
  omitInputs?: string[]
  /** Leave out `low_res_masks` (exports that only give `masks`). */
  withoutLowRes?: boolean
}

/** The official SAM decoder export's signature. */
export function tinySamDecoder(options: TinyDecoderOptions = {}): Uint8Array {
  const c = commonConstants(4)
  const spec: GraphSpec = {
    inputs: [
      { name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] },
      { name: 'point_coords', type: 'float32', shape: [1, 'num_points', 2] },
      { name: 'point_labels', type: 'float32', shape: [1, 'num_points'] },
      { name: 'mask_input', type: 'float32', shape: [1, 1, 256, 256] },
      { name: 'has_mask_input', type: 'float32', shape: [1] },
      { name: 'orig_im_size', type: 'float32', shape: [2] },
    ].filter((i) => !options.omitInputs?.includes(i.name)) as GraphSpec['inputs'],
    outputs: [
      { name: 'masks', type: 'float32', shape: [1, 3, 'H', 'W'] },
      { name: 'iou_predictions', type: 'float32', shape: [1, 3] },
      ...(options.withoutLowRes
        ? []
        : [{ name: 'low_res_masks', type: 'float32' as const, shape: [1, 3, 256, 256] }]),
    ],
    nodes: [
      ...discNodes('point_coords', 1, 4, 'disc'),
      { op: 'Mul', inputs: ['mask_input', 'has_mask_input'], outputs: ['previous'] },
      {
        op: 'Add',
        inputs: ['disc', 'previous'],
        outputs: [options.withoutLowRes ? 'low' : 'low_res_masks'],
      },
      { op: 'Identity', inputs: ['scores'], outputs: ['iou_predictions'] },
      // masks: SAM's postprocessing for orig_im_size = the resized size (upsample, crop)
      {
        op: 'Resize',
        inputs: [options.withoutLowRes ? 'low' : 'low_res_masks', '', '', 'up_size'],
        outputs: ['up'],
        attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' },
      },
      { op: 'Cast', inputs: ['orig_im_size'], outputs: ['ends'], attrs: { to: 7 } },
      { op: 'Slice', inputs: ['up', 'starts', 'ends', 'axes'], outputs: ['masks'] },
    ],
    floats: { ...c.floats, scores: { dims: [1, 3], data: [...TINY_SCORES] } },
    ints: {
      ...c.ints,
      up_size: { dims: [4], data: [1, 3, 1024, 1024] },
      starts: { dims: [2], data: [0, 0] },
      axes: { dims: [2], data: [2, 3] },
    },
  }
  return buildModel(spec)
}

/** Pool to 64² and lift 3 channels to 256 (identity on channels 0–2). */
function liftWeights(): Float32Array {
  const w = new Float32Array(256 * 3)
  for (let c = 0; c < 3; c++) w[c * 3 + c] = 1
  for (let c = 3; c < 256; c++) w[c * 3 + (c % 3)] = 0.01
  return w
}

export interface TinyEncoderOptions {
  /** Input side (1024 for the real signature; anything else to test the errors). */
  side?: number
  /** Input name (SAM: `image` or `input_image`; SlimSAM: `pixel_values`). */
  input?: string
  batch?: number | string
}

/** SAM ViT / MobileSAM encoder: `image` [1,3,1024,1024] float32 → `image_embeddings`. */
export function tinySamEncoder(options: TinyEncoderOptions = {}): Uint8Array {
  const side = options.side ?? 1024
  const k = side / 64
  return buildModel({
    inputs: [
      {
        name: options.input ?? 'image',
        type: 'float32',
        shape: [options.batch ?? 1, 3, side, side],
      },
    ],
    outputs: [{ name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] }],
    nodes: [
      {
        op: 'AveragePool',
        inputs: [options.input ?? 'image'],
        outputs: ['pooled'],
        attrs: { kernel_shape: [k, k], strides: [k, k] },
      },
      { op: 'Conv', inputs: ['pooled', 'lift'], outputs: ['image_embeddings'] },
    ],
    floats: { lift: { dims: [256, 3, 1, 1], data: liftWeights() } },
  })
}

/**
 * The HWC variant some SAM / MobileSAM exports use: `input_image` [H,W,3] uint8 raw pixels of
 * the resized image (normalised inside) → `image_embeddings` (the per-channel mean of the
 * input, cast to float, in channels 0–2 everywhere).
 */
export function tinyHwcEncoder(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'input_image', type: 'uint8', shape: ['image_height', 'image_width', 3] }],
    outputs: [{ name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] }],
    nodes: [
      { op: 'Cast', inputs: ['input_image'], outputs: ['f'], attrs: { to: 1 } },
      { op: 'Transpose', inputs: ['f'], outputs: ['chw'], attrs: { perm: [2, 0, 1] } },
      { op: 'Unsqueeze', inputs: ['chw', 'axis0'], outputs: ['nchw'] },
      { op: 'GlobalAveragePool', inputs: ['nchw'], outputs: ['mean'] },
      { op: 'Conv', inputs: ['mean', 'lift'], outputs: ['lifted'] },
      { op: 'Expand', inputs: ['lifted', 'shape'], outputs: ['image_embeddings'] },
    ],
    floats: { lift: { dims: [256, 3, 1, 1], data: liftWeights() } },
    ints: { axis0: { dims: [1], data: [0] }, shape: { dims: [4], data: [1, 256, 64, 64] } },
  })
}

/** SlimSAM (transformers.js) vision encoder: `pixel_values` → embeddings + positional. */
export function tinySlimSamEncoder(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch_size', 3, 1024, 1024] }],
    outputs: [
      { name: 'image_embeddings', type: 'float32', shape: ['batch_size', 256, 64, 64] },
      { name: 'image_positional_embeddings', type: 'float32', shape: ['batch_size', 256, 64, 64] },
    ],
    nodes: [
      {
        op: 'AveragePool',
        inputs: ['pixel_values'],
        outputs: ['pooled'],
        attrs: { kernel_shape: [16, 16], strides: [16, 16] },
      },
      { op: 'Conv', inputs: ['pooled', 'lift'], outputs: ['image_embeddings'] },
      { op: 'Neg', inputs: ['image_embeddings'], outputs: ['image_positional_embeddings'] },
    ],
    floats: { lift: { dims: [256, 3, 1, 1], data: liftWeights() } },
  })
}

/** SlimSAM (transformers.js) prompt encoder + mask decoder. */
export function tinySlimSamDecoder(): Uint8Array {
  const c = commonConstants(5)
  return buildModel({
    inputs: [
      {
        name: 'input_points',
        type: 'float32',
        shape: ['batch_size', 'point_batch_size', 'nb_points_per_image', 2],
      },
      {
        name: 'input_labels',
        type: 'int64',
        shape: ['batch_size', 'point_batch_size', 'nb_points_per_image'],
      },
      { name: 'image_embeddings', type: 'float32', shape: ['batch_size', 256, 64, 64] },
      { name: 'image_positional_embeddings', type: 'float32', shape: ['batch_size', 256, 64, 64] },
    ],
    outputs: [
      { name: 'iou_scores', type: 'float32', shape: ['batch_size', 'point_batch_size', 3] },
      {
        name: 'pred_masks',
        type: 'float32',
        shape: ['batch_size', 'point_batch_size', 3, 256, 256],
      },
    ],
    nodes: [
      ...discNodes('input_points', 2, 5, 'pred_masks'),
      { op: 'Identity', inputs: ['scores'], outputs: ['iou_scores'] },
    ],
    floats: { ...c.floats, scores: { dims: [1, 1, 3], data: [...TINY_SCORES] } },
    ints: c.ints,
  })
}
