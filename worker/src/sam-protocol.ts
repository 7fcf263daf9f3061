// Messages between the page and the SAM worker (worker/src/sam.worker.ts). Each request has an
// id; the worker answers with `progress` (model download, loading) and then exactly one
// `result` or `error`. Decodes are coalesced: while one runs, a newer decode replaces the one
// waiting, which fails with code `superseded`. Use worker/src/sam-client.ts rather than these.

import type {
  Box,
  MaskShape,
  Point,
  PromptPoint,
  RgbaImage,
  SamErrorCode,
  SamFamily,
} from '@loupe/sam'

/** Where a model comes from. */
export type ModelSource =
  /** Downloaded (with progress) and kept in the worker's model cache for offline use. */
  | { url: string; name?: string; sha256?: string }
  /** A file the user picked; kept in the model cache under its SHA-256. */
  | { bytes: Uint8Array; name: string; sha256?: string }
  /** A model cached earlier (`LoadResult.encoder.cacheKey`). */
  | { cached: string; name?: string }

/** An image for the worker. `key` names it in the embedding cache: use the image's SHA-256. */
export interface ImageInput {
  key: string
  /** The encoded image file (decoded in the worker), or pixels. */
  source: Blob | RgbaImage
}

/** What a decode returns. */
export interface DecodeOutputOptions {
  /** Loupe mask shape (box + RLE). Default true. */
  mask?: boolean
  /**
   * Outline polygons (largest first), Douglas–Peucker `tolerance` in image pixels; traced at
   * half a model-input pixel unless `resolution: 'full'`.
   */
  polygon?: { tolerance?: number; minArea?: number; resolution?: 'model' | 'full' }
  /**
   * Which candidates get a mask/polygons: the best (default; the others come with their score
   * only) or all (to let the user pick among the multimask outputs).
   */
  candidates?: 'best' | 'all'
  /**
   * Which of those candidates get polygons (default: as `candidates`). The SAM tool previews
   * every candidate's mask but needs the outline of the one the user keeps only: tracing the
   * others on every click cost ~8 ms of a 4-candidate click at 8000 × 6000.
   */
  polygonsOf?: 'best' | 'all'
}

export interface DecodeRequest {
  imageKey: string
  points: PromptPoint[]
  box?: Box
  /** Refine: feed candidate `index` of the previous decode of this image as the mask input. */
  previous?: number
  output?: DecodeOutputOptions
}

export type PageMessage =
  | {
      type: 'load'
      id: number
      encoder: ModelSource
      decoder: ModelSource
      backend?: 'auto' | 'wasm' | 'webgpu'
      timeoutMs?: number
    }
  | { type: 'encode'; id: number; image: ImageInput }
  /** Replaces the idle queue: these images are encoded while nothing else waits. */
  | { type: 'precompute'; id: number; images: ImageInput[] }
  | { type: 'decode'; id: number; request: DecodeRequest }
  | {
      type: 'wand'
      id: number
      image: ImageInput
      seed: Point
      tolerance?: number
      connectivity?: 4 | 8
    }
  | { type: 'scissors'; id: number; image: ImageInput; from: Point; to: Point; margin?: number }
  | { type: 'cancel'; id: number }
  | { type: 'clear-cache'; id: number; what: 'embeddings' | 'models' | 'all' }

export interface LoadedModel {
  name: string
  sha256: string
  bytes: number
  /** Loaded from the offline cache rather than downloaded or picked. */
  fromCache: boolean
  /** Reload with `{ cached: cacheKey }` (works offline). */
  cacheKey: string
}

export interface LoadResult {
  family: SamFamily
  backend: 'wasm' | 'webgpu'
  threads: number
  /** Whether box prompts work with this model. */
  box: boolean
  encoder: LoadedModel
  decoder: LoadedModel
  ms: number
}

export interface EncodeResult {
  imageKey: string
  /** The embedding came from the cache (memory or IndexedDB). */
  cached: boolean
  ms: number
}

export interface CandidateResult {
  index: number
  /** Predicted IoU. */
  score: number
  /** Null when the candidate is empty, or its mask was not asked for (see `candidates`). */
  mask: MaskShape | null
  polygons?: number[][]
}

export interface DecodeResult {
  candidates: CandidateResult[]
  best: number
  /** Milliseconds in the model and in our own pre/post-processing. */
  ms: { model: number; post: number }
}

export interface ResultOf {
  load: LoadResult
  encode: EncodeResult
  precompute: { encoded: number; cached: number }
  decode: DecodeResult
  wand: MaskShape | null
  scissors: { path: number[] | null }
  'clear-cache': { cleared: true }
}

export type ErrorCode = SamErrorCode

export type WorkerMessage =
  | {
      type: 'progress'
      id: number
      phase: 'download' | 'load' | 'encode'
      loaded: number
      total?: number
      file?: string
    }
  | { type: 'result'; id: number; result: ResultOf[keyof ResultOf] }
  | { type: 'error'; id: number; code: ErrorCode; message: string }
