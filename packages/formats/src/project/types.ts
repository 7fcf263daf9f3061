// The glue between Loupe's documents and the neutral dataset: options and results of
// projectToDataset (export) and planImport (import, computed on scratch copies, applied by the
// caller room by room).

import type { ImageRecord } from '@loupe/model'
import type * as Y from 'yjs'
import type { CancelSignal, ProgressInfo } from '../format'

/** How `projectToDataset` fills `DatasetImage.subset`. */
export type SubsetMode =
  /** Every image in `default` (the default: one subset, file names like `instances_default.json`). */
  | 'default'
  /** The name of the image's job (`Job 1`, ...), so a format with subsets writes one per job. */
  | 'job'

export interface ProjectToDatasetOptions {
  /** Only these jobs' images (default: every image of the project). */
  jobIds?: readonly string[]
  /** The bytes of an image, when the export should carry them (`DatasetImage.data`). */
  imageData?: (image: ImageRecord) => Uint8Array | undefined | Promise<Uint8Array | undefined>
  /** See SubsetMode; default `default`. */
  subsets?: SubsetMode
  /**
   * Told about what the dataset cannot carry (a shape whose label was deleted, an attribute value
   * whose attribute the label no longer declares); the export report is the place for these.
   */
  onWarning?: (message: string) => void
  signal?: CancelSignal
  onProgress?: (progress: ProgressInfo) => void
}

/**
 * The documents an import merges into. `jobDocs` holds the job documents by job id, or loads one
 * on demand (only jobs whose images receive annotations are asked for); a job with no document
 * yet (an empty Y.Doc, or none at all) gets one created.
 */
export interface ImportTarget {
  /** The project's id: names the rooms (`project/<id>`, `job/<id>/<jobId>`) and new job docs. */
  projectId: string
  projectDoc: Y.Doc
  jobDocs:
    ReadonlyMap<string, Y.Doc> | ((jobId: string) => Y.Doc | undefined | Promise<Y.Doc | undefined>)
}

export interface PlanImportOptions {
  /** Stamped as `createdBy`/`updatedBy` of what the import writes; default `import`. */
  userId?: string
  /** Images per new job (as `ProjectDocument.addImages`); default 100. */
  jobSize?: number
  signal?: CancelSignal
  onProgress?: (progress: ProgressInfo) => void
}

export interface ImportSummary {
  labelsAdded: number
  imagesAdded: number
  imagesMatched: number
  shapesAdded: number
  shapesSkipped: number
  tagsAdded: number
  jobsCreated: number
}

/** One Yjs update for one document (room names per @loupe/sync-protocol). */
export interface RoomUpdate {
  /** `project/<projectId>` or `job/<projectId>/<jobId>`. */
  room: string
  update: Uint8Array
  /** Set for job rooms. */
  jobId?: string
  /** True when the job document did not exist before (a new job, or a job never opened). */
  created?: boolean
}

/** An image the import adds: its bytes must be stored (by sha256) before the updates apply. */
export interface NewImage {
  name: string
  sha256: string
  width: number
  height: number
  /** Sniffed from the bytes, e.g. `image/jpeg`. */
  mime: string
  data: Uint8Array
}

/**
 * What an import would write. Nothing is written by `planImport` itself: the caller stores
 * `newImages`, then applies `updates` in order (project room first, so job documents never name
 * images the project does not have yet). An empty `updates` means the import changes nothing.
 */
export interface ImportPlan {
  updates: RoomUpdate[]
  newImages: NewImage[]
  summary: ImportSummary
  /** What the import could not carry over or had to adjust, one line each, for people. */
  report: string[]
}
