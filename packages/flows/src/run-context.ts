import { decodeCacheValue, defaultCacheKey, encodeCacheValue, isFresh } from './cache'
import { sleep } from './clock'
import type { Artifacts, FlowContext, RunContext, TaskContext } from './context'
import type { FlowDefinition, TaskDefinition } from './define'
import { attempt, emitState } from './attempt'
import type { Engine, Scope } from './attempt'
import { newId } from './platform'
import { materializeRun } from './store-rules'
import type { AbortSignalLike } from './platform'
import type { Artifact, FlowRun, NewRun, RunProgress } from './store'

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

export function flowContext(
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
  let run: FlowRun
  if (startRunning && store.ordered) {
    // Pipelined: the store applies calls in order, so the creation need not be waited for; a
    // short task's creation and completion then share one commit.
    const input: NewRun = { ...base, id: newId(), state: 'Running', attempt: 1 }
    const now = clock.now()
    run = materializeRun(input, now)
    void store.createRun(input, now).catch(() => undefined)
  } else {
    run = (
      await store.createRun(
        startRunning ? { ...base, state: 'Running', attempt: 1 } : base,
        clock.now(),
      )
    ).run
  }
  emitState(engine, run)
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
