export { SamError, SamErrorCode } from './errors'
export {
  SAM_INPUT_SIZE,
  SAM_LOW_RES_SIZE,
  boxToModel,
  imageToModel,
  modelInputSize,
  modelToImage,
} from './geometry'
export type { Box, Point, Size } from './geometry'
export { resizeRgba } from './resize'
export type { RgbaImage } from './resize'
export { SAM_PIXEL_MEAN, SAM_PIXEL_STD, preprocessImage } from './preprocess'
export type { EncoderLayout, PreprocessedImage } from './preprocess'
export { PointLabel, encodeSamPrompt, encodeSlimSamPrompt } from './prompt'
export type { EncodedPrompt, PromptPoint, SamPrompt } from './prompt'
export { logitsToMask, lowResCandidate } from './upsample'
export type { MaskLogits, MaskShape, UpsampleOptions } from './upsample'
export {
  MAX_TRACE_PIXELS,
  logitsToPolygons,
  maskShapeToPolygons,
  polygonArea,
  simplifyPolygon,
} from './polygon'
export type { PolygonOptions, TraceOptions } from './polygon'
export { float32, int64 } from './session'
export type { SessionLike, TensorData, TensorType, ValueInfo } from './session'
export { describeDecoder, describeEncoder } from './signature'
export type { DecoderDescription, EncoderDescription, SamFamily } from './signature'
export { createSegmenter } from './segmenter'
export type {
  DecodeOptions,
  DecodeOutput,
  ImageEmbedding,
  MaskCandidate,
  ModelFiles,
  Segmenter,
  SegmenterInfo,
} from './segmenter'
export { magicWand } from './magic-wand'
export type { MagicWandOptions } from './magic-wand'
export { LiveWire, edgeCostMap, scissorsPath, windowAround } from './scissors'
export type { CostMap, Window } from './scissors'
