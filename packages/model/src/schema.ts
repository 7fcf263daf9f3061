/** The records of the project and job documents (DESIGN.md §2) as plain typed objects. */

/** The version of the document schema this code writes. Bumped only together with a migration. */
export const SCHEMA_VERSION = 1

export const SHAPE_TYPES = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'mask',
  'skeleton',
] as const
export type ShapeType = (typeof SHAPE_TYPES)[number]

/** `any` allows every shape type but `skeleton` (a skeleton needs the label's node list). */
export const LABEL_TYPES = ['any', ...SHAPE_TYPES] as const
export type LabelType = (typeof LABEL_TYPES)[number]

export const ATTRIBUTE_TYPES = ['select', 'radio', 'checkbox', 'number', 'text'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

export const JOB_STATES = ['new', 'in_progress', 'done', 'reviewed'] as const
export type JobState = (typeof JOB_STATES)[number]

export const SHAPE_SOURCES = ['manual', 'sam', 'auto', 'import'] as const
export type ShapeSource = (typeof SHAPE_SOURCES)[number]

/** Per-node state of a skeleton (CVAT's visible / occluded / outside). */
export const NODE_VISIBILITIES = ['visible', 'occluded', 'hidden'] as const
export type NodeVisibility = (typeof NODE_VISIBILITIES)[number]

export type AttributeValue = string | number | boolean

interface AttributeBase {
  id: string
  name: string
  /** Stored for CVAT compatibility: whether the value may change from frame to frame. */
  mutable: boolean
}

/**
 * An attribute of a label. `values` per type: select/radio the allowed strings (non-empty);
 * number `[]` (unbounded) or `[min, max, step]` as CVAT encodes it; checkbox and text `[]`.
 */
export type AttributeRecord =
  | (AttributeBase & { type: 'select' | 'radio'; values: string[]; default: string })
  | (AttributeBase & { type: 'checkbox'; values: string[]; default: boolean })
  | (AttributeBase & { type: 'number'; values: number[]; default: number })
  | (AttributeBase & { type: 'text'; values: string[]; default: string })

/**
 * The node list of a skeleton label. A skeleton shape's `points` hold one `x,y` pair per node,
 * in this order, and its `visibility` one entry per node.
 */
export interface SkeletonDefinition {
  nodes: string[]
  /** Pairs of node indexes drawn as bones. */
  edges: [number, number][]
}

export interface LabelRecord {
  id: string
  name: string
  /** `#rrggbb`, lower case. */
  color: string
  type: LabelType
  attributes: AttributeRecord[]
  /** Present exactly when `type` is `skeleton`. */
  skeleton?: SkeletonDefinition
}

export interface ImageRecord {
  id: string
  name: string
  sha256: string
  width: number
  height: number
  jobId: string
  addedAt: string
}

export interface JobRecord {
  id: string
  name: string
  assignee: string
  state: JobState
  /** Orders jobs: the newest job is the one `addImages` fills first. */
  createdAt: string
}

/** COCO-style uncompressed RLE, column-major over the shape's bounding box (DESIGN.md §5). */
export interface Rle {
  size: [number, number]
  counts: number[]
}

export interface ShapeRecord {
  id: string
  imageId: string
  labelId: string
  type: ShapeType
  /** Flat, in image pixels: rectangle/mask `[x1,y1,x2,y2]`, ellipse `[cx,cy,rx,ry]`, else `x,y` pairs. */
  points: number[]
  /** Degrees in [0, 360); only rectangles and ellipses rotate. */
  rotation: number
  zOrder: number
  occluded: boolean
  attributes: Record<string, AttributeValue>
  /** Masks only. */
  mask?: Rle
  /** Skeletons only: one entry per node. */
  visibility?: NodeVisibility[]
  source: ShapeSource
  createdBy: string
  updatedBy: string
  updatedAt: string
}

export interface TagRecord {
  id: string
  imageId: string
  labelId: string
  attributes: Record<string, AttributeValue>
  source: ShapeSource
  createdBy: string
  updatedBy: string
  updatedAt: string
}

/** A review issue pinned to a point of an image, optionally about a shape or replying to another. */
export interface CommentRecord {
  id: string
  imageId: string
  position: [number, number]
  text: string
  resolved: boolean
  shapeId?: string
  replyTo?: string
  createdBy: string
  createdAt: string
  updatedBy: string
  updatedAt: string
}
