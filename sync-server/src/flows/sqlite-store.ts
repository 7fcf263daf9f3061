import {
  TERMINAL_STATES,
  decideTransition,
  decodeCursor,
  encodeCursor,
  materializeRun,
  newId,
} from '@loupe/flows'
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
import type Database from 'better-sqlite3'
import { migrate } from '../storage/sqlite'
import type { SqliteDatabase } from '../storage/sqlite'
import { STEPS, runParams, toRun } from './sqlite-schema'
import type { RunRow } from './sqlite-schema'
import { ACTIVE, CLAIMABLE, TERMINAL } from './sql-states'

/**
 * FlowStore on the embedded SQLite file (better-sqlite3, WAL). Every method is one IMMEDIATE
 * transaction, so a claim (a conditional transition) is atomic across processes sharing the file.
 */
export class SqliteFlowStore implements FlowStore {
  /** One connection and one FIFO write queue: calls apply in call order. */
  readonly ordered = true
  readonly #s
  #queue: {
    fn: () => unknown
    resolve: (value: unknown) => void
    reject: (error: unknown) => void
  }[] = []
  readonly #filtered = new Map<string, Database.Statement<unknown[]>>()

  constructor(readonly db: SqliteDatabase) {
    migrate(db, 'flows', STEPS)
    this.#s = {
      insertRun: db.prepare(
        `INSERT INTO flow_runs (id, kind, name, parent_id, root_id, deployment_id, idempotency_key,
           parameters, tags, state, state_message, state_seq, scheduled_at, created_at, started_at,
           ended_at, attempt, claimed_by, heartbeat_at, result, error, progress)
         VALUES (@id, @kind, @name, @parent_id, @root_id, @deployment_id, @idempotency_key,
           @parameters, @tags, @state, @state_message, 1, @scheduled_at, @created_at, @started_at,
           @ended_at, @attempt, @claimed_by, @heartbeat_at, @result, @error, @progress)`,
      ),
      updateRun: db.prepare(
        `UPDATE flow_runs SET state = @state, state_message = @state_message,
           state_seq = state_seq + 1, scheduled_at = @scheduled_at, started_at = @started_at,
           ended_at = @ended_at, attempt = @attempt, claimed_by = @claimed_by,
           heartbeat_at = @heartbeat_at, result = @result, error = @error
         WHERE id = @id`,
      ),
      insertState: db.prepare(
        `INSERT INTO flow_run_states (run_id, seq, state, at, message, by)
         VALUES (?, (SELECT state_seq FROM flow_runs WHERE id = ?), ?, ?, ?, ?)`,
      ),
      getRun: db.prepare('SELECT * FROM flow_runs WHERE id = ?'),
      getRunByKey: db.prepare('SELECT * FROM flow_runs WHERE idempotency_key = ?'),
      due: db.prepare(
        `SELECT * FROM flow_runs
         WHERE parent_id IS NULL AND kind = 'flow' AND state IN ${CLAIMABLE} AND scheduled_at <= ?
           AND (? IS NULL OR name IN (SELECT value FROM json_each(?)))
         ORDER BY scheduled_at, id LIMIT ?`,
      ),
      heartbeat: db.prepare(
        `UPDATE flow_runs SET heartbeat_at = CASE WHEN state IN ${ACTIVE} THEN ? ELSE heartbeat_at END
         WHERE id = ? AND claimed_by = ? RETURNING id, state, root_id`,
      ),
      renewLeases: db.prepare('UPDATE flow_leases SET expires_at = ? WHERE root_id = ?'),
      stale: db.prepare(
        `SELECT * FROM flow_runs WHERE parent_id IS NULL AND state IN ${ACTIVE}
           AND COALESCE(heartbeat_at, 0) < ? ORDER BY scheduled_at, id`,
      ),
      setProgress: db.prepare('UPDATE flow_runs SET progress = ? WHERE id = ?'),
      history: db.prepare('SELECT * FROM flow_run_states WHERE run_id = ? ORDER BY seq'),
      putDeployment: db.prepare(
        `INSERT INTO flow_deployments (id, created_at, data) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
      ),
      getDeployment: db.prepare('SELECT data FROM flow_deployments WHERE id = ?'),
      listDeployments: db.prepare('SELECT data FROM flow_deployments ORDER BY created_at, id'),
      deleteDeployment: db.prepare('DELETE FROM flow_deployments WHERE id = ?'),
      scheduledOf: db.prepare(
        `SELECT id FROM flow_runs WHERE deployment_id = ? AND state = 'Scheduled' AND scheduled_at > ?`,
      ),
      deleteRun: db.prepare('DELETE FROM flow_runs WHERE id = ?'),
      deleteStates: db.prepare('DELETE FROM flow_run_states WHERE run_id = ?'),
      lateCandidates: db.prepare(
        `SELECT * FROM flow_runs WHERE parent_id IS NULL AND state = 'Scheduled' AND scheduled_at <= ?`,
      ),
      expiredByAge: db.prepare(
        `SELECT * FROM flow_runs WHERE parent_id IS NULL AND ended_at < ? AND state IN ${TERMINAL}
           AND (ended_at > ? OR (ended_at = ? AND id > ?))
         ORDER BY ended_at, id LIMIT ?`,
      ),
      expiredBeyond: db.prepare(
        `SELECT * FROM flow_runs WHERE deployment_id = ? AND parent_id IS NULL
           AND state IN ${TERMINAL} AND ended_at IS NOT NULL
         ORDER BY scheduled_at DESC, id DESC LIMIT ? OFFSET ?`,
      ),
      deleteTreeStates: db.prepare(
        'DELETE FROM flow_run_states WHERE run_id IN (SELECT id FROM flow_runs WHERE root_id = ?)',
      ),
      deleteTree: db.prepare('DELETE FROM flow_runs WHERE root_id = ?'),
      deleteTreeLogs: db.prepare('DELETE FROM flow_logs WHERE root_id = ?'),
      deleteTreeArtifacts: db.prepare('DELETE FROM flow_artifacts WHERE root_id = ?'),
      deleteTreeLeases: db.prepare('DELETE FROM flow_leases WHERE root_id = ?'),
      maxLogSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM flow_logs WHERE root_id = ?'),
      insertLog: db.prepare(
        'INSERT INTO flow_logs (root_id, seq, run_id, at, level, message) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      listLogs: db.prepare(
        'SELECT * FROM flow_logs WHERE root_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      insertArtifact: db.prepare(
        `INSERT INTO flow_artifacts (id, root_id, run_id, key, type, description, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listArtifacts: db.prepare(
        'SELECT * FROM flow_artifacts WHERE root_id = ? ORDER BY created_at, rowid',
      ),
      setLimit: db.prepare(
        `INSERT INTO flow_concurrency_limits (tag, max_leases) VALUES (?, ?)
         ON CONFLICT (tag) DO UPDATE SET max_leases = excluded.max_leases`,
      ),
      deleteLimit: db.prepare('DELETE FROM flow_concurrency_limits WHERE tag = ?'),
      limits: db.prepare('SELECT tag, max_leases FROM flow_concurrency_limits ORDER BY tag'),
      limitOf: db.prepare('SELECT max_leases FROM flow_concurrency_limits WHERE tag = ?'),
      usedLeases: db.prepare(
        'SELECT COUNT(*) AS used FROM flow_leases WHERE tag = ? AND expires_at > ?',
      ),
      dropExpiredLeases: db.prepare('DELETE FROM flow_leases WHERE expires_at <= ?'),
      insertLease: db.prepare(
        'INSERT INTO flow_leases (id, tag, holder_id, root_id, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      releaseByHolder: db.prepare('DELETE FROM flow_leases WHERE holder_id = ?'),
      releaseByRoot: db.prepare('DELETE FROM flow_leases WHERE root_id = ?'),
      listLeases: db.prepare('SELECT * FROM flow_leases WHERE expires_at > ? ORDER BY id'),
      getCache: db.prepare('SELECT * FROM flow_cache WHERE key = ?'),
      putCache: db.prepare(
        `INSERT INTO flow_cache (key, value, run_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, run_id = excluded.run_id,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
      ),
    }
  }

  /**
   * Group commit: writes requested in the same turn of the event loop run in one IMMEDIATE
   * transaction, so a thousand runs finishing at once cost one commit, not a thousand. Should one
   * write throw (a constraint), the batch is rolled back and every write is redone in its own
   * transaction, so each still succeeds or fails alone.
   */
  #tx<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (value: unknown) => void, reject })
      if (this.#queue.length === 1) setImmediate(() => this.#flush())
    })
  }

  #flush(): void {
    const batch = this.#queue
    this.#queue = []
    if (batch.length === 0) return
    let values: unknown[]
    try {
      values = this.db.transaction(() => batch.map((op) => op.fn())).immediate()
    } catch {
      for (const op of batch) {
        try {
          op.resolve(this.db.transaction(op.fn).immediate())
        } catch (error) {
          op.reject(error)
        }
      }
      return
    }
    batch.forEach((op, i) => op.resolve(values[i]))
  }

  #read(id: string): FlowRun | null {
    const row = this.#s.getRun.get(id) as RunRow | undefined
    return row ? toRun(row) : null
  }

  #create(input: NewRun, at: number): { run: FlowRun; created: boolean } {
    if (input.idempotencyKey) {
      const row = this.#s.getRunByKey.get(input.idempotencyKey) as RunRow | undefined
      if (row) return { run: toRun(row), created: false }
    }
    const run = materializeRun(input, at)
    this.#s.insertRun.run(runParams(run))
    this.#s.insertState.run(
      run.id,
      run.id,
      run.state,
      at,
      run.stateMessage,
      input.claimedBy ?? null,
    )
    return { run, created: true }
  }

  #write(run: FlowRun, at: number, by: string | null): void {
    this.#s.updateRun.run({
      id: run.id,
      state: run.state,
      state_message: run.stateMessage,
      scheduled_at: run.scheduledAt,
      started_at: run.startedAt,
      ended_at: run.endedAt,
      attempt: run.attempt,
      claimed_by: run.claimedBy,
      heartbeat_at: run.heartbeatAt,
      result: run.result,
      error: run.error,
    })
    this.#s.insertState.run(run.id, run.id, run.state, at, run.stateMessage, by)
  }

  #transition(runId: string, request: StoreTransitionRequest): TransitionResult {
    const result = decideTransition(this.#read(runId), runId, request)
    if (result.ok && result.changed) this.#write(result.run, request.at, request.by ?? null)
    return result
  }

  createRun(input: NewRun, at: number) {
    return this.#tx(() => this.#create(input, at))
  }

  getRun(id: string) {
    return Promise.resolve(this.#read(id))
  }

  getRunByKey(key: string) {
    const row = this.#s.getRunByKey.get(key) as RunRow | undefined
    return Promise.resolve(row ? toRun(row) : null)
  }

  listRuns(filter: RunFilter): Promise<RunPage> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.states?.length === 1) {
      where.push('state = ?') // lets SQLite use the state indexes
      params.push(filter.states[0])
    } else if (filter.states) {
      where.push(`state IN (SELECT value FROM json_each(?))`)
      params.push(JSON.stringify(filter.states))
    }
    const eq = (column: string, value: unknown) => {
      if (value === undefined) return
      where.push(`${column} IS ?`)
      params.push(value)
    }
    eq('kind', filter.kind)
    eq('name', filter.name)
    eq('deployment_id', filter.deploymentId)
    if (filter.parentId === null)
      where.push('parent_id IS NULL') // literal: matches the partial index
    else eq('parent_id', filter.parentId)
    eq('root_id', filter.rootId)
    if (filter.scheduledBefore !== undefined) {
      where.push('scheduled_at <= ?')
      params.push(filter.scheduledBefore)
    }
    if (filter.scheduledAfter !== undefined) {
      where.push('scheduled_at > ?')
      params.push(filter.scheduledAfter)
    }
    const desc = filter.order !== 'asc'
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : null
    if (cursor) {
      const op = desc ? '<' : '>'
      where.push(`(scheduled_at ${op} ? OR (scheduled_at = ? AND id ${op} ?))`)
      params.push(cursor.scheduledAt, cursor.scheduledAt, cursor.id)
    }
    const limit = filter.limit ?? 100
    const dir = desc ? 'DESC' : 'ASC'
    const sql = `SELECT * FROM flow_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY scheduled_at ${dir}, id ${dir} LIMIT ?`
    let statement = this.#filtered.get(sql)
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql)
      this.#filtered.set(sql, statement)
    }
    const rows = statement.all(...params, limit + 1) as RunRow[]
    const runs = rows.slice(0, limit).map(toRun)
    const last = runs[runs.length - 1]
    return Promise.resolve({
      runs,
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    })
  }

  transition(runId: string, request: StoreTransitionRequest) {
    return this.#tx(() => this.#transition(runId, request))
  }

  claimRuns(request: ClaimRequest): Promise<FlowRun[]> {
    const names = request.names ? JSON.stringify(request.names) : null
    return this.#tx(() => {
      const rows = this.#s.due.all(request.now, names, names, request.limit) as RunRow[]
      const claimed: FlowRun[] = []
      for (const row of rows) {
        const result = decideTransition(toRun(row), row.id, {
          to: 'Pending',
          from: ['Scheduled', 'Late', 'AwaitingRetry'],
          by: request.by,
          at: request.now,
        })
        if (!result.ok || !result.changed) continue
        this.#write(result.run, request.now, request.by)
        claimed.push(result.run)
      }
      return claimed
    })
  }

  heartbeat(request: HeartbeatRequest) {
    return this.#tx(() => {
      const out: { id: string; state: StateType }[] = []
      const roots = new Set<string>()
      for (const id of request.runIds) {
        const row = this.#s.heartbeat.get(request.now, id, request.by) as
          { id: string; state: StateType; root_id: string } | undefined
        if (!row) continue
        out.push({ id: row.id, state: row.state })
        roots.add(row.root_id)
      }
      for (const root of roots) this.#s.renewLeases.run(request.leaseExpiresAt, root)
      return out
    })
  }

  listStaleRuns(before: number) {
    return Promise.resolve((this.#s.stale.all(before) as RunRow[]).map(toRun))
  }

  setProgress(runId: string, progress: RunProgress) {
    this.#s.setProgress.run(JSON.stringify(progress), runId)
    return Promise.resolve()
  }

  history(runId: string): Promise<StateRecord[]> {
    const rows = this.#s.history.all(runId) as {
      run_id: string
      seq: number
      state: StateType
      at: number
      message: string | null
      by: string | null
    }[]
    return Promise.resolve(
      rows.map((r) => ({
        runId: r.run_id,
        seq: r.seq,
        state: r.state,
        at: r.at,
        message: r.message,
        by: r.by,
      })),
    )
  }

  #putDeployment(d: Deployment) {
    this.#s.putDeployment.run(d.id, d.createdAt, JSON.stringify(d))
  }

  #getDeployment(id: string): Deployment | null {
    const row = this.#s.getDeployment.get(id) as { data: string } | undefined
    return row ? (JSON.parse(row.data) as Deployment) : null
  }

  putDeployment(deployment: Deployment) {
    return this.#tx(() => this.#putDeployment(deployment))
  }

  getDeployment(id: string) {
    return Promise.resolve(this.#getDeployment(id))
  }

  listDeployments() {
    const rows = this.#s.listDeployments.all() as { data: string }[]
    return Promise.resolve(rows.map((r) => JSON.parse(r.data) as Deployment))
  }

  #deleteScheduled(deploymentId: string, after: number): number {
    const rows = this.#s.scheduledOf.all(deploymentId, after) as { id: string }[]
    for (const { id } of rows) {
      this.#s.deleteStates.run(id)
      this.#s.deleteRun.run(id)
    }
    return rows.length
  }

  deleteDeployment(id: string) {
    return this.#tx(() => {
      this.#deleteScheduled(id, -Infinity)
      this.#s.deleteDeployment.run(id)
    })
  }

  scheduleRuns(request: ScheduleRunsRequest) {
    return this.#tx((): ScheduleRunsResult => {
      if (request.ifUpdatedAt !== undefined) {
        const current = this.#getDeployment(request.deploymentId)
        if (current?.updatedAt !== request.ifUpdatedAt)
          return { created: 0, deleted: 0, skipped: true }
      }
      if (request.deployment) this.#putDeployment(request.deployment)
      const deleted =
        request.replaceAfter !== undefined
          ? this.#deleteScheduled(request.deploymentId, request.replaceAfter)
          : 0
      let created = 0
      for (const run of request.runs) if (this.#create(run, request.at).created) created += 1
      const deployment = this.#getDeployment(request.deploymentId)
      if (deployment && deployment.scheduledThrough !== request.scheduledThrough) {
        this.#putDeployment({ ...deployment, scheduledThrough: request.scheduledThrough })
      }
      return { created, deleted }
    })
  }

  markLate(cutoff: number, at: number) {
    return this.#tx(() => {
      let count = 0
      for (const row of this.#s.lateCandidates.all(cutoff) as RunRow[]) {
        const result = this.#transition(row.id, { to: 'Late', from: ['Scheduled'], at })
        if (result.ok && result.changed) count += 1
      }
      return count
    })
  }

  listExpiredRuns(request: ExpiredRunsRequest) {
    const rows =
      'beyond' in request
        ? this.#s.expiredBeyond.all(request.beyond.deploymentId, request.limit, request.beyond.keep)
        : this.#s.expiredByAge.all(
            request.endedBefore,
            request.after?.endedAt ?? -1,
            request.after?.endedAt ?? -1,
            request.after?.id ?? '',
            request.limit,
          )
    return Promise.resolve((rows as RunRow[]).map(toRun))
  }

  deleteRuns(rootIds: readonly string[]) {
    return this.#tx(() => {
      const deleted: string[] = []
      for (const id of rootIds) {
        const run = this.#read(id)
        if (!run || run.parentId !== null || !TERMINAL_STATES.has(run.state)) continue
        this.#s.deleteTreeStates.run(id)
        this.#s.deleteTree.run(id)
        this.#s.deleteTreeLogs.run(id)
        this.#s.deleteTreeArtifacts.run(id)
        this.#s.deleteTreeLeases.run(id)
        deleted.push(id)
      }
      return deleted
    })
  }

  appendLogs(entries: readonly LogEntry[]) {
    return this.#tx(() => {
      const next = new Map<string, number>()
      for (const entry of entries) {
        let seq = next.get(entry.rootId)
        if (seq === undefined) seq = (this.#s.maxLogSeq.get(entry.rootId) as { seq: number }).seq
        seq += 1
        next.set(entry.rootId, seq)
        this.#s.insertLog.run(entry.rootId, seq, entry.runId, entry.at, entry.level, entry.message)
      }
    })
  }

  listLogs(rootId: string, options: { afterSeq?: number; limit?: number } = {}) {
    const rows = this.#s.listLogs.all(rootId, options.afterSeq ?? 0, options.limit ?? 1000) as {
      root_id: string
      seq: number
      run_id: string
      at: number
      level: LogEntry['level']
      message: string
    }[]
    return Promise.resolve(
      rows.map((r) => ({
        rootId: r.root_id,
        runId: r.run_id,
        seq: r.seq,
        at: r.at,
        level: r.level,
        message: r.message,
      })),
    )
  }

  addArtifact(a: Artifact) {
    return this.#tx(() => {
      this.#s.insertArtifact.run(
        a.id,
        a.rootId,
        a.runId,
        a.key,
        a.type,
        a.description,
        JSON.stringify(a.data),
        a.createdAt,
      )
    })
  }

  listArtifacts(rootId: string): Promise<Artifact[]> {
    const rows = this.#s.listArtifacts.all(rootId) as {
      id: string
      root_id: string
      run_id: string
      key: string
      type: Artifact['type']
      description: string | null
      data: string
      created_at: number
    }[]
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id,
        rootId: r.root_id,
        runId: r.run_id,
        key: r.key,
        type: r.type,
        description: r.description,
        data: JSON.parse(r.data) as unknown,
        createdAt: r.created_at,
      })),
    )
  }

  setConcurrencyLimit(tag: string, limit: number | null) {
    return this.#tx(() => {
      if (limit === null) this.#s.deleteLimit.run(tag)
      else this.#s.setLimit.run(tag, limit)
    })
  }

  getConcurrencyLimits() {
    const rows = this.#s.limits.all() as { tag: string; max_leases: number }[]
    return Promise.resolve(Object.fromEntries(rows.map((r) => [r.tag, r.max_leases])))
  }

  acquireLeases(request: LeaseRequest) {
    return this.#tx((): Lease[] | null => {
      const limited: string[] = []
      for (const tag of new Set(request.tags)) {
        const row = this.#s.limitOf.get(tag) as { max_leases: number } | undefined
        if (!row) continue
        const { used } = this.#s.usedLeases.get(tag, request.now) as { used: number }
        if (used >= row.max_leases) return null
        limited.push(tag)
      }
      if (limited.length === 0) return []
      this.#s.dropExpiredLeases.run(request.now)
      return limited.map((tag) => {
        const lease: Lease = {
          id: newId(),
          tag,
          holderId: request.holderId,
          rootId: request.rootId,
          expiresAt: request.expiresAt,
        }
        this.#s.insertLease.run(lease.id, tag, lease.holderId, lease.rootId, lease.expiresAt)
        return lease
      })
    })
  }

  releaseLeases(by: { holderId?: string; rootId?: string }) {
    return this.#tx(() => {
      let count = 0
      if (by.holderId !== undefined) count += this.#s.releaseByHolder.run(by.holderId).changes
      if (by.rootId !== undefined) count += this.#s.releaseByRoot.run(by.rootId).changes
      return count
    })
  }

  listLeases(now: number) {
    const rows = this.#s.listLeases.all(now) as {
      id: string
      tag: string
      holder_id: string
      root_id: string
      expires_at: number
    }[]
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id,
        tag: r.tag,
        holderId: r.holder_id,
        rootId: r.root_id,
        expiresAt: r.expires_at,
      })),
    )
  }

  getCacheEntry(key: string): Promise<CacheEntry | null> {
    const row = this.#s.getCache.get(key) as
      | {
          key: string
          value: string
          run_id: string
          created_at: number
          expires_at: number | null
        }
      | undefined
    return Promise.resolve(
      row
        ? {
            key: row.key,
            value: row.value,
            runId: row.run_id,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
          }
        : null,
    )
  }

  putCacheEntry(entry: CacheEntry) {
    return this.#tx(() => {
      this.#s.putCache.run(entry.key, entry.value, entry.runId, entry.createdAt, entry.expiresAt)
    })
  }

  close(): Promise<void> {
    this.#flush()
    if (this.db.open) this.db.close()
    return Promise.resolve()
  }
}
