import { systemClock } from './clock'
import type { Clock } from './clock'
import type { ArtifactFiles } from './context'
import { MemoryArtifactFiles } from './context'
import type { FlowDefinition, FlowRegistry } from './define'
import { executeFlowRun } from './engine'
import type { Engine, FlowEvent } from './engine'
import { CancelledError } from './errors'
import type { Executor } from './executor'
import { inlineExecutor } from './executor'
import { newAbortController, newId } from './platform'
import type { AbortControllerLike } from './platform'
import type { Random } from './random'
import { retryDelayMs } from './retry'
import { scheduleDeployments } from './scheduler'
import type { ScheduleTickResult, SchedulerOptions } from './scheduler'
import { ACTIVE_STATES } from './states'
import type { FlowRun, FlowStore, TransitionResult } from './store'
import { cancelRun, submitFlowRun } from './submit'
import type { SubmitOptions } from './submit'

export interface RunnerOptions {
  store: FlowStore
  flows: FlowRegistry
  clock?: Clock
  /** Runs executed at once by this runner (default 4). */
  concurrency?: number
  id?: string
  /** How often to look for due runs (default 500 ms). */
  pollMs?: number
  /** How often to heartbeat held runs and renew their leases (default 5 s). */
  heartbeatMs?: number
  /** A held run whose heartbeat is older than this is taken for crashed (default 30 s). */
  staleAfterMs?: number
  /** Concurrency lease lifetime; renewed on every heartbeat (default 30 s). */
  leaseTtlMs?: number
  leasePollMs?: number
  random?: Random
  executor?: Executor
  files?: ArtifactFiles
  /** Errors of a background pass (store down…); the pass is retried on the next period. */
  onError?: (error: unknown) => void
  /** Run the deployment scheduler in this runner (default on, every 5 s); false to leave it out. */
  scheduler?: (SchedulerOptions & { intervalMs?: number }) | false
}

export interface TickResult {
  recovered: number
  claimed: number
  scheduled: ScheduleTickResult | null
}

interface ActiveRun {
  controller: AbortControllerLike
  done: Promise<void>
}

/**
 * Claims due runs from the store (a claim is a conditional transition, so two runners never get
 * the same run), executes up to `concurrency` of them, heartbeats them, notices cancellation, and
 * turns runs whose holder stopped heartbeating into Crashed, retried per their flow's policy.
 */
export class Runner {
  readonly id: string
  readonly store: FlowStore
  readonly flows: FlowRegistry
  readonly clock: Clock
  readonly concurrency: number
  readonly #engine: Engine
  readonly #o: Required<
    Pick<RunnerOptions, 'pollMs' | 'heartbeatMs' | 'staleAfterMs' | 'leaseTtlMs'>
  >
  readonly #scheduler: (SchedulerOptions & { intervalMs?: number }) | false
  readonly #random: Random
  readonly #onError: (error: unknown) => void
  readonly #active = new Map<string, ActiveRun>()
  readonly #listeners = new Set<(event: FlowEvent) => void>()
  #nextScheduleAt = -Infinity
  #nextRecoverAt = -Infinity
  #claiming: Promise<number> | null = null
  #claimAgain = false
  #running = false
  readonly #timers = new Map<string, () => void>()
  readonly #inflight = new Set<Promise<unknown>>()

  constructor(options: RunnerOptions) {
    this.id = options.id ?? `runner-${newId()}`
    this.store = options.store
    this.flows = options.flows
    this.clock = options.clock ?? systemClock
    this.concurrency = options.concurrency ?? 4
    this.#random = options.random ?? Math.random
    this.#onError = options.onError ?? (() => undefined)
    this.#o = {
      pollMs: options.pollMs ?? 500,
      heartbeatMs: options.heartbeatMs ?? 5_000,
      staleAfterMs: options.staleAfterMs ?? 30_000,
      leaseTtlMs: options.leaseTtlMs ?? 30_000,
    }
    this.#scheduler = options.scheduler ?? {}
    this.#engine = {
      store: this.store,
      clock: this.clock,
      random: this.#random,
      executor: options.executor ?? inlineExecutor,
      files: options.files ?? new MemoryArtifactFiles(),
      by: this.id,
      leaseTtlMs: this.#o.leaseTtlMs,
      leasePollMs: options.leasePollMs ?? 1_000,
      emit: (event) => {
        for (const listener of this.#listeners) listener(event)
      },
    }
  }

  /** Live state, progress, log and artifact events (the server forwards them over SSE). */
  subscribe(listener: (event: FlowEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get activeRunIds(): string[] {
    return [...this.#active.keys()]
  }

  submit<P>(
    definition: FlowDefinition<P, unknown>,
    params: unknown,
    options: Partial<SubmitOptions> = {},
  ) {
    return submitFlowRun(this.store, definition, params, { now: this.clock.now(), ...options })
  }

  /** Cancels a run; a run this runner executes is aborted at once. */
  async cancel(runId: string): Promise<TransitionResult> {
    const result = await cancelRun(this.store, runId, this.clock.now(), this.id)
    if (result.ok && (result.run.state === 'Cancelling' || result.run.state === 'Cancelled')) {
      this.#active.get(runId)?.controller.abort(new CancelledError())
    }
    return result
  }

  /** One pass: recover crashed runs, run the scheduler when due, claim and start due runs. */
  async tick(): Promise<TickResult> {
    const now = this.clock.now()
    // Crash detection works on heartbeat age: looking once per heartbeat period is enough.
    let recovered = 0
    if (now >= this.#nextRecoverAt) {
      this.#nextRecoverAt = now + Math.min(this.#o.heartbeatMs, this.#o.staleAfterMs)
      recovered = await this.recover()
    }
    let scheduled: ScheduleTickResult | null = null
    if (this.#scheduler && now >= this.#nextScheduleAt) {
      this.#nextScheduleAt = now + (this.#scheduler.intervalMs ?? 5_000)
      scheduled = await scheduleDeployments(this.store, now, this.#scheduler)
    }
    const claimed = await this.claim()
    return { recovered, claimed, scheduled }
  }

  /**
   * Claims as many due runs as there are free slots and starts them. Calls made while a claim is
   * in flight are folded into one more pass after it (a thousand runs finishing at once cost two
   * claims, not a thousand).
   */
  claim(): Promise<number> {
    if (this.#claiming) {
      this.#claimAgain = true
      return this.#claiming
    }
    const work = (async () => {
      let total = 0
      do {
        this.#claimAgain = false
        total += await this.#claimOnce()
      } while (this.#claimAgain)
      return total
    })()
    this.#claiming = work
    return work.finally(() => {
      this.#claiming = null
    })
  }

  async #claimOnce(): Promise<number> {
    const free = this.concurrency - this.#active.size
    if (free <= 0) return 0
    const runs = await this.store.claimRuns({
      now: this.clock.now(),
      limit: free,
      by: this.id,
      names: this.flows.names(),
    })
    for (const run of runs) this.#start(run)
    return runs.length
  }

  #start(run: FlowRun): void {
    const definition = this.flows.require(run.name)
    this.#engine.emit({ type: 'state', run })
    const controller = newAbortController()
    const done = executeFlowRun(this.#engine, run, definition, controller.signal).finally(() => {
      this.#active.delete(run.id)
      if (this.#running) void this.claim().catch(() => undefined)
    })
    this.#active.set(run.id, { controller, done })
  }

  /** Touches held runs, renews their leases, and aborts the ones cancelled from elsewhere. */
  async heartbeat(): Promise<void> {
    if (this.#active.size === 0) return
    const now = this.clock.now()
    const states = await this.store.heartbeat({
      by: this.id,
      runIds: [...this.#active.keys()],
      now,
      leaseExpiresAt: now + this.#o.leaseTtlMs,
    })
    for (const { id, state } of states) {
      if (state === 'Cancelling') this.#active.get(id)?.controller.abort(new CancelledError())
    }
  }

  /**
   * Runs held by a runner that stopped heartbeating (a killed process) become Crashed, their
   * leases are released and their tasks and subflows closed, then they are retried (stored
   * AwaitingRetry) when their flow's retries allow; a run that never started is always retried.
   */
  async recover(): Promise<number> {
    const now = this.clock.now()
    const cutoff = now - this.#o.staleAfterMs
    const stale = await this.store.listStaleRuns(cutoff)
    let recovered = 0
    for (const run of stale) {
      if (this.#active.has(run.id)) continue
      const message = `runner ${run.claimedBy ?? '?'} stopped heartbeating`
      const cancelled = run.state === 'Cancelling'
      const crashed = await this.store.transition(run.id, {
        to: cancelled ? 'Cancelled' : 'Crashed',
        from: [run.state],
        staleBefore: cutoff,
        at: now,
        by: this.id,
        message,
      })
      if (!crashed.ok || !crashed.changed) continue
      recovered += 1
      this.#engine.emit({ type: 'state', run: crashed.run })
      await this.store.releaseLeases({ rootId: run.id })
      await this.#closeDescendants(run.id, now)
      if (cancelled) continue
      const definition = this.flows.get(run.name)
      const retries = definition?.options.retries ?? 0
      if (!definition || (run.attempt > retries && run.attempt > 0)) continue
      const delay = retryDelayMs(definition.options, Math.max(1, run.attempt), this.#random)
      const retry = await this.store.transition(run.id, {
        to: 'AwaitingRetry',
        from: ['Crashed'],
        scheduledAt: now + delay,
        at: now,
        by: this.id,
        message: `retry after crash (attempt ${run.attempt} of ${retries + 1})`,
      })
      if (retry.ok && retry.changed) this.#engine.emit({ type: 'state', run: retry.run })
    }
    return recovered
  }

  async #closeDescendants(rootId: string, now: number): Promise<void> {
    const page = await this.store.listRuns({
      rootId,
      states: [...ACTIVE_STATES, 'AwaitingRetry'],
      limit: 10_000,
    })
    for (const child of page.runs) {
      if (child.id === rootId) continue
      await this.store.transition(child.id, {
        to: child.state === 'AwaitingRetry' ? 'Cancelled' : 'Crashed',
        from: [child.state],
        at: now,
        by: this.id,
        message: 'its flow run crashed',
      })
    }
  }

  /** Keeps a loop's pass so stop() can wait for it; errors are left to the next pass. */
  #track(work: Promise<unknown>): Promise<unknown> {
    const settled = work.catch((error: unknown) => this.#onError(error))
    this.#inflight.add(settled)
    return settled.finally(() => this.#inflight.delete(settled))
  }

  /** Starts polling, scheduling and heartbeating on the clock. */
  start(): void {
    if (this.#running) return
    this.#running = true
    const loop = (name: string, ms: number, fn: () => Promise<unknown>) => {
      const arm = () => {
        const cancel = this.clock.setTimer(() => {
          this.#track(fn()).finally(() => {
            if (this.#running) arm()
          })
        }, ms)
        this.#timers.set(name, cancel)
      }
      arm()
    }
    void this.#track(this.tick())
    loop('poll', this.#o.pollMs, () => this.tick())
    loop('heartbeat', this.#o.heartbeatMs, () => this.heartbeat())
  }

  /** Stops taking work; waits for the runs in progress (or cancels them with `cancel: true`). */
  async stop(options: { cancel?: boolean } = {}): Promise<void> {
    this.#running = false
    for (const cancel of this.#timers.values()) cancel()
    this.#timers.clear()
    await Promise.all(this.#inflight)
    if (options.cancel) {
      for (const id of this.#active.keys()) await this.cancel(id)
    }
    await this.idle()
  }

  /** Resolves when no run is in progress here. */
  async idle(): Promise<void> {
    while (this.#active.size > 0) {
      await Promise.allSettled([...this.#active.values()].map((a) => a.done))
    }
  }
}
