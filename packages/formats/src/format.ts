// What a format module is: one object that reads a FileTree into a Dataset and writes a Dataset
// into a FileTree, with what it can hold stated up front so the export report is honest.

import type { ShapeType } from '@loupe/model'
import type { Dataset } from './dataset'
import type { FileTree } from './files'

export type FormatId = 'coco' | 'yolo' | 'ultralytics' | 'voc' | 'cvat' | 'labelme' | 'datumaro'

/** What a format can express; anything else in an exported dataset goes into the report. */
export interface FormatCapabilities {
  /** Shape types written as they are. */
  shapes: readonly ShapeType[]
  /** Shape types written in a lossy form, and how (`polygon → bounding box`). */
  converts?: Partial<Record<ShapeType, string>>
  attributes: boolean
  tags: boolean
  rotation: boolean
  occluded: boolean
  zOrder: boolean
  groups: boolean
  captions: boolean
  subsets: boolean
  /** Whether label colors survive. */
  colors: boolean
}

/** An AbortSignal, or anything with `aborted` (pure packages compile without DOM types). */
export interface CancelSignal {
  readonly aborted: boolean
}

export interface ProgressInfo {
  /** Items done (images, usually). */
  done: number
  total: number
  phase?: string
}

export interface ReadOptions {
  /**
   * Sizes of images the target project knows, by image name (and by base name): formats without
   * sizes in their annotation files (YOLO) use them when the archive has no image bytes.
   */
  imageSize?: (name: string) => { width: number; height: number } | undefined
  onProgress?: (progress: ProgressInfo) => void
  signal?: CancelSignal
}

export interface WriteOptions {
  /** Put image bytes (`DatasetImage.data`) into the output; default true when present. */
  includeImages?: boolean
  onProgress?: (progress: ProgressInfo) => void
  signal?: CancelSignal
}

/** One line of an export report: what the format could not hold, and what happened to it. */
export interface ReportEntry {
  /** `dropped` (not written) or `converted` (written in a lossy form). */
  kind: 'dropped' | 'converted'
  /** What, e.g. `attributes`, `polygon`, `rotation`. */
  what: string
  count: number
  detail: string
}

export interface ExportReport {
  format: FormatId
  images: number
  annotations: number
  entries: ReportEntry[]
}

export interface FormatModule {
  id: FormatId
  /** Human name, e.g. `COCO 1.0`, `CVAT for images 1.1`. */
  name: string
  capabilities: FormatCapabilities
  /**
   * How sure this format is that the files are its own: 0 (not at all) … 1 (certain). Must be
   * cheap (look at names, peek into small files) and never throw.
   */
  detect(files: FileTree): number
  /** Reads the files; throws FormatError for malformed input (file, path, what was expected). */
  read(files: FileTree, options?: ReadOptions): Dataset | Promise<Dataset>
  /** Writes the dataset; the report lists what the format could not hold. */
  write(dataset: Dataset, options?: WriteOptions): FileTree | Promise<FileTree>
  /**
   * Report entries the static capabilities cannot express, because what happens depends on the
   * dataset (e.g. Ultralytics writes boxes as polygons when a dataset has polygons). Optional;
   * `exportReport` adds them after the entries derived from `capabilities`.
   */
  report?(dataset: Dataset): ReportEntry[]
}
