import type { AbortSignalLike, ExecuteRequest, Executor } from '@loupe/flows'
import { createRequire } from 'node:module'
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

// Runs in the worker: loads the task module (through tsx when it is TypeScript), calls the export.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  try {
    if (workerData.tsxApi) (await import(workerData.tsxApi)).register()
    const mod = await import(workerData.module)
    const fn = mod[workerData.exportName]
    if (typeof fn !== 'function') throw new Error(workerData.module + ' has no function ' + workerData.exportName)
    parentPort.postMessage({ ok: true, value: await fn(workerData.input) })
  } catch (error) {
    parentPort.postMessage({ ok: false, message: error && error.message ? error.message : String(error) })
  }
})()
`

function tsxApi(): string | null {
  try {
    // The ESM build of tsx's API (the CommonJS one cannot register from an eval'd worker).
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api')
    return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href
  } catch {
    return null
  }
}

/**
 * Runs isolated tasks (`task(fn, { entry })`) in worker threads, one per call, and terminates the
 * worker when the run's signal aborts (timeout or cancel): work that never looks at the signal,
 * even a busy loop, is really stopped. Input and result cross by structured clone.
 */
export class WorkerThreadExecutor implements Executor {
  readonly #workers = new Set<Worker>()
  readonly #tsx = tsxApi()

  /** Workers started and workers whose thread has really ended. */
  readonly stats = { started: 0, exited: 0 }

  get activeWorkers(): number {
    return this.#workers.size
  }

  execute(request: ExecuteRequest, signal: AbortSignalLike): Promise<unknown> {
    if (signal.aborted) return Promise.reject(signal.reason as Error)
    const module = isAbsolute(request.entry.module)
      ? pathToFileURL(request.entry.module).href
      : request.entry.module
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        module,
        exportName: request.entry.exportName,
        input: request.input,
        tsxApi: /\.[cm]?tsx?$/.test(module) ? this.#tsx : null,
      },
    })
    this.#workers.add(worker)
    this.stats.started += 1
    worker.once('exit', () => (this.stats.exited += 1))
    return new Promise((resolve, reject) => {
      const finish = () => {
        signal.removeEventListener('abort', onAbort)
        this.#workers.delete(worker)
        void worker.terminate()
      }
      const onAbort = () => {
        finish()
        reject(signal.reason as Error)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      worker.once('message', (message: { ok: boolean; value?: unknown; message?: string }) => {
        finish()
        if (message.ok) resolve(message.value)
        else reject(new Error(message.message ?? 'task failed'))
      })
      worker.once('error', (error) => {
        finish()
        reject(error)
      })
      worker.once('exit', (code) => {
        if (!this.#workers.has(worker)) return
        finish()
        reject(new Error(`task worker exited with code ${code}`))
      })
    })
  }

  /** Terminates every worker still running (server shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.#workers].map((w) => w.terminate()))
    this.#workers.clear()
  }
}
