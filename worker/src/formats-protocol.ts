// Messages between the page and the formats worker (worker/src/formats.worker.ts): dataset import
// and export run there, off the main thread, with progress and cancel. One `start` per task; the
// worker answers with `progress` (throttled), then exactly one `result` or `error`. An import
// asks the page for job documents as it needs them (`need-job` → `job`).

import type {
  ExportReport,
  FormatCapabilities,
  FormatId,
  ImportPlan,
  SubsetMode,
} from '@loupe/formats'

/** One file of an import: a zip, a single annotation file, or one file of a folder. */
export interface SourceFile {
  /** `/`-separated path (a folder's `webkitRelativePath`, or the file name). */
  path: string
  data: Blob | Uint8Array
}

/** What an import reads; `key` lets the worker reuse what it unpacked for `detect`. */
export interface ImportSource {
  key: string
  files: SourceFile[]
}

export interface FormatInfo {
  id: FormatId
  name: string
  capabilities: FormatCapabilities
}

export interface DetectedFormat {
  id: FormatId
  name: string
  confidence: number
}

export interface ListFormatsTask {
  kind: 'formats'
}

export interface DetectTask {
  kind: 'detect'
  source: ImportSource
}

export interface ImportTask {
  kind: 'import'
  source: ImportSource
  /** A format id, or `auto` for the most confident detection. */
  format: FormatId | 'auto'
  projectId: string
  /** The project document's state (`Y.encodeStateAsUpdate`). */
  project: Uint8Array
  /** Stamped on what the import writes. */
  userId: string
}

export interface ExportTask {
  kind: 'export'
  format: FormatId
  /** The project document's state. */
  project: Uint8Array
  /** States of the exported jobs' documents (a job without a document is left out). */
  jobs: { jobId: string; state: Uint8Array }[]
  /** Only these jobs' images (default: all). */
  jobIds?: string[]
  /** Image bytes by sha256 (Blobs from the device's store); null: export without images. */
  images: { sha256: string; data: Blob | Uint8Array }[] | null
  subsets?: SubsetMode
  /** Without `.zip`. */
  fileName: string
}

export type FormatsTask = ListFormatsTask | DetectTask | ImportTask | ExportTask

export interface ListFormatsResult {
  kind: 'formats'
  formats: FormatInfo[]
}

export interface DetectResult {
  kind: 'detect'
  /** Most confident first; empty when nothing recognised the files. */
  detections: DetectedFormat[]
  files: number
  images: number
}

export interface ImportResult {
  kind: 'import'
  format: DetectedFormat
  plan: ImportPlan
}

export interface ExportResult {
  kind: 'export'
  fileName: string
  zip: Uint8Array
  /** What the format could not hold (from its capabilities). */
  report: ExportReport
  /** What the dataset could not carry (deleted labels, stale attributes, missing image files). */
  warnings: string[]
}

export type FormatsResult = ListFormatsResult | DetectResult | ImportResult | ExportResult

/** The result type of a task kind. */
export type ResultOf<K extends FormatsTask['kind']> = Extract<FormatsResult, { kind: K }>

export type PageMessage =
  | { type: 'start'; id: number; task: FormatsTask }
  | { type: 'cancel'; id: number }
  /** The answer to `need-job`: a job document's state, or null when this device lacks it. */
  | { type: 'job'; id: number; jobId: string; state: Uint8Array | null; reason?: string }

/**
 * `format`: a malformed input (FormatError: `file: where: expected`); `cancelled`: the task was
 * cancelled; `failed`: anything else (a format that is not built, a bug).
 */
export type ErrorKind = 'format' | 'cancelled' | 'failed'

export interface ProgressMessage {
  type: 'progress'
  id: number
  done: number
  total: number
  phase: string
}

export type WorkerMessage =
  | ProgressMessage
  | { type: 'need-job'; id: number; jobId: string }
  | { type: 'result'; id: number; result: FormatsResult }
  | { type: 'error'; id: number; kind: ErrorKind; message: string }

/** Where progress reports are throttled to (ms between two of one task, phase changes aside). */
export const PROGRESS_INTERVAL_MS = 50

/** The array itself when it spans its whole buffer, else a copy that does (so it can be moved). */
export function ownBuffer(array: Uint8Array): Uint8Array {
  const whole =
    array.buffer instanceof ArrayBuffer &&
    array.byteOffset === 0 &&
    array.byteLength === array.buffer.byteLength
  return whole ? array : array.slice()
}

/**
 * A result ready to post: every array on a buffer of its own (posting a view into a larger buffer,
 * e.g. a file of an unpacked zip, would copy the whole buffer), and those buffers to move.
 */
export function prepareResult(result: FormatsResult): {
  result: FormatsResult
  transfer: ArrayBuffer[]
} {
  switch (result.kind) {
    case 'import': {
      const plan = {
        ...result.plan,
        updates: result.plan.updates.map((u) => ({ ...u, update: ownBuffer(u.update) })),
        newImages: result.plan.newImages.map((i) => ({ ...i, data: ownBuffer(i.data) })),
      }
      const arrays = [...plan.updates.map((u) => u.update), ...plan.newImages.map((i) => i.data)]
      return { result: { ...result, plan }, transfer: distinctBuffers(arrays) }
    }
    case 'export': {
      const zip = ownBuffer(result.zip)
      return { result: { ...result, zip }, transfer: distinctBuffers([zip]) }
    }
    default:
      return { result, transfer: [] }
  }
}

function distinctBuffers(arrays: readonly Uint8Array[]): ArrayBuffer[] {
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]
}
