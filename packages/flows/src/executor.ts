import type { TaskEntry } from './define'
import type { AbortSignalLike } from './platform'

export interface ExecuteRequest {
  entry: TaskEntry
  input: unknown
  runId: string
}

/**
 * Runs an isolated task's function (`entry`). An implementation must stop the work itself when
 * `signal` aborts (terminate the worker, kill the process) and reject with `signal.reason`. The
 * server supplies one on worker_threads; `inlineExecutor` here cannot kill anything.
 */
export interface Executor {
  execute(request: ExecuteRequest, signal: AbortSignalLike): Promise<unknown>
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignalLike): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error as Error)
      },
    )
  })
}

/**
 * Imports the entry module in this process and calls it. The run stops waiting on abort, but
 * work that ignores the signal keeps going in the background: use a killing executor for that.
 */
export const inlineExecutor: Executor = {
  async execute(request, signal) {
    const mod = (await import(/* @vite-ignore */ request.entry.module)) as Record<string, unknown>
    const fn = mod[request.entry.exportName]
    if (typeof fn !== 'function') {
      throw new Error(`${request.entry.module} has no function ${request.entry.exportName}`)
    }
    return raceAbort(
      Promise.resolve(
        (fn as (input: unknown, signal: AbortSignalLike) => unknown)(request.input, signal),
      ),
      signal,
    )
  },
}
