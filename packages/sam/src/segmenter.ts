// One `Segmenter` over the SAM export families: identify the encoder/decoder pair from their
// signatures, then encode an image once and decode prompts against its embedding. Masks come
// back as low-res logits per candidate with its predicted IoU; `logitsToMask` and
// `logitsToPolygons` turn a candidate into a shape.

import { SamError, SamErrorCode } from './errors'
import { SAM_LOW_RES_SIZE, modelInputSize, type Size } from './geometry'
import { preprocessImage, type EncoderLayout } from './preprocess'
import { encodeSamPrompt, encodeSlimSamPrompt, type SamPrompt } from './prompt'
import type { RgbaImage } from './resize'
import { float32, int64, type SessionLike, type TensorData } from './session'
import { describeDecoder, describeEncoder, type SamFamily } from './signature'
import { lowResCandidate, type MaskLogits } from './upsample'

/** An image's embedding: computed once per image, reused by every prompt (cacheable). */
export interface ImageEmbedding {
  family: SamFamily
  /** The original image size (prompts and masks are in its pixels). */
  image: Size
  image_embeddings: TensorData
  /** SlimSAM only. */
  image_positional_embeddings?: TensorData
}

export interface MaskCandidate {
  /** Index of the decoder output. */
  index: number
  /** The decoder's predicted IoU. */
  score: number
  logits: MaskLogits
}

export interface DecodeOutput {
  /** Every mask the decoder returned, in output order. */
  candidates: MaskCandidate[]
  /** Index into `candidates` of the one to show first. */
  best: number
}

export interface DecodeOptions {
  /**
   * Low-res logits (256², `candidate.logits.data` of an earlier decode of the same image) to
   * refine, for models that take a mask input (official SAM export).
   */
  previousMask?: Float32Array
}

export interface SegmenterInfo {
  family: SamFamily
  encoderInput: string
  encoderLayout: EncoderLayout
  /** Whether a box prompt can be used. */
  box: boolean
  /** Whether `previousMask` is used. */
  maskInput: boolean
}

export interface Segmenter {
  readonly info: SegmenterInfo
  /**
   * Computes an image's embedding. `image` is RGBA pixels, either the original or a copy already
   * resized to `modelInputSize(original)` (then pass `original`).
   */
  encode(image: RgbaImage, original?: Size): Promise<ImageEmbedding>
  /** Decodes a prompt (image pixels) against an embedding of this model family. */
  decode(
    embedding: ImageEmbedding,
    prompt: SamPrompt,
    options?: DecodeOptions,
  ): Promise<DecodeOutput>
}

function asFloat32(tensor: TensorData | undefined, what: string): Float32Array {
  if (!tensor || !(tensor.data instanceof Float32Array)) {
    throw new SamError(SamErrorCode.Failed, `the model returned no float32 "${what}"`)
  }
  return tensor.data
}

function argmax(values: Float32Array, from = 0): number {
  let best = from
  for (let i = from + 1; i < values.length; i++) if (values[i]! > values[best]!) best = i
  return best
}

export interface ModelFiles {
  encoder?: string
  decoder?: string
}

/**
 * A Segmenter for an encoder/decoder pair, after checking both signatures and that they are of
 * the same family. Throws SamError(incompatible-model) naming the file and what is wrong.
 */
export function createSegmenter(
  encoder: SessionLike,
  decoder: SessionLike,
  files: ModelFiles = {},
): Segmenter {
  const encoderFile = files.encoder ?? 'encoder.onnx'
  const decoderFile = files.decoder ?? 'decoder.onnx'
  const enc = describeEncoder(encoder.inputs, encoder.outputs, encoderFile)
  const dec = describeDecoder(decoder.inputs, decoder.outputs, decoderFile)
  if (enc.family !== dec.family) {
    const what = (f: SamFamily) =>
      f === 'sam' ? 'a SAM export' : 'a SlimSAM / transformers.js export'
    throw new SamError(
      SamErrorCode.IncompatibleModel,
      `${encoderFile} is ${what(enc.family)} (outputs ${encoder.outputs.map((o) => `"${o.name}"`).join(', ')}) ` +
        `but ${decoderFile} is ${what(dec.family)}: use the encoder and decoder of the same export`,
    )
  }
  const info: SegmenterInfo = {
    family: enc.family,
    encoderInput: enc.input,
    encoderLayout: enc.layout,
    box: dec.boxInput,
    maskInput: dec.family === 'sam',
  }

  async function encode(image: RgbaImage, original: Size = image): Promise<ImageEmbedding> {
    const input = preprocessImage(image, enc.layout, original)
    const feed: TensorData = { type: input.type, data: input.data, dims: input.dims }
    const fetches =
      info.family === 'slimsam'
        ? ['image_embeddings', 'image_positional_embeddings']
        : ['image_embeddings']
    const out = await encoder.run({ [enc.input]: feed }, fetches)
    const embedding: ImageEmbedding = {
      family: info.family,
      image: { width: original.width, height: original.height },
      image_embeddings: float32(
        asFloat32(out.image_embeddings, 'image_embeddings'),
        [1, 256, 64, 64],
      ),
    }
    if (info.family === 'slimsam') {
      embedding.image_positional_embeddings = float32(
        asFloat32(out.image_positional_embeddings, 'image_positional_embeddings'),
        [1, 256, 64, 64],
      )
    }
    return embedding
  }

  async function decodeSam(
    embedding: ImageEmbedding,
    prompt: SamPrompt,
    options: DecodeOptions,
  ): Promise<DecodeOutput> {
    const encoded = encodeSamPrompt(prompt, embedding.image)
    const resized = modelInputSize(embedding.image)
    const n = SAM_LOW_RES_SIZE * SAM_LOW_RES_SIZE
    const previous = options.previousMask
    if (previous && previous.length !== n) {
      throw new SamError(
        SamErrorCode.BadPrompt,
        `previousMask: expected ${n} logits, got ${previous.length}`,
      )
    }
    const feeds: Record<string, TensorData> = {
      image_embeddings: embedding.image_embeddings,
      point_coords: float32(encoded.coords, [1, encoded.count, 2]),
      point_labels: float32(encoded.labels, [1, encoded.count]),
      mask_input: float32(previous ?? new Float32Array(n), [1, 1, 256, 256]),
      has_mask_input: float32([previous ? 1 : 0], [1]),
      // the resized size keeps the graph's own full-size `masks` output small
      orig_im_size: float32([resized.height, resized.width], [2]),
    }
    const maskOutput = dec.lowResOutput ? 'low_res_masks' : 'masks'
    const out = await decoder.run(feeds, ['iou_predictions', maskOutput])
    const scores = asFloat32(out.iou_predictions, 'iou_predictions')
    const masks = asFloat32(out[maskOutput], maskOutput)
    const candidates: MaskCandidate[] = []
    for (let i = 0; i < scores.length; i++) {
      const logits: MaskLogits = dec.lowResOutput
        ? lowResCandidate(masks, i)
        : {
            data: masks.subarray(
              i * resized.width * resized.height,
              (i + 1) * resized.width * resized.height,
            ),
            width: resized.width,
            height: resized.height,
            space: 'resized',
          }
      candidates.push({ index: i, score: scores[i]!, logits })
    }
    // As the export's `select_masks`: with 4 outputs, output 0 (single-mask token) wins when
    // there is more than one prompt point, else the best of the 3 multimask outputs.
    let best = argmax(scores)
    if (scores.length === 4) best = encoded.count > 2.5 ? 0 : argmax(scores, 1)
    return { candidates, best }
  }

  async function decodeSlimSam(
    embedding: ImageEmbedding,
    prompt: SamPrompt,
  ): Promise<DecodeOutput> {
    const { points, box } = encodeSlimSamPrompt(prompt, embedding.image, dec.boxInput)
    if (!embedding.image_positional_embeddings) {
      throw new SamError(SamErrorCode.NotReady, 'embedding: missing image_positional_embeddings')
    }
    const feeds: Record<string, TensorData> = {
      image_embeddings: embedding.image_embeddings,
      image_positional_embeddings: embedding.image_positional_embeddings,
      input_points: float32(points.coords, [1, 1, points.count, 2]),
      input_labels: int64(points.labels, [1, 1, points.count]),
    }
    if (box) feeds.input_boxes = float32(box, [1, 1, 4])
    const out = await decoder.run(feeds, ['iou_scores', 'pred_masks'])
    const scores = asFloat32(out.iou_scores, 'iou_scores')
    const masks = asFloat32(out.pred_masks, 'pred_masks')
    const candidates = Array.from(scores, (score, i) => ({
      index: i,
      score,
      logits: lowResCandidate(masks, i),
    }))
    return { candidates, best: argmax(scores) }
  }

  return {
    info,
    encode,
    async decode(embedding, prompt, options = {}) {
      if (embedding.family !== info.family) {
        throw new SamError(
          SamErrorCode.NotReady,
          `embedding: computed by a ${embedding.family} encoder, not ${info.family}`,
        )
      }
      return info.family === 'sam'
        ? decodeSam(embedding, prompt, options)
        : decodeSlimSam(embedding, prompt)
    },
  }
}
