import { decodeCacheValue, defaultCacheKey, encodeCacheValue, isFresh } from './cache'
import type { Clock } from './clock'
import { sleep } from './clock'
import type { ArtifactFiles, Artifacts, FlowContext, RunContext, TaskContext } from './context'
import type { FlowDefinition, FlowOptions, TaskDefinition } from './define'
import { CancelledError, FlowError, TimeoutError, errorMessage } from './errors'
import type { Executor } from './executor'
import { raceAbort } from './executor'
import { LogWriter } from './log-writer'
import { newAbortController, newId } from './platform'
import type { AbortSignalLike } from './platform'
import type { Random } from './random'
import { retryDelayMs } from './retry'
import type { StateType } from './states'
import type { Artifact, FlowRun, FlowStore, LogEntry, NewRun, RunPatch, RunProgress } from './store'

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
interface Scope {
  rootId: string
  logs: LogWriter
  lastProgressAt: number
}

type Body<R> = (signal: AbortSignalLike, attempt: number) => Promise<R>

interface RunOptionsLike {
  retries?: number
  retryDelaySeconds?: FlowOptions<unknown>['retryDelaySeconds']
  retryJitterFactor?: number
  timeoutSeconds?: number
}

const RUNNING: readonly StateType[] = ['Running', 'Retrying']

/**
 * Executes a claimed (Pending) top-level flow run once. It never sleeps for a retry: a failed
 * attempt with retries left is stored as AwaitingRetry with its next time, for any runner to
 * claim when due. Resolves when the run is left in a state; never rejects for the flow's own errors.
 */
export async function executeFlowRun(
  engine: Engine,
  run: FlowRun,
  definition: FlowDefinition,
  outer: AbortSignalLike,
): Promise<void> {
  const scope: Scope = {
    rootId: run.id,
    logs: new LogWriter(engine.store, engine.clock, run.id, (entry) =>
      engine.emit({ type: 'log', entry }),
    ),
    lastProgressAt: -Infinity,
  }
  try {
    await attempt(engine, scope, run, definition.options, 'stored', outer, async (signal, n) =>
      definition.fn(definition.parse(run.parameters), flowContext(engine, scope, run, n, signal)),
    )
  } catch {
    // Recorded in the run's state.
  } finally {
    await scope.logs.flush()
  }
}

/**
 * Runs attempts of one run. `stored`: a retry is left AwaitingRetry for the runner (top-level);
 * `inline`: the retry time is stored, then waited for here (tasks and subflows live inside their
 * parent's call stack; if the process dies, the top-level run's own retry policy takes over).
 */
async function attempt<R>(
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

function emitState(engine: Engine, run: FlowRun): void {
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

function baseContext(
  engine: Engine,
  scope: Scope,
  run: FlowRun,
  attemptNumber: number,
  signal: AbortSignalLike,
): RunContext {
  return {
    runId: run.id,
    rootId: scope.rootId,
    name: run.name,
    attempt: attemptNumber,
    signal,
    log: scope.logs.logger(run.id),
    progress(fraction, message) {
      const progress: RunProgress = {
        fraction: Math.min(1, Math.max(0, fraction)),
        ...(message !== undefined ? { message } : {}),
      }
      engine.emit({ type: 'progress', rootId: scope.rootId, runId: run.id, progress })
      const now = engine.clock.now()
      if (now - scope.lastProgressAt < 100 && progress.fraction < 1) return
      scope.lastProgressAt = now
      void engine.store.setProgress(scope.rootId, progress).catch(() => undefined)
    },
    artifacts: artifacts(engine, scope, run),
    now: () => engine.clock.now(),
    sleep: (ms) => sleep(engine.clock, ms, signal),
  }
}

function artifacts(engine: Engine, scope: Scope, run: FlowRun): Artifacts {
  const add = async (
    key: string,
    type: Artifact['type'],
    data: unknown,
    description?: string,
  ): Promise<Artifact> => {
    const artifact: Artifact = {
      id: newId(),
      rootId: scope.rootId,
      runId: run.id,
      key,
      type,
      description: description ?? null,
      data,
      createdAt: engine.clock.now(),
    }
    await engine.store.addArtifact(artifact)
    engine.emit({ type: 'artifact', artifact })
    return artifact
  }
  return {
    markdown: (key, markdown, description) => add(key, 'markdown', { markdown }, description),
    table: (key, rows, description) => add(key, 'table', { rows }, description),
    link: (key, url, text, description) =>
      add(key, 'link', { url, text: text ?? url }, description),
    async file(key, file) {
      const ref = await engine.files.put(scope.rootId, file.name, file.data)
      const data = { name: file.name, mimeType: file.mimeType, size: file.data.byteLength, ref }
      return add(key, 'file', data, file.description)
    },
  }
}

function flowContext(
  engine: Engine,
  scope: Scope,
  run: FlowRun,
  attemptNumber: number,
  signal: AbortSignalLike,
): FlowContext {
  return {
    ...baseContext(engine, scope, run, attemptNumber, signal),
    run: (definition, input) => runTask(engine, scope, run, signal, definition, input),
    subflow: (definition, params) => runSubflow(engine, scope, run, signal, definition, params),
  }
}

async function runTask<I, R>(
  engine: Engine,
  scope: Scope,
  parent: FlowRun,
  signal: AbortSignalLike,
  definition: TaskDefinition<I, R>,
  input: I,
): Promise<R> {
  if (signal.aborted) throw signal.reason
  const { store, clock } = engine
  const options = definition.options
  const caching = options.cache === true || options.cacheKey !== undefined
  const key = caching
    ? (options.cacheKey?.(input) ?? defaultCacheKey(definition.name, options.version, input))
    : null
  const base: NewRun = {
    kind: 'task',
    name: definition.name,
    parentId: parent.id,
    rootId: scope.rootId,
    parameters: encodeCacheValue(input) !== undefined ? (input ?? null) : null,
    tags: options.tags ?? [],
    state: 'Pending',
    scheduledAt: clock.now(),
    claimedBy: engine.by,
  }
  if (key !== null && options.refreshCache !== true) {
    const entry = await store.getCacheEntry(key)
    if (entry && isFresh(entry, clock.now())) {
      const created = await store.createRun(
        { ...base, state: 'Cached', result: entry.value, stateMessage: `cache hit ${key}` },
        clock.now(),
      )
      emitState(engine, created.run)
      return decodeCacheValue(entry.value) as R
    }
  }
  // Without tags there is nothing to wait for: the task run starts Running (one write less).
  const startRunning = (options.tags ?? []).length === 0
  const created = await store.createRun(
    startRunning ? { ...base, state: 'Running', attempt: 1 } : base,
    clock.now(),
  )
  emitState(engine, created.run)
  const run = created.run
  const result = await attempt(engine, scope, run, options, 'inline', signal, (taskSignal, n) => {
    if (options.entry) {
      return engine.executor.execute(
        { entry: options.entry, input, runId: run.id },
        taskSignal,
      ) as Promise<R>
    }
    const ctx: TaskContext = baseContext(engine, scope, run, n, taskSignal)
    return Promise.resolve(definition.fn(input, ctx))
  })
  if (key !== null) {
    const value = encodeCacheValue(result)
    if (value === undefined) {
      scope.logs.write(run.id, 'warning', 'result is not plain JSON: not cached')
    } else {
      const now = clock.now()
      const ttl = options.cacheExpirationSeconds
      await store.putCacheEntry({
        key,
        value,
        runId: run.id,
        createdAt: now,
        expiresAt: ttl === undefined ? null : now + ttl * 1000,
      })
    }
  }
  return result
}

async function runSubflow<P, R>(
  engine: Engine,
  scope: Scope,
  parent: FlowRun,
  signal: AbortSignalLike,
  definition: FlowDefinition<P, R>,
  params: P,
): Promise<R> {
  if (signal.aborted) throw signal.reason
  const parsed = definition.parse(params)
  const created = await engine.store.createRun(
    {
      kind: 'flow',
      name: definition.name,
      parentId: parent.id,
      rootId: scope.rootId,
      parameters: parsed,
      tags: definition.options.tags ?? [],
      state: 'Pending',
      scheduledAt: engine.clock.now(),
      claimedBy: engine.by,
    },
    engine.clock.now(),
  )
  emitState(engine, created.run)
  const run = created.run
  return attempt(engine, scope, run, definition.options, 'inline', signal, (childSignal, n) =>
    Promise.resolve(definition.fn(parsed, flowContext(engine, scope, run, n, childSignal))),
  )
}
