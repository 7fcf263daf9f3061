// The app's Segment Anything: one SamClient (one worker) shared by every editor, the model the
// user loaded (remembered by its cache keys, so it loads offline next time), the embeddings of
// the job's images, and the smart tools' settings. React reads it through `useSam()`; the
// editor's tools call it directly.

import type { MaskShape, Point } from '@loupe/sam'
import {
  SamClient,
  SamClientError,
  type DecodeRequest,
  type DecodeResult,
  type ImageInput,
  type LoadResult,
  type ModelSource,
  type Progress,
} from '../../../worker/src/sam-client'
import { describeSamError } from './errors'
import {
  LARGE_IMAGE_PIXELS,
  contains,
  readRegion,
  regionAround,
  shiftPath,
  type RegionInput,
} from './regions'
import { keepRuntimeOffline } from './runtime-cache'
import { browserStorage } from '../browser-storage'

export const SAM_MODEL_KEY = 'loupe.sam.model'
export const SAM_SETTINGS_KEY = 'loupe.sam.settings'

/** The model pair loaded last, as it can be loaded again (from the worker's model cache). */
export interface RememberedModel {
  encoder: { cacheKey: string; name: string; url?: string }
  decoder: { cacheKey: string; name: string; url?: string }
}

export type ModelStatus =
  | { state: 'none' }
  | { state: 'loading'; progress: Progress | null }
  | { state: 'ready'; info: LoadResult }
  | { state: 'error'; code: string; title: string; message: string }

export type EmbeddingState = 'encoding' | 'ready' | 'error'

export interface SmartToolSettings {
  /** What SAM and the magic wand write: a polygon (traced, simplified) or a mask shape. */
  output: 'polygon' | 'mask'
  /** Polygon simplification (Douglas–Peucker), image pixels. */
  tolerance: number
  /** Magic wand colour tolerance (0–255). */
  wandTolerance: number
}

const DEFAULT_SETTINGS: SmartToolSettings = { output: 'polygon', tolerance: 1.5, wandTolerance: 32 }

/** One suggestion a tool shows: its candidates, for the chooser in the tool options. */
export interface Suggestion {
  scores: number[]
  chosen: number
  choose(index: number): void
}

/** An image as the tools know it: the project's record (its SHA-256 names the pixels). */
export interface SamImage {
  sha256: string
  width: number
  height: number
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>>

/** The part of SamClient used (tests pass a fake). */
export type SamClientLike = Pick<
  SamClient,
  'load' | 'encode' | 'precompute' | 'decode' | 'magicWand' | 'scissors' | 'clearCache'
>

export class SamService {
  status: ModelStatus = { state: 'none' }
  settings: SmartToolSettings
  suggestion: Suggestion | null = null
  /** Whether the model dialog is open. */
  dialogOpen = false
  /** The SHA-256 of the image the editor shows (its embedding state is shown). */
  currentImage: string | null = null
  readonly embeddings = new Map<string, EmbeddingState>()
  #version = 0
  #listeners = new Set<() => void>()
  #loader: ((sha256: string) => Promise<Blob>) | null = null
  #blobs = new Map<string, Promise<Blob>>()
  #encoding = new Map<string, Promise<boolean>>()
  #loading: Promise<boolean> | null = null
  #abort: AbortController | null = null

  constructor(
    readonly client: SamClientLike = new SamClient(),
    private readonly storage: StorageLike | null = browserStorage(),
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...this.#read<SmartToolSettings>(SAM_SETTINGS_KEY) }
  }

  // --- React ---------------------------------------------------------------------------------

  get version(): number {
    return this.#version
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  changed(): void {
    this.#version++
    for (const listener of [...this.#listeners]) listener()
  }

  // --- settings ------------------------------------------------------------------------------

  setSettings(patch: Partial<SmartToolSettings>): void {
    this.settings = { ...this.settings, ...patch }
    this.storage?.setItem(SAM_SETTINGS_KEY, JSON.stringify(this.settings))
    this.changed()
  }

  setDialogOpen(open: boolean): void {
    if (this.dialogOpen === open) return
    this.dialogOpen = open
    this.changed()
  }

  setSuggestion(suggestion: Suggestion | null): void {
    this.suggestion = suggestion
    this.changed()
  }

  // --- model ---------------------------------------------------------------------------------

  get ready(): boolean {
    return this.status.state === 'ready'
  }

  get remembered(): RememberedModel | null {
    const r = this.#read<RememberedModel>(SAM_MODEL_KEY)
    return r?.encoder &&
      r.decoder &&
      typeof r.encoder.cacheKey === 'string' &&
      typeof r.decoder.cacheKey === 'string'
      ? { encoder: r.encoder, decoder: r.decoder }
      : null
  }

  /**
   * Loads an encoder/decoder pair (URLs, picked files, or cache keys) and remembers it. Resolves
   * whether it loaded; a failure is in `status` with a clear title and message.
   */
  load(
    encoder: ModelSource,
    decoder: ModelSource,
    urls: { encoder?: string; decoder?: string } = {},
  ): Promise<boolean> {
    this.#abort?.abort()
    const abort = new AbortController()
    this.#abort = abort
    this.status = { state: 'loading', progress: null }
    this.embeddings.clear()
    this.#encoding.clear()
    this.changed()
    const run = this.client
      .load(encoder, decoder, {
        signal: abort.signal,
        onProgress: (progress) => {
          if (this.#abort !== abort) return
          this.status = { state: 'loading', progress }
          this.changed()
        },
      })
      .then(
        (info) => {
          if (this.#abort !== abort) return false
          this.status = { state: 'ready', info }
          const remembered: RememberedModel = {
            encoder: {
              cacheKey: info.encoder.cacheKey,
              name: info.encoder.name,
              url: urls.encoder,
            },
            decoder: {
              cacheKey: info.decoder.cacheKey,
              name: info.decoder.name,
              url: urls.decoder,
            },
          }
          this.storage?.setItem(SAM_MODEL_KEY, JSON.stringify(remembered))
          void keepRuntimeOffline().catch(() => undefined)
          this.changed()
          return true
        },
        (error: unknown) => {
          if (this.#abort !== abort) return false
          this.status = { state: 'error', ...describeSamError(error) }
          this.changed()
          return false
        },
      )
      .finally(() => {
        if (this.#loading === run) this.#loading = null
      })
    this.#loading = run
    return run
  }

  /** Stops a model download or load. */
  cancelLoad(): void {
    if (this.status.state !== 'loading') return
    this.#abort?.abort()
    this.#abort = null
    this.#loading = null
    this.status = { state: 'none' }
    this.changed()
  }

  /** The model is loaded, or loads the remembered one (from the cache: works offline). */
  ensureModel(): Promise<boolean> {
    if (this.ready) return Promise.resolve(true)
    if (this.#loading) return this.#loading
    const r = this.remembered
    if (!r || this.status.state === 'error') return Promise.resolve(false)
    return this.load(
      { cached: r.encoder.cacheKey, name: r.encoder.name },
      { cached: r.decoder.cacheKey, name: r.decoder.name },
      { encoder: r.encoder.url, decoder: r.decoder.url },
    )
  }

  /** Forgets the model (and the cached model files and embeddings). */
  async forget(): Promise<void> {
    this.cancelLoad()
    this.storage?.removeItem?.(SAM_MODEL_KEY)
    this.status = { state: 'none' }
    this.embeddings.clear()
    this.#encoding.clear()
    this.changed()
    await this.client.clearCache('all').catch(() => undefined)
  }

  // --- images --------------------------------------------------------------------------------

  /** Where image files come from (the app's blob store); null when there is none. */
  setImageLoader(loader: ((sha256: string) => Promise<Blob>) | null): void {
    this.#loader = loader
    this.#blobs.clear()
  }

  get canReadImages(): boolean {
    return this.#loader !== null
  }

  async imageInput(image: SamImage): Promise<ImageInput> {
    if (!this.#loader) throw new SamClientError('not-ready', 'The image file is not available.')
    let blob = this.#blobs.get(image.sha256)
    if (!blob) {
      blob = this.#loader(image.sha256)
      this.#blobs.set(image.sha256, blob)
      blob.catch(() => this.#blobs.delete(image.sha256))
      // A few recent images only.
      while (this.#blobs.size > 4) this.#blobs.delete(this.#blobs.keys().next().value!)
    }
    return { key: image.sha256, source: await blob }
  }

  setCurrentImage(sha256: string | null): void {
    if (this.currentImage === sha256) return
    this.currentImage = sha256
    this.changed()
  }

  /** Computes (or finds cached) the embedding of an image; resolves whether it is ready. */
  encode(image: SamImage): Promise<boolean> {
    const key = image.sha256
    if (this.embeddings.get(key) === 'ready') return Promise.resolve(true)
    const running = this.#encoding.get(key)
    if (running) return running
    const run = (async () => {
      if (!(await this.ensureModel())) return false
      this.embeddings.set(key, 'encoding')
      this.changed()
      try {
        await this.client.encode(await this.imageInput(image))
        this.embeddings.set(key, 'ready')
        return true
      } catch (error) {
        this.embeddings.set(key, 'error')
        if (key === this.currentImage) {
          const { title, message } = describeSamError(error)
          this.embeddingError = `${title}: ${message}`
        }
        return false
      } finally {
        this.#encoding.delete(key)
        this.changed()
      }
    })()
    this.#encoding.set(key, run)
    return run
  }

  embeddingError: string | null = null

  /** Encodes these images while the worker is idle (the next images of the job). */
  precompute(images: readonly SamImage[]): void {
    if (!this.ready || !this.#loader) return
    const todo = images.filter((i) => this.embeddings.get(i.sha256) !== 'ready')
    if (todo.length === 0) return
    void Promise.all(todo.map((i) => this.imageInput(i)))
      .then((inputs) => this.client.precompute(inputs))
      .then(() => {
        // Precomputed embeddings sit in the worker's cache: encode() finds them at once.
      })
      .catch(() => undefined)
  }

  /** Masks for a prompt; rejects with code `superseded` when a newer decode replaced it. */
  decode(request: DecodeRequest): Promise<DecodeResult> {
    return this.client.decode(request)
  }

  /** The whole image, or for a large one a window around `points` (reused while it fits). */
  async regionInput(image: SamImage, points: readonly Point[]): Promise<RegionInput> {
    const whole = { x: 0, y: 0, width: image.width, height: image.height }
    if (image.width * image.height <= LARGE_IMAGE_PIXELS)
      return { input: await this.imageInput(image), offset: { x: 0, y: 0 }, region: whole }
    const last = this.#region
    if (last?.sha256 === image.sha256 && points.every((p) => contains(last.value.region, p, 16)))
      return last.value
    const region = regionAround(points, image)
    const { source } = await this.imageInput(image)
    if (!(source instanceof Blob)) throw new SamClientError('not-ready', 'No image file.')
    const value: RegionInput = {
      input: {
        key: `${image.sha256}@${region.x},${region.y},${region.width}x${region.height}`,
        source: await readRegion(source, region),
      },
      offset: { x: region.x, y: region.y },
      region,
    }
    this.#region = { sha256: image.sha256, value }
    return value
  }

  #region: { sha256: string; value: RegionInput } | null = null

  async magicWand(image: SamImage, seed: Point): Promise<MaskShape | null> {
    const { input, offset } = await this.regionInput(image, [seed])
    const local = { x: seed.x - offset.x, y: seed.y - offset.y }
    const mask = await this.client.magicWand(input, local, {
      tolerance: this.settings.wandTolerance,
    })
    if (!mask || (offset.x === 0 && offset.y === 0)) return mask
    const { box } = mask
    return {
      ...mask,
      box: {
        x1: box.x1 + offset.x,
        y1: box.y1 + offset.y,
        x2: box.x2 + offset.x,
        y2: box.y2 + offset.y,
      },
    }
  }

  async scissors(image: SamImage, from: Point, to: Point): Promise<number[] | null> {
    const { input, offset, region } = await this.regionInput(image, [from, to])
    const local = (p: Point) => ({
      x: Math.max(0, Math.min(region.width - 1, p.x - offset.x)),
      y: Math.max(0, Math.min(region.height - 1, p.y - offset.y)),
    })
    const r = await this.client.scissors(input, local(from), local(to))
    return r.path && shiftPath(r.path, offset)
  }

  #read<T>(key: string): Partial<T> | null {
    try {
      const raw = this.storage?.getItem(key)
      const value: unknown = raw ? JSON.parse(raw) : null
      return value && typeof value === 'object' ? (value as Partial<T>) : null
    } catch {
      return null
    }
  }
}

let shared: SamService | null = null

/** The app's SAM service (created on first use; the worker starts on the first call). */
export function samService(): SamService {
  shared ??= new SamService()
  return shared
}

/** Replaces the app's service (tests). */
export function setSamService(service: SamService | null): void {
  shared = service
}
