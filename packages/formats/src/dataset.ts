// The neutral in-memory dataset (DESIGN.md §5) every format reads into and writes from. It is
// close to Loupe's documents but keyed by names, not ids: labels and attributes are matched by
// name, images by name (or content hash), so one dataset can be merged into any project.

import type {
  AttributeType,
  AttributeValue,
  LabelType,
  NodeVisibility,
  ShapeSource,
  ShapeType,
} from '@loupe/model'
import type { Rle } from '@loupe/masks'

export interface DatasetAttribute {
  name: string
  type: AttributeType
  /** As in the model: select/radio the allowed strings; number `[min, max, step]` or `[]`. */
  values: (string | number)[]
  default?: AttributeValue
  mutable?: boolean
}

export interface DatasetLabel {
  name: string
  /** `#rrggbb`; a color is picked on import when absent. */
  color?: string
  /** `any` when the format does not say. */
  type?: LabelType
  attributes: DatasetAttribute[]
  /** Skeleton labels: node names and bones (pairs of node indexes). */
  skeleton?: { nodes: string[]; edges: [number, number][] }
  /** A format's own category id (COCO `id`, YOLO class index), kept so export can reuse it. */
  sourceId?: number
}

export interface DatasetAnnotation {
  type: ShapeType
  /** Label name; must name a label of the dataset. */
  label: string
  /**
   * Image pixels, as in the job document: rectangle and mask `[x1,y1,x2,y2]`, ellipse
   * `[cx,cy,rx,ry]`, polygon/polyline/points/skeleton flat `x,y` pairs (skeleton: one per node).
   */
  points: number[]
  /** Degrees in [0, 360); rectangles and ellipses only. */
  rotation?: number
  /** Masks: COCO-style uncompressed RLE over the whole-pixel box `points` (DESIGN.md §5). */
  mask?: Rle
  /** Skeletons: one entry per node. */
  visibility?: NodeVisibility[]
  zOrder?: number
  occluded?: boolean
  /** Attribute name → value. */
  attributes: Record<string, AttributeValue>
  /** Group id shared by annotations that belong together (CVAT groups, LabelMe group_id). */
  group?: number
  /** COCO `iscrowd`. */
  crowd?: boolean
  /** Detector confidence, when the source has one. */
  score?: number
  source?: ShapeSource
  /** A format's own annotation id, kept so export can reuse it. */
  sourceId?: number
}

export interface DatasetTag {
  label: string
  attributes: Record<string, AttributeValue>
}

export interface DatasetImage {
  /** Path as the format names it, `/`-separated, without the format's image folder prefix. */
  name: string
  width: number
  height: number
  /** `train`, `val`, ...; `default` when the format has no subsets. */
  subset: string
  sha256?: string
  /** The image's bytes, when the archive carries them. */
  data?: Uint8Array
  annotations: DatasetAnnotation[]
  tags: DatasetTag[]
  /** Free-text captions (Datumaro); Loupe's documents cannot hold them yet. */
  captions?: string[]
  /** A format's own image id. */
  sourceId?: number
}

export interface Dataset {
  name?: string
  labels: DatasetLabel[]
  images: DatasetImage[]
}

export const DEFAULT_SUBSET = 'default'

/** The subsets of a dataset in first-seen order. */
export function subsetsOf(dataset: Dataset): string[] {
  return [...new Set(dataset.images.map((image) => image.subset))]
}
