import { createHash } from 'node:crypto'
import { scheduleDeployments } from '@loupe/flows'
import type { FlowRun, FlowStore, Runner, SchedulerOptions, StateType } from '@loupe/flows'
import pg from 'pg'
import PgBoss from 'pg-boss'
import type { Logger } from '../logger'

/**
 * How due flow runs reach a runner (DESIGN.md §4: one implementation per mode).
 * - embedded: nothing extra; the runner schedules deployments and polls its store in-process;
 * - cluster (`DATABASE_URL`): `PgBossDispatch`, pg-boss on the same PostgreSQL.
 * Either way the store's claim (a conditional transition in one transaction) decides who runs a
 * run: a dispatch only brings runners to it, so a duplicate or late delivery cannot run it twice.
 */
export interface FlowDispatch {
  readonly kind: 'in-process' | 'pg-boss'
  /** True: the runner runs the deployment scheduler itself. False: the dispatch does. */
  readonly runnerSchedules: boolean
  /** The runner's own poll period, when the dispatch wants another than the default. */
  readonly pollMs?: number
  /** Starts delivering to this (started) runner. */
  start(runner: Runner): Promise<void>
  /** Stops delivering; called before the runner stops. */
  stop(): Promise<void>
}

export const inProcessDispatch: FlowDispatch = {
  kind: 'in-process',
  runnerSchedules: true,
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
}

export const FLOW_RUN_QUEUE = 'loupe-flow-run'
/** First key of the session advisory lock held by the instance that schedules deployments. */
const SCHEDULER_LOCK = 0x10_5c
/** First key of the advisory lock around pg-boss queue creation. */
const QUEUE_LOCK = 0x10_5d
const CLAIMABLE: ReadonlySet<StateType> = new Set(['Scheduled', 'Late', 'AwaitingRetry'])

export interface PgBossDispatchOptions {
  /** `DATABASE_URL`. */
  url: string
  /** The Loupe schema; the scheduler lock is per schema. */
  schema: string
  /** pg-boss's own schema (default `pgboss` for `public`, else `<schema>_pgboss`). */
  bossSchema?: string
  store: FlowStore
  logger: Logger
  /** Scheduler pass period of the leading instance (default 1 s: one-second intervals keep time). */
  intervalMs?: number
  scheduler?: SchedulerOptions
  /** Runs due within this much of a pass are enqueued by it (default 2 × intervalMs). */
  lookaheadMs?: number
  /** pg-boss fetch period of each worker (default 0.5 s, pg-boss's minimum). */
  pollingIntervalSeconds?: number
  /** The runner's fallback poll (default 2 s): catches runs whose job was lost or exhausted. */
  runnerPollMs?: number
}

/** A stable UUID from a string: the job of one run at one scheduled time is enqueued once. */
function jobId(key: string): string {
  const h = createHash('sha256').update(key).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/**
 * Cluster dispatch on pg-boss over the same PostgreSQL:
 * - scheduling happens once across instances: the instance holding a session advisory lock
 *   (released by PostgreSQL when its connection dies, so another instance takes over on its next
 *   pass) runs the deployment scheduler, marks late runs and applies missed-run policies, then
 *   enqueues one pg-boss job per claimable run due soon (`startAfter` = its time, a job id derived
 *   from run id + time, so re-enqueueing is a no-op);
 * - every instance works the queue: a job makes the local runner claim due runs from the store
 *   (`FOR UPDATE SKIP LOCKED`); the job completes once its run is claimed by anyone (or gone) and is
 *   retried by pg-boss while the run is still waiting (no free slot here);
 * - crash recovery stays the store's: any instance's runner turns a run whose holder stopped
 *   heartbeating into Crashed → AwaitingRetry per the flow's retries, and the next scheduler pass
 *   enqueues the retry.
 * pg-boss cannot hand a job's run to the engine directly (the Runner claims due runs itself and
 * holds a run for as long as it executes, heartbeating it in the store), so a job is a delivery,
 * never the lock on a run: that is the store's claim.
 */
export class PgBossDispatch implements FlowDispatch {
  readonly kind = 'pg-boss'
  readonly runnerSchedules = false
  readonly pollMs: number
  readonly boss: PgBoss
  readonly #o: PgBossDispatchOptions
  readonly #intervalMs: number
  readonly #lookaheadMs: number
  readonly #bossSchema: string
  /** Jobs this instance enqueued (id → run time), so a pass does not send them again. */
  readonly #sent = new Map<string, number>()
  #runner: Runner | null = null
  #lockClient: pg.Client | null = null
  #leader = false
  #timer: NodeJS.Timeout | null = null
  #pass: Promise<void> | null = null
  #stopped = false

  constructor(options: PgBossDispatchOptions) {
    this.#o = options
    this.#intervalMs = options.intervalMs ?? 1_000
    this.#lookaheadMs = options.lookaheadMs ?? 2 * this.#intervalMs
    this.pollMs = options.runnerPollMs ?? 2_000
    this.#bossSchema =
      options.bossSchema ?? (options.schema === 'public' ? 'pgboss' : `${options.schema}_pgboss`)
    this.boss = new PgBoss({
      connectionString: options.url,
      schema: this.#bossSchema,
      max: 3,
      schedule: false,
      // A job only says "this run is due": the run's record is the store's. Completed jobs go after
      // an hour (default: a week, ~600k rows for a one-second deployment).
      deleteAfterHours: 1,
      application_name: 'loupe-flows',
    })
    this.boss.on('error', (error: unknown) =>
      options.logger.warn('flows: pg-boss error', { error: String(error) }),
    )
  }

  /** True while this instance holds the scheduler lock. */
  get leader(): boolean {
    return this.#leader
  }

  async start(runner: Runner): Promise<void> {
    this.#runner = runner
    await this.boss.start() // migrates its schema under its own advisory lock
    await this.#createQueue()
    await this.boss.work<{ runId: string; scheduledAt: number }>(
      FLOW_RUN_QUEUE,
      { pollingIntervalSeconds: this.#o.pollingIntervalSeconds ?? 0.5, batchSize: 4 },
      (jobs) => this.#deliver(jobs),
    )
    this.#arm(0)
  }

  /**
   * pg-boss 10's `createQueue` deadlocks when instances create the same queue at the same moment
   * (its partition's foreign key vs. the queue row insert, seen with two instances starting at
   * once): creation goes under an advisory lock of ours, and only when the queue is missing.
   */
  async #createQueue(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#o.url })
    client.on('error', () => undefined)
    await client.connect()
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [
        QUEUE_LOCK,
        this.#bossSchema,
      ])
      if (!(await this.boss.getQueue(FLOW_RUN_QUEUE))) {
        await this.boss.createQueue(FLOW_RUN_QUEUE, {
          name: FLOW_RUN_QUEUE,
          retryLimit: 1_000_000,
          retryDelay: 1,
          expireInSeconds: 60,
        })
      }
    } finally {
      await client.end().catch(() => undefined) // ending the session releases the lock
    }
  }

  async #deliver(jobs: PgBoss.Job<{ runId: string; scheduledAt: number }>[]): Promise<void> {
    const runner = this.#runner
    if (!runner || this.#stopped) throw new Error('flows: dispatch stopped')
    const waiting = async () => {
      const out: FlowRun[] = []
      for (const job of jobs) {
        const run = await this.#o.store.getRun(job.data.runId)
        if (run && CLAIMABLE.has(run.state) && run.scheduledAt === job.data.scheduledAt) {
          out.push(run)
        }
      }
      return out
    }
    if ((await waiting()).length === 0) return
    await runner.claim()
    const left = await waiting()
    // pg-boss retries the job (after retryDelay) while its run waits: no free slot anywhere yet.
    if (left.length > 0) throw new Error(`flow runs not claimed yet: ${left.map((r) => r.id)}`)
  }

  #arm(ms: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#pass = this.#tick()
        .catch((error: unknown) => {
          this.#o.logger.warn('flows: scheduler pass failed', { error: String(error) })
        })
        .finally(() => {
          this.#pass = null
          this.#arm(this.#intervalMs)
        })
    }, ms)
  }

  async #tryLead(): Promise<boolean> {
    if (!this.#lockClient) {
      const client = new pg.Client({
        connectionString: this.#o.url,
        application_name: 'loupe-flow-scheduler',
      })
      const lost = () => {
        this.#leader = false
        if (this.#lockClient === client) this.#lockClient = null
      }
      client.on('error', lost)
      client.on('end', lost)
      await client.connect()
      this.#lockClient = client
    }
    const { rows } = await this.#lockClient.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
      [SCHEDULER_LOCK, this.#o.schema],
    )
    return rows[0]?.ok === true
  }

  /** One pass of the leading instance: schedule, then enqueue the runs due soon. */
  async #tick(): Promise<void> {
    if (!this.#leader) {
      this.#leader = await this.#tryLead()
      if (this.#leader) this.#o.logger.info('flows: this instance schedules deployments')
    }
    if (!this.#leader) return
    const now = Date.now()
    await scheduleDeployments(this.#o.store, now, this.#o.scheduler)
    await this.#enqueue(now)
  }

  async #enqueue(now: number): Promise<void> {
    for (const [id, at] of this.#sent) if (at < now - 3_600_000) this.#sent.delete(id)
    let cursor: string | null = null
    do {
      const page = await this.#o.store.listRuns({
        states: [...CLAIMABLE],
        kind: 'flow',
        parentId: null,
        scheduledBefore: now + this.#lookaheadMs,
        order: 'asc',
        limit: 500,
        ...(cursor ? { cursor } : {}),
      })
      for (const run of page.runs) {
        const id = jobId(`${run.id}@${run.scheduledAt}`)
        if (this.#sent.has(id)) continue
        await this.boss.send(
          FLOW_RUN_QUEUE,
          { runId: run.id, scheduledAt: run.scheduledAt },
          { id, startAfter: new Date(Math.max(run.scheduledAt, now)) },
        )
        this.#sent.set(id, run.scheduledAt)
      }
      cursor = page.nextCursor
    } while (cursor)
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.#pass
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000, close: true })
    const client = this.#lockClient
    this.#lockClient = null
    this.#leader = false
    // Ending the session releases the scheduler lock.
    await client?.end().catch(() => undefined)
  }
}
