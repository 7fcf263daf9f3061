import { reportStorageError } from '../sync/storage-errors'
import type { LoupeDatabase, StoredThumbnail } from './db'

/** The worker's answer (worker/src/thumbnail-protocol.ts). */
type ThumbnailResponse =
  | { id: number; ok: true; blob: Blob; width: number; height: number }
  | { id: number; ok: false; error: string }

export const THUMBNAIL_SIZE = 256

/**
 * Thumbnails made in a module worker (OffscreenCanvas) and kept in Dexie by image hash.
 * One worker, started on first use; concurrent requests for one hash share the work.
 */
export class ThumbnailMaker {
  #worker: Worker | null = null
  #nextId = 1
  #waiting = new Map<number, (response: ThumbnailResponse) => void>()
  #inFlight = new Map<string, Promise<StoredThumbnail | null>>()
  #listeners = new Set<(sha256: string) => void>()

  constructor(private readonly db: LoupeDatabase) {}

  /** Called with the hash of every thumbnail made. */
  onMade(fn: (sha256: string) => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** The stored thumbnail, made from the stored blob if missing; null without the blob. */
  ensure(sha256: string): Promise<StoredThumbnail | null> {
    let pending = this.#inFlight.get(sha256)
    if (!pending) {
      pending = this.#ensure(sha256).finally(() => this.#inFlight.delete(sha256))
      this.#inFlight.set(sha256, pending)
    }
    return pending
  }

  async #ensure(sha256: string): Promise<StoredThumbnail | null> {
    const existing = await this.db.thumbnails.get(sha256)
    if (existing) return existing
    const stored = await this.db.blobs.get(sha256)
    if (!stored) return null
    const response = await this.#request(stored.blob)
    if (!response.ok) throw new Error(`thumbnail of ${sha256.slice(0, 8)}: ${response.error}`)
    const thumbnail: StoredThumbnail = {
      sha256,
      blob: response.blob,
      width: response.width,
      height: response.height,
    }
    try {
      await this.db.thumbnails.put(thumbnail)
    } catch (error) {
      reportStorageError(error, 'a thumbnail')
    }
    for (const fn of this.#listeners) fn(sha256)
    return thumbnail
  }

  #request(blob: Blob): Promise<ThumbnailResponse> {
    const worker = this.#start()
    const id = this.#nextId++
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve)
      worker.postMessage({ id, blob, maxSize: THUMBNAIL_SIZE })
    })
  }

  #start(): Worker {
    if (this.#worker) return this.#worker
    const worker = new Worker(new URL('../../../worker/src/thumbnail.worker.ts', import.meta.url), {
      type: 'module',
      name: 'thumbnails',
    })
    worker.onmessage = (event: MessageEvent<ThumbnailResponse>) => {
      const resolve = this.#waiting.get(event.data.id)
      this.#waiting.delete(event.data.id)
      resolve?.(event.data)
    }
    worker.onerror = (event) => {
      // a worker that failed to load answers nothing: fail everything waiting
      for (const [id, resolve] of this.#waiting) {
        resolve({ id, ok: false, error: event.message || 'thumbnail worker failed' })
      }
      this.#waiting.clear()
      this.#worker = null
    }
    this.#worker = worker
    return worker
  }

  terminate(): void {
    this.#worker?.terminate()
    this.#worker = null
  }
}
