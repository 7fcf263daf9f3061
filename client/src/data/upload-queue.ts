import { reportStorageError } from '../sync/storage-errors'
import { backoffDelay, isRetryable } from './backoff'
import type { LoupeDatabase, UploadTask } from './db'
import { uploadTaskId } from './db'
import { UploadError, uploadImages } from './upload'
import type { UploadRequest } from './upload'

/** Per-project progress for the UI. */
export interface ProjectUploadProgress {
  /** Waiting (queued, including those waiting for a retry). */
  queued: number
  failed: number
  /** Uploaded since the page loaded. */
  done: number
  /** Files in the request in flight, and its bytes. */
  uploading: number
  bytesSent: number
  bytesTotal: number
  /** Why the last attempt failed, when it did. */
  lastError?: string
  /** When queued work is retried next (epoch ms), if it is waiting for a retry. */
  retryAt?: number
  /** Waiting for the project document to reach the server first. */
  waitingForSync: boolean
}

export interface UploadQueueOptions {
  db: LoupeDatabase
  token: string
  base?: string
  /** Whether the browser is online. */
  isOnline: () => boolean
  /**
   * Whether an image registered in the local project document may be uploaded yet: only once
   * the server has that registration, or its own registration would add a second record.
   */
  registrationConfirmed: (projectId: string) => boolean
  /** Defaults to XMLHttpRequest uploads. */
  upload?: (request: UploadRequest) => Promise<unknown>
  random?: () => number
  now?: () => number
  maxFilesPerRequest?: number
  maxBytesPerRequest?: number
}

const EMPTY: ReadonlyMap<string, ProjectUploadProgress> = new Map()

/**
 * The persistent upload queue: tasks live in Dexie (so a reload resumes them), go up in small
 * batches while online, and are retried with exponential backoff. The server deduplicates by
 * hash, so sending a file twice is harmless.
 */
export class UploadQueue {
  #running = false
  #stopped = false
  #timer: ReturnType<typeof setTimeout> | null = null
  #kickAgain = false
  #listeners = new Set<() => void>()
  #progress: ReadonlyMap<string, ProjectUploadProgress> = EMPTY
  #done = new Map<string, number>()
  #inFlight: { projectId: string; files: number; sent: number; total: number } | null = null
  #lastError = new Map<string, string>()
  #abort: AbortController | null = null

  constructor(private readonly options: UploadQueueOptions) {}

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  get progress(): ReadonlyMap<string, ProjectUploadProgress> {
    return this.#progress
  }

  /** Adds images to the queue (idempotent per project and hash) and starts sending. */
  async enqueue(
    projectId: string,
    images: { sha256: string; name: string; size: number }[],
    registeredLocally: boolean,
  ): Promise<void> {
    const now = this.#now()
    const tasks: UploadTask[] = images.map((image) => ({
      id: uploadTaskId(projectId, image.sha256),
      projectId,
      sha256: image.sha256,
      name: image.name,
      size: image.size,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      registeredLocally,
      createdAt: now,
    }))
    try {
      await this.options.db.uploads.bulkPut(tasks)
    } catch (error) {
      reportStorageError(error, 'the upload queue')
      throw error
    }
    await this.kick()
  }

  /** Puts failed tasks of a project back in the queue now. */
  async retry(projectId: string): Promise<void> {
    const now = this.#now()
    await this.options.db.uploads
      .where('projectId')
      .equals(projectId)
      .modify((task) => {
        task.state = 'queued'
        task.nextAttemptAt = now
        delete task.error
      })
    this.#lastError.delete(projectId)
    await this.kick()
  }

  /** Looks for work now (after enqueue, coming online, or a document getting confirmed). */
  async kick(): Promise<void> {
    if (this.#stopped) return
    if (this.#running) {
      this.#kickAgain = true
      return
    }
    this.#running = true
    try {
      do {
        this.#kickAgain = false
        while (!this.#stopped && (await this.#sendOneBatch())) {
          // keep going while there is work that can go now
        }
      } while (this.#kickAgain && !this.#stopped)
    } finally {
      this.#running = false
      await this.#refresh()
      this.#schedule()
    }
  }

  stop(): void {
    this.#stopped = true
    this.#abort?.abort()
    if (this.#timer) clearTimeout(this.#timer)
    this.#listeners.clear()
  }

  #now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** Sends one batch of due tasks; false when nothing can go now. */
  async #sendOneBatch(): Promise<boolean> {
    if (!this.options.isOnline()) return false
    const now = this.#now()
    const due = await this.options.db.uploads.where('nextAttemptAt').belowOrEqual(now).toArray()
    const ready = due.filter(
      (task) =>
        task.state === 'queued' &&
        (!task.registeredLocally || this.options.registrationConfirmed(task.projectId)),
    )
    const first = ready[0]
    if (!first) return false
    const maxFiles = this.options.maxFilesPerRequest ?? 20
    const maxBytes = this.options.maxBytesPerRequest ?? 32 * 1024 * 1024
    const batch: UploadTask[] = []
    let bytes = 0
    for (const task of first.solo ? [first] : ready) {
      if (task.projectId !== first.projectId || (task.solo && task !== first)) continue
      if (batch.length > 0 && (batch.length >= maxFiles || bytes + task.size > maxBytes)) break
      batch.push(task)
      bytes += task.size
    }
    const blobs = await this.options.db.blobs.bulkGet(batch.map((t) => t.sha256))
    const files: { name: string; blob: Blob }[] = []
    const missing: UploadTask[] = []
    batch.forEach((task, i) => {
      const stored = blobs[i]
      if (stored) files.push({ name: task.name, blob: stored.blob })
      else missing.push(task)
    })
    if (missing.length > 0) {
      // the bytes are gone from this device (storage evicted): nothing left to send
      await this.options.db.uploads.bulkPut(
        missing.map((t) => ({
          ...t,
          state: 'failed' as const,
          error: 'the image is no longer stored on this device',
        })),
      )
    }
    const sending = batch.filter((t) => !missing.includes(t))
    if (sending.length === 0) return true

    this.#inFlight = { projectId: first.projectId, files: sending.length, sent: 0, total: bytes }
    this.#abort = new AbortController()
    await this.#refresh()
    try {
      await (this.options.upload ?? uploadImages)({
        projectId: first.projectId,
        token: this.options.token,
        base: this.options.base,
        files,
        signal: this.#abort.signal,
        onProgress: (sent, total) => {
          if (this.#inFlight) this.#inFlight = { ...this.#inFlight, sent, total }
          void this.#refresh()
        },
      })
      await this.options.db.uploads.bulkDelete(sending.map((t) => t.id))
      this.#done.set(first.projectId, (this.#done.get(first.projectId) ?? 0) + sending.length)
      this.#lastError.delete(first.projectId)
      return true
    } catch (error) {
      const status = error instanceof UploadError ? error.status : 0
      const message = error instanceof Error ? error.message : String(error)
      this.#lastError.set(first.projectId, message)
      if (this.#stopped) return false
      const retry = isRetryable(status)
      const now2 = this.#now()
      if (!retry && sending.length > 1) {
        // one bad file fails the whole request (415/413 name it): send each alone to find it
        await this.options.db.uploads.bulkPut(sending.map((t) => ({ ...t, solo: true })))
        return true
      }
      await this.options.db.uploads.bulkPut(
        sending.map((t) => ({
          ...t,
          attempts: t.attempts + 1,
          state: retry ? ('queued' as const) : ('failed' as const),
          nextAttemptAt: retry
            ? now2 + backoffDelay(t.attempts + 1, this.options.random)
            : Number.MAX_SAFE_INTEGER,
          error: message,
        })),
      )
      // a network failure means nothing else will go either: wait for the timer or `online`
      return !retry
    } finally {
      this.#inFlight = null
      this.#abort = null
    }
  }

  #schedule(): void {
    if (this.#stopped) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    let next = Infinity
    for (const progress of this.#progress.values()) {
      if (progress.retryAt !== undefined) next = Math.min(next, progress.retryAt)
    }
    if (next === Infinity) return
    this.#timer = setTimeout(
      () => void this.kick(),
      Math.max(250, Math.min(next - this.#now(), 2 ** 31 - 1)),
    )
  }

  async #refresh(): Promise<void> {
    const tasks = await this.options.db.uploads.toArray()
    const now = this.#now()
    const progress = new Map<string, ProjectUploadProgress>()
    const get = (projectId: string) => {
      let p = progress.get(projectId)
      if (!p) {
        p = {
          queued: 0,
          failed: 0,
          done: this.#done.get(projectId) ?? 0,
          uploading: 0,
          bytesSent: 0,
          bytesTotal: 0,
          waitingForSync: false,
        }
        const lastError = this.#lastError.get(projectId)
        if (lastError) p.lastError = lastError
        progress.set(projectId, p)
      }
      return p
    }
    for (const projectId of this.#done.keys()) get(projectId)
    for (const task of tasks) {
      const p = get(task.projectId)
      if (task.state === 'failed') {
        p.failed++
        continue
      }
      p.queued++
      if (task.nextAttemptAt > now) {
        p.retryAt = Math.min(p.retryAt ?? Infinity, task.nextAttemptAt)
      } else if (task.registeredLocally && !this.options.registrationConfirmed(task.projectId)) {
        p.waitingForSync = true
      }
    }
    if (this.#inFlight) {
      const p = get(this.#inFlight.projectId)
      p.uploading = this.#inFlight.files
      p.bytesSent = this.#inFlight.sent
      p.bytesTotal = this.#inFlight.total
    }
    this.#progress = progress
    for (const fn of this.#listeners) fn()
  }
}
