export { AreaResizer, ScatteredAreaResizer } from './area-downscale'
export type { AreaResizeOptions, Size } from './area-downscale'
export { PngDecodeError, PngErrorCode } from './png-error'
export type { PngErrorPlace } from './png-error'
export {
  decodePngDownscaled,
  inflaterFor,
  NATIVE_INFLATE_MAX_PIXELS,
  PngDownscaleDecoder,
} from './png-downscale'
export type {
  ByteStreamReader,
  DecodePngOptions,
  DownscaledPng,
  PngInflater,
  PngSource,
  PngTarget,
} from './png-downscale'
export { nativeInflateSupported } from './png-zlib-native'
export { parsePngHeader, pngPasses, PNG_MAX_SIDE } from './png-header'
export type { PngHeader, PngPass } from './png-header'
export { probeImage, sniffImageFormat } from './probe'
export type { ImageInfo, ProbeResult } from './probe'
export { sha256Hex } from './sha256'
