// The SAM worker's logic, apart from the worker global so it runs in Node tests too. One lane
// runs model work one job at a time, by priority: load, then decode (coalesced: only the latest
// waiting decode runs, older ones fail as `superseded`), then encode, then idle precompute of
// the next images. Between jobs the lane yields so newer messages can replace waiting work.

import {
  LiveWire,
  SamError,
  SamErrorCode,
  createSegmenter,
  edgeCostMap,
  logitsToMask,
  logitsToPolygons,
  magicWand,
  windowAround,
} from '@loupe/sam'
import type { CostMap, ImageEmbedding, RgbaImage, Segmenter, Size } from '@loupe/sam'
import type { EmbeddingCache } from './sam-embedding-cache'
import { cacheModel, loadModelBytes, type ModelBytes, type ModelCache } from './sam-model-store'
import { messageOf, type CreateSessionOptions, type OrtSession } from './sam-ort'
import type {
  CandidateResult,
  DecodeRequest,
  ImageInput,
  LoadedModel,
  PageMessage,
  ResultOf,
  WorkerMessage,
} from './sam-protocol'

export type PostMessage = (message: WorkerMessage, transfer?: Transferable[]) => void

export interface SamHostDeps {
  createSession(bytes: Uint8Array, options: CreateSessionOptions): Promise<OrtSession>
  modelCache: ModelCache | null
  embeddings: EmbeddingCache | null
  /**
   * Pixels of an image: `model` resized to fit SAM's input (longest side 1024) or `full`.
   * Returns the pixels and the original size.
   */
  decodeImage(
    source: ImageInput['source'],
    mode: 'model' | 'full',
  ): Promise<{ pixels: RgbaImage; original: Size }>
  threads: number
  fetch?: typeof fetch
  /** Embeddings kept in memory (most recent). Default 4. */
  memoryEmbeddings?: number
}

const PRIORITY = { load: 0, tool: 1, decode: 1, encode: 2, clear: 2 } as const

interface Job {
  id: number
  priority: number
  run: () => Promise<void>
  /** Fails a job removed before it ran. */
  drop: (code: SamErrorCode, message: string) => void
}

interface Loaded {
  segmenter: Segmenter
  sessions: OrtSession[]
  encoderSha: string
}

const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export class SamHost {
  #queue: Job[] = []
  #running = false
  #loaded: Loaded | null = null
  #memory = new Map<string, ImageEmbedding>()
  /** Waiting decode (replaced by newer ones). */
  #decode: { id: number; request: DecodeRequest } | null = null
  #idle: { id: number; images: ImageInput[]; encoded: number; cached: number } | null = null
  #last: { imageKey: string; logits: Float32Array[] } | null = null
  #pixels: { key: string; image: RgbaImage } | null = null
  #costs: { key: string; map: CostMap } | null = null
  #wire: { key: string; wire: LiveWire } | null = null

  constructor(
    private readonly post: PostMessage,
    private readonly deps: SamHostDeps,
  ) {}

  handle(message: PageMessage): void {
    switch (message.type) {
      case 'load':
        this.#enqueue(message.id, PRIORITY.load, () => this.#load(message))
        return
      case 'encode':
        this.#enqueue(message.id, PRIORITY.encode, async () => {
          const result = await this.#encode(message.image, message.id)
          this.#result(message.id, result)
        })
        return
      case 'precompute':
        if (this.#idle) this.#finishIdle()
        this.#idle = { id: message.id, images: [...message.images], encoded: 0, cached: 0 }
        void this.#pump()
        return
      case 'decode': {
        const waiting = this.#decode
        this.#decode = { id: message.id, request: message.request }
        if (waiting) {
          this.#queue = this.#queue.filter((job) => job.id !== waiting.id)
          this.#error(waiting.id, SamErrorCode.Superseded, 'a newer prompt replaced this one')
        }
        this.#enqueue(message.id, PRIORITY.decode, () => this.#runDecode())
        return
      }
      case 'wand':
        this.#enqueue(message.id, PRIORITY.tool, async () => {
          const image = await this.#fullPixels(message.image)
          const mask = magicWand(image, message.seed, {
            tolerance: message.tolerance,
            connectivity: message.connectivity,
          })
          this.#result(message.id, mask)
        })
        return
      case 'scissors':
        this.#enqueue(message.id, PRIORITY.tool, async () => {
          this.#result(message.id, { path: await this.#scissors(message) })
        })
        return
      case 'cancel': {
        const job = this.#queue.find((j) => j.id === message.id)
        if (job) {
          this.#queue = this.#queue.filter((j) => j !== job)
          if (this.#decode?.id === message.id) this.#decode = null
          job.drop(SamErrorCode.Cancelled, 'cancelled')
        } else if (this.#idle?.id === message.id) {
          this.#finishIdle()
        }
        return
      }
      case 'clear-cache':
        this.#enqueue(message.id, PRIORITY.clear, async () => {
          if (message.what !== 'models') {
            this.#memory.clear()
            await this.deps.embeddings?.clear()
          }
          if (message.what !== 'embeddings') await this.deps.modelCache?.clear()
          this.#result(message.id, { cleared: true })
        })
    }
  }

  #enqueue(id: number, priority: number, run: () => Promise<void>): void {
    const job: Job = {
      id,
      priority,
      run,
      drop: (code, message) => this.#error(id, code, message),
    }
    // stable: after the jobs of the same or higher priority
    const at = this.#queue.findIndex((j) => j.priority > priority)
    if (at < 0) this.#queue.push(job)
    else this.#queue.splice(at, 0, job)
    void this.#pump()
  }

  async #pump(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (;;) {
        await yieldToMessages()
        const job = this.#queue.shift()
        if (job) {
          try {
            await job.run()
          } catch (error) {
            this.#fail(job.id, error)
          }
          continue
        }
        const idle = this.#idle
        const next = idle?.images.shift()
        if (!idle || !next) {
          if (idle) this.#finishIdle()
          break
        }
        try {
          const result = await this.#encode(next)
          if (result.cached) idle.cached++
          else idle.encoded++
        } catch {
          // a precompute failure is not worth an error: the image is encoded when opened
        }
      }
    } finally {
      this.#running = false
    }
  }

  #finishIdle(): void {
    const idle = this.#idle
    if (!idle) return
    this.#idle = null
    this.#result(idle.id, { encoded: idle.encoded, cached: idle.cached })
  }

  #result<K extends keyof ResultOf>(id: number, result: ResultOf[K]): void {
    this.post({ type: 'result', id, result })
  }

  #error(id: number, code: SamErrorCode, message: string): void {
    this.post({ type: 'error', id, code, message })
  }

  #fail(id: number, error: unknown): void {
    if (error instanceof SamError) this.#error(id, error.code, error.message)
    else this.#error(id, SamErrorCode.Failed, messageOf(error))
  }

  #requireModel(): Loaded {
    if (!this.#loaded) throw new SamError(SamErrorCode.NotReady, 'no SAM model loaded')
    return this.#loaded
  }

  async #load(message: Extract<PageMessage, { type: 'load' }>): Promise<void> {
    const started = performance.now()
    const { id } = message
    const fetchBytes = (source: typeof message.encoder, fallback: string) =>
      loadModelBytes(source, fallback, this.deps.modelCache, {
        fetch: this.deps.fetch,
        onProgress: (loaded, total) =>
          this.post({ type: 'progress', id, phase: 'download', loaded, total, file: fallback }),
      })
    const encoderBytes = await fetchBytes(message.encoder, 'encoder.onnx')
    const decoderBytes = await fetchBytes(message.decoder, 'decoder.onnx')
    const sessions: OrtSession[] = []
    const open = async (model: ModelBytes, step: number) => {
      this.post({ type: 'progress', id, phase: 'load', loaded: step, total: 2, file: model.name })
      const session = await this.deps.createSession(model.bytes, {
        file: model.name,
        backend: message.backend,
        timeoutMs: message.timeoutMs,
        // the official export's full-size `masks` costs every click; we upsample low_res_masks
        pruneExportMasks: step === 1,
      })
      sessions.push(session)
      return session
    }
    let segmenter: Segmenter
    try {
      const encoder = await open(encoderBytes, 0)
      const decoder = await open(decoderBytes, 1)
      segmenter = createSegmenter(encoder, decoder, {
        encoder: encoderBytes.name,
        decoder: decoderBytes.name,
      })
    } catch (error) {
      await Promise.all(sessions.map((s) => s.release().catch(() => undefined)))
      throw error
    }
    await cacheModel(this.deps.modelCache, encoderBytes)
    await cacheModel(this.deps.modelCache, decoderBytes)
    const previous = this.#loaded
    this.#loaded = { segmenter, sessions, encoderSha: encoderBytes.sha256 }
    if (previous) {
      if (previous.encoderSha !== encoderBytes.sha256) this.#memory.clear()
      await Promise.all(previous.sessions.map((s) => s.release().catch(() => undefined)))
    }
    this.#last = null
    const describe = (m: ModelBytes): LoadedModel => ({
      name: m.name,
      sha256: m.sha256,
      bytes: m.bytes.byteLength,
      fromCache: m.fromCache,
      cacheKey: m.cacheKey,
    })
    this.#result(id, {
      family: segmenter.info.family,
      backend: sessions[0]!.backend,
      threads: this.deps.threads,
      box: segmenter.info.box,
      encoder: describe(encoderBytes),
      decoder: describe(decoderBytes),
      ms: performance.now() - started,
    })
  }

  #cacheKey(imageKey: string): string {
    return `${this.#requireModel().encoderSha}:${imageKey}`
  }

  #remember(key: string, embedding: ImageEmbedding): void {
    this.#memory.delete(key)
    this.#memory.set(key, embedding)
    const limit = this.deps.memoryEmbeddings ?? 4
    while (this.#memory.size > limit) this.#memory.delete(this.#memory.keys().next().value!)
  }

  async #embedding(imageKey: string): Promise<ImageEmbedding | undefined> {
    const key = this.#cacheKey(imageKey)
    const inMemory = this.#memory.get(key)
    if (inMemory) {
      this.#remember(key, inMemory)
      return inMemory
    }
    const stored = await this.deps.embeddings?.get(key).catch(() => undefined)
    if (stored) this.#remember(key, stored)
    return stored
  }

  async #encode(image: ImageInput, id?: number): Promise<ResultOf['encode']> {
    const started = performance.now()
    const { segmenter } = this.#requireModel()
    if (await this.#embedding(image.key)) {
      return { imageKey: image.key, cached: true, ms: performance.now() - started }
    }
    if (id !== undefined) this.post({ type: 'progress', id, phase: 'encode', loaded: 0, total: 1 })
    const { pixels, original } = await this.deps.decodeImage(image.source, 'model')
    const embedding = await segmenter.encode(pixels, original)
    const key = this.#cacheKey(image.key)
    this.#remember(key, embedding)
    await this.deps.embeddings?.put(key, embedding).catch(() => undefined)
    return { imageKey: image.key, cached: false, ms: performance.now() - started }
  }

  async #runDecode(): Promise<void> {
    const waiting = this.#decode
    if (!waiting) return
    this.#decode = null
    const { id, request } = waiting
    const { segmenter } = this.#requireModel()
    const embedding = await this.#embedding(request.imageKey)
    if (!embedding) {
      throw new SamError(
        SamErrorCode.NotReady,
        `no embedding for image ${request.imageKey}: encode it first`,
      )
    }
    const previous =
      request.previous !== undefined && this.#last?.imageKey === request.imageKey
        ? this.#last.logits[request.previous]
        : undefined
    const t0 = performance.now()
    const out = await segmenter.decode(
      embedding,
      { points: request.points, box: request.box },
      { previousMask: previous },
    )
    const t1 = performance.now()
    const options = request.output ?? {}
    const image = embedding.image
    const candidates: CandidateResult[] = out.candidates.map((c, i) => {
      const wanted = options.candidates === 'all' || i === out.best
      const outlined = (options.polygonsOf ?? options.candidates) === 'all' || i === out.best
      const wantPolygon = wanted && outlined && options.polygon !== undefined
      const mask =
        wanted && (options.mask !== false || wantPolygon) ? logitsToMask(c.logits, image) : null
      const result: CandidateResult = {
        index: c.index,
        score: c.score,
        mask: options.mask !== false ? mask : null,
      }
      if (wantPolygon) {
        result.polygons = logitsToPolygons(c.logits, image, { ...options.polygon, mask })
      }
      return result
    })
    this.#last = {
      imageKey: request.imageKey,
      logits: out.candidates.map((c) => c.logits.data.slice()),
    }
    this.#result(id, {
      candidates,
      best: out.best,
      ms: { model: t1 - t0, post: performance.now() - t1 },
    })
  }

  async #fullPixels(input: ImageInput): Promise<RgbaImage> {
    if (this.#pixels?.key === input.key) return this.#pixels.image
    const { pixels } = await this.deps.decodeImage(input.source, 'full')
    this.#pixels = { key: input.key, image: pixels }
    return pixels
  }

  async #scissors(message: Extract<PageMessage, { type: 'scissors' }>): Promise<number[] | null> {
    const { image, from, to } = message
    if (this.#costs?.key !== image.key) {
      this.#costs = { key: image.key, map: edgeCostMap(await this.#fullPixels(image)) }
      this.#wire = null
    }
    const sameAnchor =
      this.#wire?.key === image.key &&
      Math.floor(this.#wire.wire.anchor.x) === Math.floor(from.x) &&
      Math.floor(this.#wire.wire.anchor.y) === Math.floor(from.y)
    const cached = sameAnchor ? this.#wire!.wire.pathTo(to) : null
    if (cached) return cached
    const margin = message.margin ?? 64
    // a window larger than asked so the cursor can move around without a new search
    const wire = LiveWire.from(this.#costs.map, from, windowAround(from, to, margin * 2))
    this.#wire = { key: image.key, wire }
    return wire.pathTo(to)
  }
}
