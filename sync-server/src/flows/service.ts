import { FlowRegistry, Runner } from '@loupe/flows'
import type { ArtifactFiles, FlowDefinition, FlowEvent, RunnerOptions } from '@loupe/flows'
import type { SqliteDatabase } from '../storage/sqlite'
import { WorkerThreadExecutor } from './executor'
import { SqliteFlowStore } from './sqlite-store'

export interface FlowServiceOptions {
  /** The server's SQLite handle (openDatabase); flows keep their tables beside the others. */
  db: SqliteDatabase
  flows: readonly FlowDefinition[]
  /** Where file artifacts' bytes go (the blob folder); in memory when omitted. */
  files?: ArtifactFiles
  /** Runner settings (concurrency, poll and heartbeat periods, scheduler options…). */
  runner?: Omit<RunnerOptions, 'store' | 'flows' | 'executor' | 'files'>
}

/**
 * The embedded-mode flow engine: SQLite store, worker-thread executor, one runner with the
 * scheduler. `startServer` creates it, calls `start()` once listening and `stop()` on shutdown;
 * REST handlers use `store`, `registry` and `runner` (submit, cancel, subscribe for SSE).
 */
export class FlowService {
  readonly store: SqliteFlowStore
  readonly registry: FlowRegistry
  readonly executor = new WorkerThreadExecutor()
  readonly runner: Runner

  constructor(options: FlowServiceOptions) {
    this.store = new SqliteFlowStore(options.db)
    this.registry = new FlowRegistry(options.flows)
    this.runner = new Runner({
      ...options.runner,
      store: this.store,
      flows: this.registry,
      executor: this.executor,
      ...(options.files ? { files: options.files } : {}),
    })
  }

  start(): void {
    this.runner.start()
  }

  subscribe(listener: (event: FlowEvent) => void): () => void {
    return this.runner.subscribe(listener)
  }

  /** Stops claiming, cancels runs in progress (they are retried per policy if the server dies instead). */
  async stop(): Promise<void> {
    await this.runner.stop({ cancel: true })
    await this.executor.close()
  }
}
