// Which SAM export a pair of ONNX models is, from their input/output names, and whether their
// types and shapes are those the adapters feed: errors name the file, the value and what was
// expected (`decoder.onnx: missing input "point_labels"`).

import { SamError, SamErrorCode } from './errors'
import type { EncoderLayout } from './preprocess'
import type { ValueInfo } from './session'

export type SamFamily = 'sam' | 'slimsam'

/** Expected dimension: a number, or `null` for any (symbolic) size. */
type Dim = number | null

interface Expect {
  name: string
  type: string
  shape: readonly Dim[]
  optional?: boolean
}

const SAM_DECODER_INPUTS: Expect[] = [
  { name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] },
  { name: 'point_coords', type: 'float32', shape: [1, null, 2] },
  { name: 'point_labels', type: 'float32', shape: [1, null] },
  { name: 'mask_input', type: 'float32', shape: [1, 1, 256, 256] },
  { name: 'has_mask_input', type: 'float32', shape: [1] },
  { name: 'orig_im_size', type: 'float32', shape: [2] },
]
const SAM_DECODER_OUTPUTS: Expect[] = [
  { name: 'iou_predictions', type: 'float32', shape: [1, null] },
  { name: 'low_res_masks', type: 'float32', shape: [1, null, 256, 256], optional: true },
  { name: 'masks', type: 'float32', shape: [1, null, null, null] },
]
const SLIMSAM_DECODER_INPUTS: Expect[] = [
  { name: 'input_points', type: 'float32', shape: [1, 1, null, 2] },
  { name: 'input_labels', type: 'int64', shape: [1, 1, null] },
  { name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] },
  { name: 'image_positional_embeddings', type: 'float32', shape: [1, 256, 64, 64] },
  { name: 'input_boxes', type: 'float32', shape: [1, null, 4], optional: true },
]
const SLIMSAM_DECODER_OUTPUTS: Expect[] = [
  { name: 'iou_scores', type: 'float32', shape: [1, 1, null] },
  { name: 'pred_masks', type: 'float32', shape: [1, 1, null, 256, 256] },
]
const EMBEDDING: Expect = { name: 'image_embeddings', type: 'float32', shape: [1, 256, 64, 64] }
const POSITIONAL: Expect = {
  name: 'image_positional_embeddings',
  type: 'float32',
  shape: [1, 256, 64, 64],
}

const formatShape = (shape: readonly (number | string | null)[]) =>
  `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`

/** Checks one value against what is expected; returns a message or null. */
function mismatch(kind: 'input' | 'output', info: ValueInfo, expect: Expect): string | null {
  if (info.type !== undefined && info.type !== expect.type) {
    return `${kind} "${info.name}" has type ${info.type}, expected ${expect.type}`
  }
  const shape = info.shape
  if (!shape) return null
  const fits =
    shape.length === expect.shape.length &&
    shape.every((d, i) => {
      const e = expect.shape[i]
      return e === null || e === undefined || typeof d === 'string' || d === e || d < 0
    })
  if (fits) return null
  // batch dims may be symbolic in the expectation only as 1: say the shape in the expectation's terms
  const wanted = expect.shape.map((d, i) => (d === null ? (shape[i] ?? '?') : d))
  return `${kind} "${info.name}" has shape ${formatShape(shape)}, expected ${formatShape(wanted)}`
}

function check(
  file: string,
  kind: 'input' | 'output',
  values: readonly ValueInfo[],
  expected: readonly Expect[],
): void {
  const problems: string[] = []
  for (const expect of expected) {
    const info = values.find((v) => v.name === expect.name)
    if (!info) {
      if (!expect.optional) problems.push(`missing ${kind} "${expect.name}"`)
      continue
    }
    const wrong = mismatch(kind, info, expect)
    if (wrong) problems.push(wrong)
  }
  if (problems.length > 0) {
    throw new SamError(SamErrorCode.IncompatibleModel, `${file}: ${problems.join('; ')}`)
  }
}

const names = (values: readonly ValueInfo[]) =>
  values.map((v) => `"${v.name}"`).join(', ') || 'none'

export interface DecoderDescription {
  family: SamFamily
  /** Official export: whether `low_res_masks` is an output (else the `masks` output is used). */
  lowResOutput: boolean
  /** SlimSAM export: whether the decoder takes a box (`input_boxes`). */
  boxInput: boolean
}

/** Identifies and checks a decoder. Throws SamError(incompatible-model) naming what is wrong. */
export function describeDecoder(
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
  file = 'decoder.onnx',
): DecoderDescription {
  const has = (name: string) => inputs.some((v) => v.name === name)
  if (has('point_coords') || has('point_labels') || has('orig_im_size')) {
    check(file, 'input', inputs, SAM_DECODER_INPUTS)
    check(file, 'output', outputs, SAM_DECODER_OUTPUTS)
    return {
      family: 'sam',
      lowResOutput: outputs.some((v) => v.name === 'low_res_masks'),
      boxInput: true,
    }
  }
  if (has('input_points') || has('input_labels')) {
    check(file, 'input', inputs, SLIMSAM_DECODER_INPUTS)
    check(file, 'output', outputs, SLIMSAM_DECODER_OUTPUTS)
    return { family: 'slimsam', lowResOutput: true, boxInput: has('input_boxes') }
  }
  throw new SamError(
    SamErrorCode.IncompatibleModel,
    `${file}: not a SAM decoder: expected inputs "point_coords", "point_labels" (SAM export) or ` +
      `"input_points", "input_labels" (SlimSAM / transformers.js export); found ${names(inputs)}`,
  )
}

export interface EncoderDescription {
  family: SamFamily
  input: string
  layout: EncoderLayout
}

/** Identifies and checks an encoder. Throws SamError(incompatible-model) naming what is wrong. */
export function describeEncoder(
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
  file = 'encoder.onnx',
): EncoderDescription {
  const positional = outputs.some((v) => v.name === POSITIONAL.name)
  const family: SamFamily = positional ? 'slimsam' : 'sam'
  check(file, 'output', outputs, positional ? [EMBEDDING, POSITIONAL] : [EMBEDDING])
  if (inputs.length !== 1) {
    throw new SamError(
      SamErrorCode.IncompatibleModel,
      `${file}: expected one image input, found ${inputs.length} (${names(inputs)})`,
    )
  }
  const input = inputs[0]!
  const shape = input.shape ?? [1, 3, 1024, 1024]
  const type = input.type ?? 'float32'
  const fixed = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : null)
  // NCHW float32: [1,3,1024,1024] (batch may be symbolic)
  if (shape.length === 4 && shape[1] === 3) {
    const want: Expect = { name: input.name, type: 'float32', shape: [null, 3, 1024, 1024] }
    const wrong = mismatch('input', { ...input, shape }, want)
    const batch = fixed(shape[0])
    if (wrong || (batch !== null && batch !== 1)) {
      throw new SamError(
        SamErrorCode.IncompatibleModel,
        `${file}: input "${input.name}" has shape ${formatShape(shape)}, expected [1,3,1024,1024]` +
          (type !== 'float32' ? ` of float32, not ${type}` : ''),
      )
    }
    return { family, input: input.name, layout: { kind: 'nchw' } }
  }
  // HWC raw pixels: [H,W,3] or [1,H,W,3], uint8 or float32
  const hwc = shape.length === 3 ? shape : shape.length === 4 ? shape.slice(1) : null
  if (hwc && hwc[2] === 3 && (type === 'uint8' || type === 'float32')) {
    const h = fixed(hwc[0])
    const w = fixed(hwc[1])
    if ((h !== null && h !== 1024) || (w !== null && w !== 1024)) {
      throw new SamError(
        SamErrorCode.IncompatibleModel,
        `${file}: input "${input.name}" has shape ${formatShape(shape)}, expected ` +
          `${shape.length === 4 ? '[1,H,W,3]' : '[H,W,3]'} with H, W symbolic or 1024`,
      )
    }
    return {
      family,
      input: input.name,
      layout: { kind: 'hwc', type, batch: shape.length === 4, padded: h !== null || w !== null },
    }
  }
  throw new SamError(
    SamErrorCode.IncompatibleModel,
    `${file}: input "${input.name}" has shape ${formatShape(shape)} of ${type}, expected ` +
      `[1,3,1024,1024] float32 or [H,W,3] uint8/float32`,
  )
}
