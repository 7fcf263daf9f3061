// Plain data the renderer draws. Nothing here knows about Yjs or React: the app maps its
// document into these objects and hands them over.

export type ShapeType =
  'rectangle' | 'polygon' | 'polyline' | 'points' | 'ellipse' | 'mask' | 'skeleton'

/** COCO uncompressed RLE, column-major over the shape's bounding box (DESIGN.md §5). */
export interface RleMask {
  size: [h: number, w: number]
  counts: number[]
}

export interface RenderShape {
  id: string
  type: ShapeType
  /**
   * Flat image-pixel coordinates: rectangle and mask `[x1,y1,x2,y2]`, ellipse `[cx,cy,rx,ry]`,
   * everything else `[x0,y0,x1,y1,...]`.
   */
  points: number[]
  /** Degrees, clockwise on screen, about the shape's centre (rectangle, ellipse). */
  rotation?: number
  color: string
  selected?: boolean
  hidden?: boolean
  mask?: RleMask
  /** Skeleton edges as pairs of point indices. */
  edges?: [number, number][]
  /**
   * Skeletons: per node, `visible` (default), `occluded` (drawn faint) or `hidden` (not in the
   * image: neither it nor its bones are drawn).
   */
  visibility?: readonly NodeLook[]
}

export type NodeLook = 'visible' | 'occluded' | 'hidden'

/** Alpha of an occluded skeleton node's dot (a visible one is opaque). */
export const OCCLUDED_NODE_ALPHA = 110

export type HandleKind = 'corner' | 'edge' | 'vertex' | 'rotate'

export interface Handle {
  kind: HandleKind
  /** Image pixels. */
  x: number
  y: number
  /** Index of the corner or vertex the handle moves. */
  index: number
}

export interface DrawingPreview {
  type: ShapeType
  points: number[]
  color: string
  rotation?: number
}

export interface RemoteCursor {
  id: string
  name: string
  color: string
  /** Image pixels. */
  x: number
  y: number
}

/** A Segment Anything prompt (image px): clicks (positive or negative) and a box. */
export interface PromptMarks {
  points: readonly { x: number; y: number; positive: boolean }[]
  box?: { x1: number; y1: number; x2: number; y2: number } | null
}

export interface OverlayState {
  handles?: Handle[]
  /** Colour of the handles' border (usually the selected shape's colour). */
  handleColor?: string
  preview?: DrawingPreview | null
  /** Drawn over the preview (see prompt-marks.ts). */
  prompts?: PromptMarks | null
  cursors?: RemoteCursor[]
}

export interface RendererStats {
  /** Frames composited to the screen. */
  frames: number
  /** Times the annotation layer was redrawn into its framebuffer. */
  annotationRedraws: number
  /**
   * Frames whose camera differed from the one the annotation layer was drawn at, served by
   * transforming the cached layer instead of redrawing the shapes (pan/zoom in progress).
   */
  cachedFrames: number
  /** Frames that drew part of an annotation redraw spread over frames during navigation. */
  steppedFrames: number
  /** Annotation redraws completed that way (also counted in annotationRedraws). */
  steppedRedraws: number
  /** Times the image layer was drawn. */
  imageRedraws: number
  /** Times the overlay was drawn. */
  overlayRedraws: number
  /** Shape chunks whose GPU buffers were rebuilt (pan and zoom never add to this). */
  chunkRebuilds: number
  /** What the last completed annotation redraw drew. */
  lastRedraw: RedrawStats
  /** CPU time of the last frame, in ms (GPU work may continue after). */
  lastFrameMs: number
}

export interface RedrawStats {
  /** Shape chunks drawn, and skipped as wholly off the framebuffer. */
  chunksDrawn: number
  chunksSkipped: number
  /** Shapes drawn as one small-shape quad (level of detail) instead of their outline. */
  smallShapes: number
  /** Indices submitted (≈ vertices shaded), all passes. */
  indices: number
}
