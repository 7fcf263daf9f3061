import { join } from 'node:path'
import { FlowRegistry, Runner } from '@loupe/flows'
import type { FlowDefinition, FlowEvent, FlowStore, SchedulerOptions } from '@loupe/flows'
import type { Backend } from '../cluster/backend'
import type { LoupeConfig } from '../config'
import type { Logger } from '../logger'
import type { RoomAccess } from '../relay/room-access'
import { openDatabase } from '../storage/sqlite'
import { DirArtifactFiles } from './artifact-files'
import { WorkerThreadExecutor } from './executor'
import { builtinFlows } from './builtin'
import { PostgresFlowStore } from './postgres-store'
import { PgBossDispatch, inProcessDispatch } from './queue'
import type { FlowDispatch } from './queue'
import { pruneRuns } from './retention'
import type { PruneResult, RunRetention } from './retention'
import { SqliteFlowStore } from './sqlite-store'

/** Tuning of the flow service; tests shorten the timings and add flows of their own. */
export interface FlowServiceOptions {
  /** Flows registered next to the built-in ones. */
  extraFlows?: readonly FlowDefinition[]
  pollMs?: number
  heartbeatMs?: number
  staleAfterMs?: number
  /** How often the deployment scheduler runs (default 1 s, so one-second intervals keep time). */
  schedulerIntervalMs?: number
  scheduler?: SchedulerOptions
  /** How long close() waits for runs in progress before cancelling them (default 5 s). */
  stopGraceMs?: number
  /** How often ended runs past retention are deleted (default hourly; the first pass 1 min in). */
  retentionIntervalMs?: number
}

export interface FlowServiceDeps {
  config: LoupeConfig
  backend: Pick<Backend, 'mode' | 'meta' | 'blobs' | 'instance' | 'postgres'>
  rooms: RoomAccess
  logger: Logger
  options?: FlowServiceOptions
}

/**
 * Where flow runs, deployments, logs and leases live, chosen by mode (DESIGN.md §4): the embedded
 * SQLite file in the data dir, runs dispatched in-process; with `DATABASE_URL`, PostgreSQL (the
 * backend's pool) and pg-boss on the same database (`openFlowQueue` below, queue.ts).
 */
export interface FlowQueue {
  kind: 'sqlite' | 'pg-boss'
  store: FlowStore
  /** True when no other process can hold runs of this store (crashed runs recovered at once). */
  exclusive: boolean
  /** How due runs reach the runner (in-process, or pg-boss across instances). */
  dispatch?: FlowDispatch
}

export async function openFlowQueue(
  config: LoupeConfig,
  backend: Pick<Backend, 'mode' | 'postgres'>,
  logger: Logger,
  options: FlowServiceOptions = {},
): Promise<FlowQueue> {
  if (backend.postgres && config.databaseUrl) {
    const store = await PostgresFlowStore.open(backend.postgres)
    const dispatch = new PgBossDispatch({
      url: config.databaseUrl,
      schema: backend.postgres.schema,
      store,
      logger,
      intervalMs: options.schedulerIntervalMs,
      scheduler: options.scheduler,
    })
    return { kind: 'pg-boss', store, exclusive: false, dispatch }
  }
  const store = new SqliteFlowStore(openDatabase(join(config.dataDir, 'flows.sqlite')))
  if (backend.mode !== 'embedded') {
    logger.warn('flows: runs kept in the data dir SQLite file (pg-boss queue not available yet)', {
      mode: backend.mode,
    })
  }
  return {
    kind: 'sqlite',
    store,
    exclusive: backend.mode === 'embedded',
    dispatch: inProcessDispatch,
  }
}

/** The flow engine of one server instance: store, registry, artifact files and the runner. */
export class FlowService {
  readonly store: FlowStore
  readonly flows: FlowRegistry
  readonly files: DirArtifactFiles
  readonly runner: Runner
  readonly queue: FlowQueue
  readonly #logger: Logger
  readonly #stopGraceMs: number
  readonly #executor = new WorkerThreadExecutor()
  readonly #retention: RunRetention
  readonly #retentionIntervalMs: number
  #retentionTimer: NodeJS.Timeout | null = null
  #pruning: Promise<PruneResult> | null = null
  #closing: Promise<void> | null = null

  private constructor(deps: FlowServiceDeps, queue: FlowQueue) {
    const o = deps.options ?? {}
    this.queue = queue
    this.store = queue.store
    this.#logger = deps.logger
    this.#stopGraceMs = o.stopGraceMs ?? 5_000
    this.#retention = {
      days: deps.config.runRetentionDays,
      perDeployment: deps.config.runRetentionPerDeployment,
    }
    this.#retentionIntervalMs = o.retentionIntervalMs ?? 3_600_000
    this.files = new DirArtifactFiles(deps.config.artifactDir)
    this.flows = new FlowRegistry([
      ...builtinFlows(
        {
          rooms: deps.rooms,
          blobs: deps.backend.blobs,
          meta: deps.backend.meta,
          files: this.files,
          store: this.store,
          logger: deps.logger,
        },
        deps.config.artifactDir,
      ),
      ...(o.extraFlows ?? []),
    ])
    this.runner = new Runner({
      store: this.store,
      flows: this.flows,
      concurrency: deps.config.flowConcurrency,
      id: `runner-${deps.backend.instance}`,
      files: this.files,
      // Isolated tasks (`task(fn, { entry })`) run in worker threads a timeout or cancel terminates.
      executor: this.#executor,
      pollMs: o.pollMs ?? queue.dispatch?.pollMs ?? 250,
      heartbeatMs: o.heartbeatMs ?? 5_000,
      staleAfterMs: o.staleAfterMs ?? 30_000,
      scheduler: (queue.dispatch?.runnerSchedules ?? true) && {
        intervalMs: o.schedulerIntervalMs ?? 1_000,
        ...o.scheduler,
      },
    })
    this.runner.subscribe((event) => {
      if (event.type === 'state' && event.run.kind === 'flow' && event.run.parentId === null) {
        deps.logger.debug('flow run', {
          id: event.run.id,
          flow: event.run.name,
          state: event.run.state,
        })
      }
    })
  }

  /**
   * Opens the store, recovers runs a previous process left behind (at once when this process is
   * the store's only user; otherwise by heartbeat age), then starts scheduling and running.
   */
  static async start(deps: FlowServiceDeps): Promise<FlowService> {
    const queue = await openFlowQueue(deps.config, deps.backend, deps.logger, deps.options)
    const service = new FlowService(deps, queue)
    if (service.queue.exclusive) {
      const recovery = new Runner({
        store: service.store,
        flows: service.flows,
        staleAfterMs: 0,
        scheduler: false,
        id: service.runner.id,
      })
      const recovered = await recovery.recover()
      if (recovered > 0) deps.logger.info('flows: recovered crashed runs', { recovered })
    }
    service.runner.start()
    await service.queue.dispatch?.start(service.runner)
    service.#scheduleRetention(Math.min(60_000, service.#retentionIntervalMs))
    return service
  }

  /**
   * Deletes ended runs past retention (`LOUPE_RUN_RETENTION_DAYS`, `…_PER_DEPLOYMENT`) with their
   * logs and files; one pass at a time per instance.
   */
  pruneRuns(now = Date.now()): Promise<PruneResult> {
    this.#pruning ??= pruneRuns(
      { store: this.store, files: this.files, flows: this.flows, logger: this.#logger },
      this.#retention,
      now,
    ).finally(() => {
      this.#pruning = null
    })
    return this.#pruning
  }

  #scheduleRetention(delayMs: number): void {
    if (this.#closing) return
    this.#retentionTimer = setTimeout(() => {
      this.pruneRuns()
        .catch((error: unknown) =>
          this.#logger.error('flows: run retention failed', { error: String(error) }),
        )
        .finally(() => this.#scheduleRetention(this.#retentionIntervalMs))
    }, delayMs)
    this.#retentionTimer.unref()
  }

  /** Live state, progress, log and artifact events of the runs this instance executes. */
  subscribe(listener: (event: FlowEvent) => void): () => void {
    return this.runner.subscribe(listener)
  }

  /** Stops claiming, lets runs in progress finish for a grace period, cancels the rest, closes. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#retentionTimer) clearTimeout(this.#retentionTimer)
      await this.#pruning?.catch(() => undefined)
      await this.queue.dispatch?.stop()
      const stopped = this.runner.stop()
      let timer: NodeJS.Timeout | undefined
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.#stopGraceMs)
      })
      const outcome = await Promise.race([stopped.then(() => 'stopped' as const), graceOver])
      clearTimeout(timer)
      if (outcome === 'timeout') {
        this.#logger.warn('flows: cancelling runs still in progress at shutdown', {
          runs: this.runner.activeRunIds,
        })
        await this.runner.stop({ cancel: true })
      }
      await this.#executor.close()
      await this.store.close()
    })()
    return this.#closing
  }
}
