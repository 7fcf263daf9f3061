// The page's side of the formats worker: one task per `run`, with progress, cancel (an
// AbortSignal) and job documents handed to an import on request. A worker that does not stop
// soon after a cancel (a format parsing one large file without pausing) is terminated and a new
// one started for the next task.

import type {
  ErrorKind,
  FormatsTask,
  PageMessage,
  ResultOf,
  WorkerMessage,
} from '../../../worker/src/formats-protocol'

/** The parts of a Worker (or a MessagePort, in tests) the client uses. */
export interface WorkerLike {
  postMessage(message: PageMessage, transfer: Transferable[]): void
  onmessage: ((event: MessageEvent<WorkerMessage>) => void) | null
  onerror?: ((event: ErrorEvent) => void) | null
  terminate(): void
}

export interface TaskProgress {
  done: number
  total: number
  phase: string
}

/** A job document's state for an import, or why this device cannot give it. */
export type JobState = { state: Uint8Array } | { state: null; reason: string }

export interface RunOptions {
  signal?: AbortSignal
  onProgress?: (progress: TaskProgress) => void
  /** Imports: the state of a job's document (called as the import needs them). */
  loadJob?: (jobId: string, signal: AbortSignal) => Promise<JobState>
}

/**
 * A task that did not complete: `format` is a malformed input, and `message` is then exactly
 * `file: where: expected`; `cancelled` a cancel; `failed` anything else.
 */
export class FormatsTaskError extends Error {
  override name = 'FormatsTaskError'
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message)
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof FormatsTaskError && error.kind === 'cancelled'
}

interface Pending {
  resolve: (result: never) => void
  reject: (error: FormatsTaskError) => void
  options: RunOptions
  /** Aborts the page-side work of this task (job loads). */
  local: AbortController
  settled: boolean
  /** Set once cancelled: the worker is restarted if it has not answered by then. */
  graceTimer?: ReturnType<typeof setTimeout>
}

/** The buffers of a task's arrays that can be moved to the worker (each once, whole only). */
function taskTransfer(task: FormatsTask): Transferable[] {
  const arrays: Uint8Array[] = []
  if (task.kind === 'import') arrays.push(task.project)
  if (task.kind === 'export') {
    arrays.push(task.project, ...task.jobs.map((j) => j.state))
    for (const image of task.images ?? []) {
      if (image.data instanceof Uint8Array) arrays.push(image.data)
    }
  }
  return wholeBuffers(arrays)
}

function wholeBuffers(arrays: readonly Uint8Array[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  for (const array of arrays) {
    const buffer = array.buffer
    if (
      buffer instanceof ArrayBuffer &&
      array.byteOffset === 0 &&
      array.byteLength === buffer.byteLength
    ) {
      out.add(buffer)
    }
  }
  return [...out]
}

export class FormatsClient {
  #worker: WorkerLike | null = null
  #nextId = 1
  #pending = new Map<number, Pending>()
  readonly #create: () => WorkerLike
  readonly #cancelGraceMs: number

  /**
   * @param create starts a worker (`new Worker(url, { type: 'module' })` in the app)
   * @param options.cancelGraceMs how long a cancelled task may take to stop before its worker
   *   is terminated (default 1 s)
   */
  constructor(create: () => WorkerLike, options: { cancelGraceMs?: number } = {}) {
    this.#create = create
    this.#cancelGraceMs = options.cancelGraceMs ?? 1000
  }

  /**
   * Runs a task in the worker. Arrays of the task (document states) are moved to the worker, so
   * the caller must not use them afterwards. Rejects with FormatsTaskError.
   */
  run<T extends FormatsTask>(task: T, options: RunOptions = {}): Promise<ResultOf<T['kind']>> {
    const signal = options.signal
    if (signal?.aborted) return Promise.reject(new FormatsTaskError('cancelled', 'cancelled'))
    const worker = this.#start()
    const id = this.#nextId++
    return new Promise<ResultOf<T['kind']>>((resolve, reject) => {
      const pending: Pending = {
        resolve: resolve as (result: never) => void,
        reject,
        options,
        local: new AbortController(),
        settled: false,
      }
      this.#pending.set(id, pending)
      signal?.addEventListener('abort', () => this.#cancel(id), { once: true })
      worker.postMessage({ type: 'start', id, task }, taskTransfer(task))
    })
  }

  /** Stops the worker; tasks still running fail. */
  terminate(): void {
    this.#restart('the formats worker was stopped')
  }

  #start(): WorkerLike {
    if (this.#worker) return this.#worker
    const worker = this.#create()
    worker.onmessage = (event) => this.#receive(event.data)
    worker.onerror = (event) => {
      event.preventDefault?.()
      this.#restart(event.message || 'the formats worker failed to start')
    }
    this.#worker = worker
    return worker
  }

  #receive(message: WorkerMessage): void {
    const pending = this.#pending.get(message.id)
    if (!pending) return
    switch (message.type) {
      case 'progress':
        if (!pending.settled) {
          pending.options.onProgress?.({
            done: message.done,
            total: message.total,
            phase: message.phase,
          })
        }
        return
      case 'need-job':
        void this.#answerJob(message.id, message.jobId, pending)
        return
      case 'result':
        this.#finish(message.id)
        if (!pending.settled) pending.resolve(message.result as never)
        pending.settled = true
        return
      case 'error':
        this.#finish(message.id)
        if (!pending.settled) pending.reject(new FormatsTaskError(message.kind, message.message))
        pending.settled = true
    }
  }

  async #answerJob(id: number, jobId: string, pending: Pending): Promise<void> {
    let answer: PageMessage
    try {
      const loaded = pending.options.loadJob
        ? await pending.options.loadJob(jobId, pending.local.signal)
        : { state: null, reason: 'this task has no job documents' }
      answer =
        loaded.state === null
          ? { type: 'job', id, jobId, state: null, reason: loaded.reason }
          : { type: 'job', id, jobId, state: loaded.state }
    } catch (error) {
      answer = {
        type: 'job',
        id,
        jobId,
        state: null,
        reason: error instanceof Error ? error.message : String(error),
      }
    }
    if (!this.#pending.has(id)) return
    this.#worker?.postMessage(answer, answer.state ? wholeBuffers([answer.state]) : [])
  }

  #finish(id: number): void {
    const pending = this.#pending.get(id)
    if (!pending) return
    if (pending.graceTimer) clearTimeout(pending.graceTimer)
    pending.local.abort()
    this.#pending.delete(id)
  }

  #cancel(id: number): void {
    const pending = this.#pending.get(id)
    if (!pending || pending.settled) return
    pending.settled = true
    pending.local.abort()
    pending.reject(new FormatsTaskError('cancelled', 'cancelled'))
    this.#worker?.postMessage({ type: 'cancel', id }, [])
    pending.graceTimer = setTimeout(() => {
      if (this.#pending.has(id)) this.#restart('the formats worker was restarted after a cancel')
    }, this.#cancelGraceMs)
  }

  /** Terminates the worker and fails what it was running; the next task starts a new one. */
  #restart(reason: string): void {
    this.#worker?.terminate()
    this.#worker = null
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const p of pending) {
      if (p.graceTimer) clearTimeout(p.graceTimer)
      p.local.abort()
      if (!p.settled) p.reject(new FormatsTaskError('failed', reason))
      p.settled = true
    }
  }
}

/** The app's formats worker (bundled by Vite as an ES module worker). */
export function createFormatsWorker(): WorkerLike {
  return new Worker(new URL('../../../worker/src/formats.worker.ts', import.meta.url), {
    type: 'module',
    name: 'formats',
  }) as WorkerLike
}
