import type { Clock } from './clock'
import type { Logger } from './context'
import type { FlowStore, LogEntry, LogLevel } from './store'

/** Batches a run tree's log lines into the store (one append per burst), in order. */
export class LogWriter {
  #pending: LogEntry[] = []
  #chain: Promise<void> = Promise.resolve()
  #scheduled = false

  constructor(
    private readonly store: FlowStore,
    private readonly clock: Clock,
    readonly rootId: string,
    private readonly emit: (entry: LogEntry) => void,
  ) {}

  write(runId: string, level: LogLevel, message: string): void {
    const entry: LogEntry = { rootId: this.rootId, runId, at: this.clock.now(), level, message }
    this.#pending.push(entry)
    this.emit(entry)
    if (this.#scheduled) return
    this.#scheduled = true
    this.#chain = this.#chain.then(async () => {
      this.#scheduled = false
      const batch = this.#pending
      this.#pending = []
      if (batch.length > 0) await this.store.appendLogs(batch).catch(() => undefined)
    })
  }

  logger(runId: string): Logger {
    return {
      debug: (m) => this.write(runId, 'debug', m),
      info: (m) => this.write(runId, 'info', m),
      warning: (m) => this.write(runId, 'warning', m),
      error: (m) => this.write(runId, 'error', m),
    }
  }

  /** Resolves once every line written so far is in the store. */
  async flush(): Promise<void> {
    await this.#chain
    if (this.#pending.length > 0) {
      const batch = this.#pending
      this.#pending = []
      await this.store.appendLogs(batch).catch(() => undefined)
    }
  }
}
