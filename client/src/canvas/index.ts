export { Renderer } from './renderer'
export { prepareMeshWorker } from './mesh-worker'
export type { RendererOptions } from './renderer'
export { attachNavigation } from './navigation'
export { listen } from './listen'
export {
  clampCamera,
  fitToView,
  imageToScreen,
  pan,
  pinch,
  screenToImage,
  visibleRect,
  wheelZoomFactor,
  zoomAt,
  DEFAULT_LIMITS,
} from './camera'
export type { Camera, CameraLimits, Size } from './camera'
export { HitIndex, hitShape } from './hit-test'
export { handlesFor } from './handles'
export { decodeRle, encodeRle } from './rle'
export { shapeBounds } from './geometry'
export type { ImageInput } from './tile-layer'
export {
  ADJUSTMENT_RANGES,
  NO_ADJUSTMENTS,
  adjustColor,
  isNoAdjustment,
  parseAdjustments,
} from './image-adjust'
export type { AdjustmentName, ImageAdjustments } from './image-adjust'
export type {
  DrawingPreview,
  Handle,
  HandleKind,
  NodeLook,
  OverlayState,
  PromptMarks,
  RemoteCursor,
  RenderShape,
  RendererStats,
  RedrawStats,
  RleMask,
  ShapeType,
} from './types'
