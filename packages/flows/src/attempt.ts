import type { Clock } from './clock'
import { sleep } from './clock'
import type { ArtifactFiles } from './context'
import type { FlowOptions } from './define'
import { CancelledError, FlowError, TimeoutError, errorMessage } from './errors'
import type { Executor } from './executor'
import { raceAbort } from './executor'
import type { LogWriter } from './log-writer'
import { newAbortController } from './platform'
import type { AbortSignalLike } from './platform'
import type { Random } from './random'
import { retryDelayMs } from './retry'
import type { StateType } from './states'
import type { Artifact, FlowRun, FlowStore, LogEntry, RunPatch, RunProgress } from './store'
import { encodeCacheValue } from './cache'

export type FlowEvent =
  | { type: 'state'; run: FlowRun }
  | { type: 'progress'; rootId: string; runId: string; progress: RunProgress }
  | { type: 'log'; entry: LogEntry }
  | { type: 'artifact'; artifact: Artifact }

export interface Engine {
  store: FlowStore
  clock: Clock
  random: Random
  executor: Executor
  files: ArtifactFiles
  /** Runner id, recorded as claimant of the runs it executes. */
  by: string
  leaseTtlMs: number
  leasePollMs: number
  emit(event: FlowEvent): void
}

/** Per top-level run: its logs and progress throttle. */
export interface Scope {
  rootId: string
  logs: LogWriter
  lastProgressAt: number
}

export type Body<R> = (signal: AbortSignalLike, attempt: number) => Promise<R>

export interface RunOptionsLike {
  retries?: number
  retryDelaySeconds?: FlowOptions<unknown>['retryDelaySeconds']
  retryJitterFactor?: number
  timeoutSeconds?: number
}

const RUNNING: readonly StateType[] = ['Running', 'Retrying']

/**
 * Runs attempts of one run. `stored`: a retry is left AwaitingRetry for the runner (top-level);
 * `inline`: the retry time is stored, then waited for here (tasks and subflows live inside their
 * parent's call stack; if the process dies, the top-level run's own retry policy takes over).
 */
export async function attempt<R>(
  engine: Engine,
  scope: Scope,
  initial: FlowRun,
  options: RunOptionsLike,
  mode: 'stored' | 'inline',
  outer: AbortSignalLike,
  body: Body<R>,
): Promise<R> {
  const { store, clock } = engine
  let run = initial
  const log = scope.logs.logger(run.id)
  for (;;) {
    const n = run.state === 'Pending' ? run.attempt + 1 : run.attempt
    // The run's own tags (a deployment may add some to its flow's) decide its leases.
    const tags = run.tags
    if (tags.length > 0) await waitForLeases(engine, scope, run, tags, outer)
    try {
      if (run.state === 'Pending') {
        const patch: RunPatch = { attempt: n }
        run = await move(engine, run, n > 1 ? 'Retrying' : 'Running', { from: ['Pending'], patch })
      }
      const controller = newAbortController()
      const onOuterAbort = () => controller.abort(outer.reason)
      if (outer.aborted) controller.abort(outer.reason)
      else outer.addEventListener('abort', onOuterAbort, { once: true })
      const timeout = options.timeoutSeconds
      const cancelTimer =
        timeout !== undefined
          ? clock.setTimer(() => controller.abort(new TimeoutError(timeout)), timeout * 1000)
          : () => undefined
      try {
        const result = await raceAbort(
          Promise.resolve().then(() => body(controller.signal, n)),
          controller.signal,
        )
        const text = encodeCacheValue(result)
        if (text === undefined) log.warning('result is not plain JSON: not stored')
        const done = await store.transition(run.id, {
          to: 'Completed',
          from: RUNNING,
          at: clock.now(),
          by: engine.by,
          patch: { result: text ?? null },
        })
        if (done.ok) {
          emitState(engine, done.run)
          return result
        }
        // Cancelled from outside while the work was finishing.
        run = await move(engine, run, 'Cancelled', { message: 'cancelled' })
        throw new CancelledError()
      } catch (thrown) {
        const reason = controller.signal.aborted ? controller.signal.reason : thrown
        if (reason instanceof CancelledError || (await isCancelling(engine, run.id))) {
          await move(engine, run, 'Cancelled', { message: errorMessage(reason), soft: true })
          throw reason instanceof CancelledError ? reason : new CancelledError()
        }
        const message = errorMessage(reason)
        // Parameters that no longer fit the flow (edited code) fail at once: a retry cannot help.
        const retryable = !(reason instanceof FlowError && reason.code === 'invalid_parameters')
        const retries = retryable ? (options.retries ?? 0) : 0
        if (n <= retries) {
          const delay = retryDelayMs(options, n, engine.random)
          const scheduledAt = clock.now() + delay
          log.warning(`attempt ${n} failed: ${message}; retry ${n} of ${retries} in ${delay} ms`)
          run = await move(engine, run, 'AwaitingRetry', {
            from: RUNNING,
            scheduledAt,
            message,
            patch: { error: message },
          })
          if (mode === 'stored') throw reason
          await releaseLeases(engine, run, tags)
          try {
            await sleep(clock, delay, outer)
          } catch (abort) {
            await move(engine, run, 'Cancelled', { message: 'cancelled', soft: true })
            throw abort
          }
          run = await move(engine, run, 'Pending', { from: ['AwaitingRetry'] })
          continue
        }
        log.error(`failed: ${message}`)
        await move(engine, run, 'Failed', { from: RUNNING, message, patch: { error: message } })
        throw reason
      } finally {
        cancelTimer()
        outer.removeEventListener('abort', onOuterAbort)
      }
    } finally {
      await releaseLeases(engine, run, tags)
    }
  }
}

async function isCancelling(engine: Engine, runId: string): Promise<boolean> {
  const current = await engine.store.getRun(runId)
  return current?.state === 'Cancelling' || current?.state === 'Cancelled'
}

async function move(
  engine: Engine,
  run: FlowRun,
  to: StateType,
  options: {
    from?: readonly StateType[]
    scheduledAt?: number
    message?: string
    patch?: RunPatch
    /** Do not throw when refused (best effort while unwinding). */
    soft?: boolean
  },
): Promise<FlowRun> {
  const result = await engine.store.transition(run.id, {
    to,
    at: engine.clock.now(),
    by: engine.by,
    ...(options.from ? { from: options.from } : {}),
    ...(options.scheduledAt !== undefined ? { scheduledAt: options.scheduledAt } : {}),
    ...(options.message !== undefined ? { message: options.message } : {}),
    ...(options.patch ? { patch: options.patch } : {}),
  })
  if (result.ok) {
    if (result.changed) emitState(engine, result.run)
    return result.run
  }
  if (options.soft) return result.run ?? run
  if (result.run && (result.run.state === 'Cancelled' || result.run.state === 'Cancelling')) {
    throw new CancelledError()
  }
  throw new FlowError('not_found', `run ${run.id}: ${result.message}`)
}

export function emitState(engine: Engine, run: FlowRun): void {
  engine.emit({ type: 'state', run })
}

async function waitForLeases(
  engine: Engine,
  scope: Scope,
  run: FlowRun,
  tags: readonly string[],
  outer: AbortSignalLike,
): Promise<void> {
  let logged = false
  for (;;) {
    const now = engine.clock.now()
    const leases = await engine.store.acquireLeases({
      holderId: run.id,
      rootId: scope.rootId,
      tags,
      now,
      expiresAt: now + engine.leaseTtlMs,
    })
    if (leases) return
    if (!logged)
      scope.logs.write(run.id, 'info', `waiting for a concurrency slot (${tags.join(', ')})`)
    logged = true
    await sleep(engine.clock, engine.leasePollMs, outer)
  }
}

async function releaseLeases(engine: Engine, run: FlowRun, tags: readonly string[]) {
  if (tags.length > 0) await engine.store.releaseLeases({ holderId: run.id })
}
