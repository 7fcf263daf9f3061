import { decideTransition, decodeCursor, encodeCursor, materializeRun, newId } from '@loupe/flows'
import type {
  Artifact,
  CacheEntry,
  ClaimRequest,
  Deployment,
  ExpiredRunsRequest,
  FlowRun,
  FlowStore,
  HeartbeatRequest,
  Lease,
  LeaseRequest,
  LogEntry,
  NewRun,
  RunFilter,
  RunPage,
  RunProgress,
  ScheduleRunsRequest,
  ScheduleRunsResult,
  StateRecord,
  StateType,
  StoreTransitionRequest,
  TransitionResult,
} from '@loupe/flows'
import type pg from 'pg'
import type { PostgresDatabase } from '../storage/postgres-db'
import { INSERT_RUN, STEPS, num, numOrNull, runValues, toRun } from './postgres-schema'
import type { PgRunRow } from './postgres-schema'
import { ACTIVE, CLAIMABLE, TERMINAL } from './sql-states'

/** First key of the per-root advisory lock that numbers log lines. */
const LOG_LOCK = 0x10_f1

type Client = pg.PoolClient

/**
 * FlowStore on PostgreSQL (cluster mode): every method is one transaction on the shared pool, so
 * any number of instances can use it at once. A claim locks due rows with `FOR UPDATE SKIP
 * LOCKED` and moves them to Pending in the same transaction (two instances never get one run); a
 * transition locks its row (`FOR UPDATE`) and applies the engine's own rules (`decideTransition`);
 * creation by idempotency key is `ON CONFLICT DO NOTHING` on a unique index; a scheduling request
 * locks its deployment row, so schedulers of several instances apply one after the other.
 *
 * Not `ordered`: calls run on different pooled connections and may commit out of call order.
 */
export class PostgresFlowStore implements FlowStore {
  readonly #inflight = new Set<Promise<unknown>>()
  /** Claims of this instance go one at a time (oldest runs to the first caller). */
  #claims: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(
    readonly db: PostgresDatabase,
    readonly ownsDatabase: boolean,
  ) {}

  /** Migrates the flow tables (under the schema's advisory lock) and opens the store. */
  static async open(
    db: PostgresDatabase,
    options: { ownsDatabase?: boolean } = {},
  ): Promise<PostgresFlowStore> {
    await db.migrate('flows', STEPS)
    return new PostgresFlowStore(db, options.ownsDatabase ?? false)
  }

  #track<T>(work: Promise<T>): Promise<T> {
    const settled = work.catch(() => undefined)
    this.#inflight.add(settled)
    void settled.finally(() => this.#inflight.delete(settled))
    return work
  }

  #tx<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    return this.#track(this.db.transaction(fn))
  }

  async #query<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]> {
    return (await this.#track(this.db.query<R>(sql, values))).rows
  }

  async #create(client: Client, input: NewRun, at: number) {
    const run = materializeRun(input, at)
    const inserted = await client.query(
      `${INSERT_RUN} ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      runValues(run),
    )
    if (inserted.rowCount === 0) {
      // Taken (maybe by a transaction that committed while this insert waited on the index).
      const existing = await client.query<PgRunRow>(
        'SELECT * FROM flow_runs WHERE idempotency_key = $1',
        [input.idempotencyKey],
      )
      const row = existing.rows[0]
      if (!row) throw new Error(`flow run key ${input.idempotencyKey} taken but not readable`)
      return { run: toRun(row), created: false }
    }
    await client.query(
      `INSERT INTO flow_run_states (run_id, seq, state, at, message, by)
       VALUES ($1, 1, $2, $3, $4, $5)`,
      [run.id, run.state, at, run.stateMessage, input.claimedBy ?? null],
    )
    return { run, created: true }
  }

  async #lockRun(client: Client, id: string): Promise<FlowRun | null> {
    const { rows } = await client.query<PgRunRow>(
      'SELECT * FROM flow_runs WHERE id = $1 FOR UPDATE',
      [id],
    )
    return rows[0] ? toRun(rows[0]) : null
  }

  /** Writes a decided run and appends its state record (one round trip). */
  async #write(client: Client, run: FlowRun, at: number, by: string | null): Promise<void> {
    await client.query(
      `WITH updated AS (
         UPDATE flow_runs SET state = $2, state_message = $3, state_seq = state_seq + 1,
           scheduled_at = $4, started_at = $5, ended_at = $6, attempt = $7, claimed_by = $8,
           heartbeat_at = $9, result = $10, error = $11
         WHERE id = $1 RETURNING id, state_seq)
       INSERT INTO flow_run_states (run_id, seq, state, at, message, by)
       SELECT id, state_seq, $2, $12, $3, $13 FROM updated`,
      [
        run.id,
        run.state,
        run.stateMessage,
        run.scheduledAt,
        run.startedAt,
        run.endedAt,
        run.attempt,
        run.claimedBy,
        run.heartbeatAt,
        run.result,
        run.error,
        at,
        by,
      ],
    )
  }

  async #transition(
    client: Client,
    runId: string,
    request: StoreTransitionRequest,
  ): Promise<TransitionResult> {
    const result = decideTransition(await this.#lockRun(client, runId), runId, request)
    if (result.ok && result.changed) {
      await this.#write(client, result.run, request.at, request.by ?? null)
    }
    return result
  }

  createRun(input: NewRun, at: number) {
    return this.#tx((client) => this.#create(client, input, at))
  }

  async getRun(id: string) {
    const [row] = await this.#query<PgRunRow>('SELECT * FROM flow_runs WHERE id = $1', [id])
    return row ? toRun(row) : null
  }

  async getRunByKey(key: string) {
    const [row] = await this.#query<PgRunRow>(
      'SELECT * FROM flow_runs WHERE idempotency_key = $1',
      [key],
    )
    return row ? toRun(row) : null
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    const where: string[] = []
    const params: unknown[] = []
    const param = (value: unknown) => {
      params.push(value)
      return `$${params.length}`
    }
    if (filter.states?.length === 1) where.push(`state = ${param(filter.states[0])}`)
    else if (filter.states) where.push(`state = ANY(${param(filter.states)}::text[])`)
    const eq = (column: string, value: string | null | undefined) => {
      if (value === undefined) return
      where.push(value === null ? `${column} IS NULL` : `${column} = ${param(value)}`)
    }
    eq('kind', filter.kind)
    eq('name', filter.name)
    eq('deployment_id', filter.deploymentId)
    eq('parent_id', filter.parentId)
    eq('root_id', filter.rootId)
    if (filter.scheduledBefore !== undefined) {
      where.push(`scheduled_at <= ${param(filter.scheduledBefore)}`)
    }
    if (filter.scheduledAfter !== undefined) {
      where.push(`scheduled_at > ${param(filter.scheduledAfter)}`)
    }
    const desc = filter.order !== 'asc'
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : null
    if (cursor) {
      const op = desc ? '<' : '>'
      where.push(`(scheduled_at, id) ${op} (${param(cursor.scheduledAt)}, ${param(cursor.id)})`)
    }
    const limit = filter.limit ?? 100
    const dir = desc ? 'DESC' : 'ASC'
    const rows = await this.#query<PgRunRow>(
      `SELECT * FROM flow_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY scheduled_at ${dir}, id ${dir} LIMIT ${param(limit + 1)}`,
      params,
    )
    const runs = rows.slice(0, limit).map(toRun)
    const last = runs[runs.length - 1]
    return { runs, nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
  }

  transition(runId: string, request: StoreTransitionRequest) {
    return this.#tx((client) => this.#transition(client, runId, request))
  }

  claimRuns(request: ClaimRequest): Promise<FlowRun[]> {
    const claim = this.#claims.then(() =>
      this.#tx(async (client) => {
        const { rows } = await client.query<PgRunRow>(
          `SELECT * FROM flow_runs
           WHERE parent_id IS NULL AND kind = 'flow' AND state IN ${CLAIMABLE}
             AND scheduled_at <= $1 AND ($2::text[] IS NULL OR name = ANY($2::text[]))
           ORDER BY scheduled_at, id LIMIT $3
           FOR UPDATE SKIP LOCKED`,
          [request.now, request.names ?? null, request.limit],
        )
        const claimed: FlowRun[] = []
        for (const row of rows) {
          const result = decideTransition(toRun(row), row.id, {
            to: 'Pending',
            from: ['Scheduled', 'Late', 'AwaitingRetry'],
            by: request.by,
            at: request.now,
          })
          if (!result.ok || !result.changed) continue
          await this.#write(client, result.run, request.now, request.by)
          claimed.push(result.run)
        }
        return claimed
      }),
    )
    this.#claims = claim.catch(() => undefined)
    return claim
  }

  heartbeat(request: HeartbeatRequest) {
    return this.#tx(async (client) => {
      const { rows } = await client.query<{ id: string; state: StateType; root_id: string }>(
        `UPDATE flow_runs SET heartbeat_at =
           CASE WHEN state IN ${ACTIVE} THEN $1 ELSE heartbeat_at END
         WHERE id IN (SELECT id FROM flow_runs WHERE id = ANY($2::text[]) AND claimed_by = $3
           ORDER BY id FOR UPDATE)
         RETURNING id, state, root_id`,
        [request.now, request.runIds, request.by],
      )
      const roots = [...new Set(rows.map((r) => r.root_id))]
      if (roots.length > 0) {
        await client.query(
          'UPDATE flow_leases SET expires_at = $1 WHERE root_id = ANY($2::text[])',
          [request.leaseExpiresAt, roots],
        )
      }
      const byId = new Map(rows.map((r) => [r.id, r.state]))
      return request.runIds.flatMap((id) => {
        const state = byId.get(id)
        return state === undefined ? [] : [{ id, state }]
      })
    })
  }

  async listStaleRuns(before: number) {
    const rows = await this.#query<PgRunRow>(
      `SELECT * FROM flow_runs WHERE parent_id IS NULL AND state IN ${ACTIVE}
         AND COALESCE(heartbeat_at, 0) < $1 ORDER BY scheduled_at, id`,
      [before],
    )
    return rows.map(toRun)
  }

  async setProgress(runId: string, progress: RunProgress) {
    await this.#query('UPDATE flow_runs SET progress = $1 WHERE id = $2', [
      JSON.stringify(progress),
      runId,
    ])
  }

  async history(runId: string): Promise<StateRecord[]> {
    const rows = await this.#query<{
      run_id: string
      seq: number
      state: StateType
      at: string
      message: string | null
      by: string | null
    }>('SELECT * FROM flow_run_states WHERE run_id = $1 ORDER BY seq', [runId])
    return rows.map((r) => ({
      runId: r.run_id,
      seq: r.seq,
      state: r.state,
      at: num(r.at),
      message: r.message,
      by: r.by,
    }))
  }

  async #putDeployment(client: Client, d: Deployment) {
    await client.query(
      `INSERT INTO flow_deployments (id, created_at, data) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
      [d.id, d.createdAt, JSON.stringify(d)],
    )
  }

  async #getDeployment(client: Client, id: string, lock = false): Promise<Deployment | null> {
    const { rows } = await client.query<{ data: string }>(
      `SELECT data FROM flow_deployments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    )
    return rows[0] ? (JSON.parse(rows[0].data) as Deployment) : null
  }

  putDeployment(deployment: Deployment) {
    return this.#tx((client) => this.#putDeployment(client, deployment))
  }

  async getDeployment(id: string) {
    const [row] = await this.#query<{ data: string }>(
      'SELECT data FROM flow_deployments WHERE id = $1',
      [id],
    )
    return row ? (JSON.parse(row.data) as Deployment) : null
  }

  async listDeployments() {
    const rows = await this.#query<{ data: string }>(
      'SELECT data FROM flow_deployments ORDER BY created_at, id',
    )
    return rows.map((r) => JSON.parse(r.data) as Deployment)
  }

  /** Deletes the deployment's Scheduled runs after `after` (all when null) and their states. */
  async #deleteScheduled(client: Client, deploymentId: string, after: number | null) {
    const { rows } = await client.query<{ id: string }>(
      `DELETE FROM flow_runs WHERE deployment_id = $1 AND state = 'Scheduled'
         AND ($2::bigint IS NULL OR scheduled_at > $2::bigint) RETURNING id`,
      [deploymentId, after],
    )
    if (rows.length > 0) {
      await client.query('DELETE FROM flow_run_states WHERE run_id = ANY($1::text[])', [
        rows.map((r) => r.id),
      ])
    }
    return rows.length
  }

  deleteDeployment(id: string) {
    return this.#tx(async (client) => {
      await this.#getDeployment(client, id, true)
      await this.#deleteScheduled(client, id, null)
      await client.query('DELETE FROM flow_deployments WHERE id = $1', [id])
    })
  }

  scheduleRuns(request: ScheduleRunsRequest) {
    return this.#tx(async (client): Promise<ScheduleRunsResult> => {
      // The row lock puts concurrent schedulers of one deployment (other instances) in a line.
      const current = await this.#getDeployment(client, request.deploymentId, true)
      if (request.ifUpdatedAt !== undefined && current?.updatedAt !== request.ifUpdatedAt) {
        return { created: 0, deleted: 0, skipped: true }
      }
      if (request.deployment) await this.#putDeployment(client, request.deployment)
      const deleted =
        request.replaceAfter !== undefined
          ? await this.#deleteScheduled(client, request.deploymentId, request.replaceAfter)
          : 0
      let created = 0
      for (const run of request.runs) {
        if ((await this.#create(client, run, request.at)).created) created += 1
      }
      const deployment = await this.#getDeployment(client, request.deploymentId)
      if (deployment && deployment.scheduledThrough !== request.scheduledThrough) {
        await this.#putDeployment(client, {
          ...deployment,
          scheduledThrough: request.scheduledThrough,
        })
      }
      return { created, deleted }
    })
  }

  markLate(cutoff: number, at: number) {
    return this.#tx(async (client) => {
      const { rows } = await client.query<PgRunRow>(
        `SELECT * FROM flow_runs WHERE parent_id IS NULL AND state = 'Scheduled'
           AND scheduled_at <= $1 ORDER BY id FOR UPDATE SKIP LOCKED`,
        [cutoff],
      )
      let count = 0
      for (const row of rows) {
        const result = decideTransition(toRun(row), row.id, { to: 'Late', from: ['Scheduled'], at })
        if (!result.ok || !result.changed) continue
        await this.#write(client, result.run, at, null)
        count += 1
      }
      return count
    })
  }

  async listExpiredRuns(request: ExpiredRunsRequest) {
    const rows =
      'beyond' in request
        ? await this.#query<PgRunRow>(
            `SELECT * FROM flow_runs WHERE deployment_id = $1 AND parent_id IS NULL
               AND state IN ${TERMINAL} AND ended_at IS NOT NULL
             ORDER BY scheduled_at DESC, id DESC LIMIT $2 OFFSET $3`,
            [request.beyond.deploymentId, request.limit, request.beyond.keep],
          )
        : await this.#query<PgRunRow>(
            `SELECT * FROM flow_runs WHERE parent_id IS NULL AND ended_at < $1
               AND state IN ${TERMINAL} AND (ended_at, id) > ($2::bigint, $3::text)
             ORDER BY ended_at, id LIMIT $4`,
            [
              request.endedBefore,
              request.after?.endedAt ?? -1,
              request.after?.id ?? '',
              request.limit,
            ],
          )
    return rows.map(toRun)
  }

  deleteRuns(rootIds: readonly string[]) {
    return this.#tx(async (client) => {
      // Locked, so a run that is being retried or cancelled right now is not taken from under it.
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM flow_runs WHERE id = ANY($1::text[]) AND parent_id IS NULL
           AND state IN ${TERMINAL} FOR UPDATE`,
        [rootIds],
      )
      const ids = rows.map((r) => r.id)
      if (ids.length === 0) return []
      await client.query(
        `DELETE FROM flow_run_states WHERE run_id IN
           (SELECT id FROM flow_runs WHERE root_id = ANY($1::text[]))`,
        [ids],
      )
      await client.query('DELETE FROM flow_runs WHERE root_id = ANY($1::text[])', [ids])
      await client.query('DELETE FROM flow_logs WHERE root_id = ANY($1::text[])', [ids])
      await client.query('DELETE FROM flow_artifacts WHERE root_id = ANY($1::text[])', [ids])
      await client.query('DELETE FROM flow_leases WHERE root_id = ANY($1::text[])', [ids])
      const order = new Map(rootIds.map((id, i) => [id, i]))
      return ids.sort((a, b) => order.get(a)! - order.get(b)!)
    })
  }

  appendLogs(entries: readonly LogEntry[]) {
    if (entries.length === 0) return Promise.resolve()
    return this.#tx(async (client) => {
      const byRoot = new Map<string, LogEntry[]>()
      for (const entry of entries) {
        const list = byRoot.get(entry.rootId) ?? []
        list.push(entry)
        byRoot.set(entry.rootId, list)
      }
      for (const root of [...byRoot.keys()].sort()) {
        // Numbers a root's lines one writer at a time (locks taken in sorted order).
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOG_LOCK, root])
        const { rows } = await client.query<{ seq: number }>(
          'SELECT COALESCE(MAX(seq), 0)::int AS seq FROM flow_logs WHERE root_id = $1',
          [root],
        )
        const first = rows[0]?.seq ?? 0
        const list = byRoot.get(root) ?? []
        await client.query(
          `INSERT INTO flow_logs (root_id, seq, run_id, at, level, message)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[])`,
          [
            root,
            list.map((_, i) => first + i + 1),
            list.map((e) => e.runId),
            list.map((e) => e.at),
            list.map((e) => e.level),
            list.map((e) => e.message),
          ],
        )
      }
    })
  }

  async listLogs(rootId: string, options: { afterSeq?: number; limit?: number } = {}) {
    const rows = await this.#query<{
      root_id: string
      seq: number
      run_id: string
      at: string
      level: LogEntry['level']
      message: string
    }>('SELECT * FROM flow_logs WHERE root_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
      rootId,
      options.afterSeq ?? 0,
      options.limit ?? 1000,
    ])
    return rows.map((r) => ({
      rootId: r.root_id,
      runId: r.run_id,
      seq: r.seq,
      at: num(r.at),
      level: r.level,
      message: r.message,
    }))
  }

  async addArtifact(a: Artifact) {
    await this.#query(
      `INSERT INTO flow_artifacts (id, root_id, run_id, key, type, description, data, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.id, a.rootId, a.runId, a.key, a.type, a.description, JSON.stringify(a.data), a.createdAt],
    )
  }

  async listArtifacts(rootId: string): Promise<Artifact[]> {
    const rows = await this.#query<{
      id: string
      root_id: string
      run_id: string
      key: string
      type: Artifact['type']
      description: string | null
      data: string
      created_at: string
    }>('SELECT * FROM flow_artifacts WHERE root_id = $1 ORDER BY created_at, ord', [rootId])
    return rows.map((r) => ({
      id: r.id,
      rootId: r.root_id,
      runId: r.run_id,
      key: r.key,
      type: r.type,
      description: r.description,
      data: JSON.parse(r.data) as unknown,
      createdAt: num(r.created_at),
    }))
  }

  async setConcurrencyLimit(tag: string, limit: number | null) {
    if (limit === null) {
      await this.#query('DELETE FROM flow_concurrency_limits WHERE tag = $1', [tag])
    } else {
      await this.#query(
        `INSERT INTO flow_concurrency_limits (tag, max_leases) VALUES ($1, $2)
         ON CONFLICT (tag) DO UPDATE SET max_leases = excluded.max_leases`,
        [tag, limit],
      )
    }
  }

  async getConcurrencyLimits() {
    const rows = await this.#query<{ tag: string; max_leases: number }>(
      'SELECT tag, max_leases FROM flow_concurrency_limits ORDER BY tag',
    )
    return Object.fromEntries(rows.map((r) => [r.tag, r.max_leases]))
  }

  acquireLeases(request: LeaseRequest) {
    return this.#tx(async (client): Promise<Lease[] | null> => {
      const limited: string[] = []
      // The limit row is the tag's lock (taken in sorted order): counting and taking a slot are
      // one step across instances.
      for (const tag of [...new Set(request.tags)].sort()) {
        const { rows } = await client.query<{ max_leases: number }>(
          'SELECT max_leases FROM flow_concurrency_limits WHERE tag = $1 FOR UPDATE',
          [tag],
        )
        const limit = rows[0]
        if (!limit) continue
        const used = await client.query<{ used: number }>(
          'SELECT COUNT(*)::int AS used FROM flow_leases WHERE tag = $1 AND expires_at > $2',
          [tag, request.now],
        )
        if ((used.rows[0]?.used ?? 0) >= limit.max_leases) return null
        limited.push(tag)
      }
      if (limited.length === 0) return []
      await client.query(
        'DELETE FROM flow_leases WHERE tag = ANY($1::text[]) AND expires_at <= $2',
        [limited, request.now],
      )
      const leases: Lease[] = []
      for (const tag of limited) {
        const lease: Lease = {
          id: newId(),
          tag,
          holderId: request.holderId,
          rootId: request.rootId,
          expiresAt: request.expiresAt,
        }
        await client.query(
          'INSERT INTO flow_leases (id, tag, holder_id, root_id, expires_at) VALUES ($1, $2, $3, $4, $5)',
          [lease.id, tag, lease.holderId, lease.rootId, lease.expiresAt],
        )
        leases.push(lease)
      }
      return leases
    })
  }

  releaseLeases(by: { holderId?: string; rootId?: string }) {
    return this.#tx(async (client) => {
      let count = 0
      if (by.holderId !== undefined) {
        count +=
          (await client.query('DELETE FROM flow_leases WHERE holder_id = $1', [by.holderId]))
            .rowCount ?? 0
      }
      if (by.rootId !== undefined) {
        count +=
          (await client.query('DELETE FROM flow_leases WHERE root_id = $1', [by.rootId]))
            .rowCount ?? 0
      }
      return count
    })
  }

  async listLeases(now: number) {
    const rows = await this.#query<{
      id: string
      tag: string
      holder_id: string
      root_id: string
      expires_at: string
    }>('SELECT * FROM flow_leases WHERE expires_at > $1 ORDER BY id', [now])
    return rows.map((r) => ({
      id: r.id,
      tag: r.tag,
      holderId: r.holder_id,
      rootId: r.root_id,
      expiresAt: num(r.expires_at),
    }))
  }

  async getCacheEntry(key: string): Promise<CacheEntry | null> {
    const [row] = await this.#query<{
      key: string
      value: string
      run_id: string
      created_at: string
      expires_at: string | null
    }>('SELECT * FROM flow_cache WHERE key = $1', [key])
    return row
      ? {
          key: row.key,
          value: row.value,
          runId: row.run_id,
          createdAt: num(row.created_at),
          expiresAt: numOrNull(row.expires_at),
        }
      : null
  }

  async putCacheEntry(entry: CacheEntry) {
    await this.#query(
      `INSERT INTO flow_cache (key, value, run_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, run_id = excluded.run_id,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
      [entry.key, entry.value, entry.runId, entry.createdAt, entry.expiresAt],
    )
  }

  /** Waits for calls in flight; closes the pool only when this store opened it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.#inflight)
    if (this.ownsDatabase) await this.db.close()
  }
}
