// The page's side of the SAM worker. One instance per app; every call is a promise that
// settles exactly once (result, typed SamClientError, or a time limit), never hangs.
//
//   const sam = new SamClient()
//   await sam.load({ url: '/models/mobile_sam_encoder.onnx' }, { url: '/models/sam_decoder.onnx' },
//     { onProgress: (p) => … })
//   await sam.encode({ key: imageSha256, source: blob })        // once per image, cached
//   sam.precompute(nextImages)                                    // while idle
//   const r = await sam.decode({ imageKey, points: [{ x, y, positive: true }],
//     output: { polygon: { tolerance: 1.5 } } })                   // superseded → rejects
//   r.candidates[r.best].mask  // { box, rle, area } — a Loupe mask shape (source: 'sam')
//   r.candidates[r.best].polygons?.[0]  // flat x,y in image pixels

import type { MaskShape, Point, SamErrorCode } from '@loupe/sam'
import type {
  DecodeRequest,
  ImageInput,
  ModelSource,
  PageMessage,
  ResultOf,
  WorkerMessage,
} from './sam-protocol'

export type {
  CandidateResult,
  DecodeOutputOptions,
  DecodeRequest,
  DecodeResult,
  EncodeResult,
  ImageInput,
  LoadResult,
  LoadedModel,
  ModelSource,
} from './sam-protocol'

/** The part of `Worker` used (tests pass a MessageChannel port or a fake). */
export interface WorkerLike {
  postMessage(message: PageMessage, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerMessage>) => void): void
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void
  terminate(): void
}

export type SamClientErrorCode = SamErrorCode | 'worker'

export class SamClientError extends Error {
  override name = 'SamClientError'
  constructor(
    readonly code: SamClientErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export interface Progress {
  phase: 'download' | 'load' | 'encode'
  loaded: number
  total?: number
  file?: string
}

export interface CallOptions {
  onProgress?: (progress: Progress) => void
  /** Rejects with code `timeout` after this long (defaults per call). */
  timeoutMs?: number
  signal?: AbortSignal
}

interface Pending {
  resolve: (result: never) => void
  reject: (error: SamClientError) => void
  onProgress?: (progress: Progress) => void
  timer?: ReturnType<typeof setTimeout>
}

/** Starts the app's SAM worker (bundled by Vite as an ES module worker). */
export function createSamWorker(): WorkerLike {
  return new Worker(new URL('./sam.worker.ts', import.meta.url), {
    type: 'module',
    name: 'loupe-sam',
  }) as unknown as WorkerLike
}

const DEFAULT_TIMEOUT = {
  load: 15 * 60_000,
  encode: 180_000,
  precompute: 0,
  decode: 30_000,
  wand: 30_000,
  scissors: 30_000,
  'clear-cache': 30_000,
} as const

type Kind = keyof ResultOf

/** Bytes of a picked file go to the worker without a copy. */
function transferOf(source: ModelSource): Transferable[] {
  if (!('bytes' in source)) return []
  const { buffer, byteOffset, byteLength } = source.bytes
  return buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength
    ? [buffer]
    : []
}

export class SamClient {
  #worker: WorkerLike | null = null
  #nextId = 1
  #pending = new Map<number, Pending>()
  readonly #create: () => WorkerLike

  constructor(create: () => WorkerLike = createSamWorker) {
    this.#create = create
  }

  /**
   * Loads an encoder/decoder pair (URL, picked file bytes — moved to the worker — or a cache
   * key), verifies it (ONNX parse, SAM signature, optional SHA-256) and caches it for offline
   * use. A second load replaces the first.
   */
  load(
    encoder: ModelSource,
    decoder: ModelSource,
    options: CallOptions & { backend?: 'auto' | 'wasm' | 'webgpu' } = {},
  ): Promise<ResultOf['load']> {
    return this.#call(
      'load',
      (id) => ({
        type: 'load',
        id,
        encoder,
        decoder,
        backend: options.backend,
        timeoutMs: options.timeoutMs,
      }),
      options,
      [...transferOf(encoder), ...transferOf(decoder)],
    )
  }

  /** Computes (or finds in the cache) the embedding of an image. */
  encode(image: ImageInput, options: CallOptions = {}): Promise<ResultOf['encode']> {
    return this.#call('encode', (id) => ({ type: 'encode', id, image }), options)
  }

  /** Encodes these images while the worker is idle (replaces an earlier list). */
  precompute(images: ImageInput[], options: CallOptions = {}): Promise<ResultOf['precompute']> {
    return this.#call('precompute', (id) => ({ type: 'precompute', id, images }), options)
  }

  /**
   * Masks for a prompt on an encoded image. Only the latest waiting decode runs: an older one
   * rejects with code `superseded` (ignore it in a hover preview).
   */
  decode(request: DecodeRequest, options: CallOptions = {}): Promise<ResultOf['decode']> {
    return this.#call('decode', (id) => ({ type: 'decode', id, request }), options)
  }

  /** Magic wand from a seed pixel; null when nothing is selected. */
  magicWand(
    image: ImageInput,
    seed: Point,
    settings: { tolerance?: number; connectivity?: 4 | 8 } = {},
    options: CallOptions = {},
  ): Promise<MaskShape | null> {
    return this.#call('wand', (id) => ({ type: 'wand', id, image, seed, ...settings }), options)
  }

  /**
   * Live-wire path from `from` to `to` (flat x,y pixel centres, `from` first), searched within
   * `margin` pixels around both; repeated calls with the same `from` reuse the search.
   */
  scissors(image: ImageInput, from: Point, to: Point, margin?: number, options: CallOptions = {}) {
    return this.#call(
      'scissors',
      (id) => ({ type: 'scissors', id, image, from, to, margin }),
      options,
    )
  }

  clearCache(what: 'embeddings' | 'models' | 'all', options: CallOptions = {}) {
    return this.#call('clear-cache', (id) => ({ type: 'clear-cache', id, what }), options)
  }

  /** Stops the worker; calls still waiting reject with code `worker`. */
  terminate(): void {
    this.#worker?.terminate()
    this.#worker = null
    this.#failAll('the SAM worker was stopped')
  }

  #start(): WorkerLike {
    if (this.#worker) return this.#worker
    const worker = this.#create()
    worker.addEventListener('message', (event) => this.#receive(event.data))
    worker.addEventListener('error', (event) => {
      this.#worker?.terminate()
      this.#worker = null
      this.#failAll(event.message || 'the SAM worker failed to start')
    })
    this.#worker = worker
    return worker
  }

  #call<K extends Kind>(
    kind: K,
    message: (id: number) => PageMessage,
    options: CallOptions,
    transfer: Transferable[] = [],
  ): Promise<ResultOf[K]> {
    if (options.signal?.aborted) return Promise.reject(new SamClientError('cancelled', 'cancelled'))
    const worker = this.#start()
    const id = this.#nextId++
    return new Promise<ResultOf[K]>((resolve, reject) => {
      const pending: Pending = {
        resolve: resolve as (r: never) => void,
        reject,
        onProgress: options.onProgress,
      }
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT[kind]
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.#settle(id)?.reject(
            new SamClientError(
              'timeout',
              `SAM ${kind} took longer than ${Math.round(timeoutMs / 1000)} s`,
            ),
          )
          worker.postMessage({ type: 'cancel', id })
        }, timeoutMs)
      }
      this.#pending.set(id, pending)
      options.signal?.addEventListener(
        'abort',
        () => {
          if (!this.#pending.has(id)) return
          worker.postMessage({ type: 'cancel', id })
          this.#settle(id)?.reject(new SamClientError('cancelled', 'cancelled'))
        },
        { once: true },
      )
      worker.postMessage(message(id), transfer)
    })
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id)
    if (!pending) return undefined
    this.#pending.delete(id)
    clearTimeout(pending.timer)
    return pending
  }

  #receive(message: WorkerMessage): void {
    if (message.type === 'progress') {
      const { phase, loaded, total, file } = message
      this.#pending.get(message.id)?.onProgress?.({ phase, loaded, total, file })
      return
    }
    const pending = this.#settle(message.id)
    if (!pending) return
    if (message.type === 'result') pending.resolve(message.result as never)
    else pending.reject(new SamClientError(message.code, message.message))
  }

  #failAll(message: string): void {
    for (const id of [...this.#pending.keys()])
      this.#settle(id)?.reject(new SamClientError('worker', message))
  }
}
