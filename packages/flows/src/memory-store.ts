import type { CacheEntry } from './cache'
import type { Deployment } from './deployment'
import { newId } from './platform'
import { ACTIVE_STATES, CLAIMABLE_STATES, TERMINAL_STATES } from './states'
import type { StateType } from './states'
import { decodeCursor, encodeCursor } from './store'
import type {
  Artifact,
  ClaimRequest,
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
  StoreTransitionRequest,
  TransitionResult,
} from './store'
import { decideTransition, materializeRun } from './store-rules'

const CLAIMABLE: ReadonlySet<StateType> = new Set(CLAIMABLE_STATES)
const ACTIVE: ReadonlySet<StateType> = new Set(ACTIVE_STATES)

const copy = <T extends object>(value: T): T => ({ ...value })

/** A FlowStore in memory: every method is synchronous inside, hence atomic. For tests. */
export class MemoryFlowStore implements FlowStore {
  readonly ordered = true
  readonly #runs = new Map<string, FlowRun>()
  readonly #keys = new Map<string, string>()
  /** Top-level flow runs in a claimable state. */
  readonly #due = new Set<string>()
  readonly #history = new Map<string, StateRecord[]>()
  readonly #deployments = new Map<string, Deployment>()
  readonly #logs = new Map<string, LogEntry[]>()
  readonly #artifacts = new Map<string, Artifact[]>()
  readonly #limits = new Map<string, number>()
  readonly #leases = new Map<string, Lease>()
  readonly #cache = new Map<string, CacheEntry>()

  #put(run: FlowRun, at: number, by: string | null, changed: boolean): void {
    this.#runs.set(run.id, run)
    if (CLAIMABLE.has(run.state) && run.kind === 'flow' && run.parentId === null) {
      this.#due.add(run.id)
    } else this.#due.delete(run.id)
    if (!changed) return
    let list = this.#history.get(run.id)
    if (!list) this.#history.set(run.id, (list = []))
    list.push({
      runId: run.id,
      seq: list.length + 1,
      state: run.state,
      at,
      message: run.stateMessage,
      by,
    })
  }

  createRun(input: NewRun, at: number): Promise<{ run: FlowRun; created: boolean }> {
    return Promise.resolve(this.#create(input, at))
  }

  #create(input: NewRun, at: number): { run: FlowRun; created: boolean } {
    if (input.idempotencyKey) {
      const existing = this.#keys.get(input.idempotencyKey)
      const run = existing ? this.#runs.get(existing) : undefined
      if (run) return { run: copy(run), created: false }
    }
    const run = materializeRun(input, at)
    if (this.#runs.has(run.id)) throw new Error(`run ${run.id} exists`)
    if (run.idempotencyKey) this.#keys.set(run.idempotencyKey, run.id)
    this.#put(run, at, input.claimedBy ?? null, true)
    return { run: copy(run), created: true }
  }

  getRun(id: string): Promise<FlowRun | null> {
    const run = this.#runs.get(id)
    return Promise.resolve(run ? copy(run) : null)
  }

  getRunByKey(key: string): Promise<FlowRun | null> {
    const id = this.#keys.get(key)
    return this.getRun(id ?? '')
  }

  listRuns(filter: RunFilter): Promise<RunPage> {
    const desc = filter.order !== 'asc'
    const after = filter.cursor ? decodeCursor(filter.cursor) : null
    const states = filter.states ? new Set(filter.states) : null
    const limit = filter.limit ?? 100
    const matches = [...this.#runs.values()].filter(
      (r) =>
        (!states || states.has(r.state)) &&
        (filter.kind === undefined || r.kind === filter.kind) &&
        (filter.name === undefined || r.name === filter.name) &&
        (filter.deploymentId === undefined || r.deploymentId === filter.deploymentId) &&
        (filter.parentId === undefined || r.parentId === filter.parentId) &&
        (filter.rootId === undefined || r.rootId === filter.rootId) &&
        (filter.scheduledBefore === undefined || r.scheduledAt <= filter.scheduledBefore) &&
        (filter.scheduledAfter === undefined || r.scheduledAt > filter.scheduledAfter) &&
        (!after || (desc ? compare(r, after) < 0 : compare(r, after) > 0)),
    )
    matches.sort((a, b) => (desc ? compare(b, a) : compare(a, b)))
    const runs = matches.slice(0, limit).map(copy)
    const last = runs[runs.length - 1]
    const nextCursor = matches.length > limit && last ? encodeCursor(last) : null
    return Promise.resolve({ runs, nextCursor })
  }

  transition(runId: string, request: StoreTransitionRequest): Promise<TransitionResult> {
    const run = this.#runs.get(runId) ?? null
    const result = decideTransition(run, runId, request)
    if (result.ok && result.changed) this.#put(result.run, request.at, request.by ?? null, true)
    return Promise.resolve(
      result.run ? { ...result, run: copy(result.run) } : result,
    ) as Promise<TransitionResult>
  }

  claimRuns(request: ClaimRequest): Promise<FlowRun[]> {
    const names = request.names ? new Set(request.names) : null
    const due = [...this.#due]
      .map((id) => this.#runs.get(id))
      .filter(
        (r): r is FlowRun => !!r && r.scheduledAt <= request.now && (!names || names.has(r.name)),
      )
      .sort(compare)
      .slice(0, request.limit)
    const claimed: FlowRun[] = []
    for (const run of due) {
      const result = decideTransition(run, run.id, {
        to: 'Pending',
        from: CLAIMABLE_STATES,
        by: request.by,
        at: request.now,
      })
      if (result.ok && result.changed) {
        this.#put(result.run, request.now, request.by, true)
        claimed.push(copy(result.run))
      }
    }
    return Promise.resolve(claimed)
  }

  heartbeat(request: HeartbeatRequest): Promise<{ id: string; state: StateType }[]> {
    const out: { id: string; state: StateType }[] = []
    const roots = new Set<string>()
    for (const id of request.runIds) {
      const run = this.#runs.get(id)
      if (!run || run.claimedBy !== request.by) continue
      if (ACTIVE.has(run.state)) run.heartbeatAt = request.now
      roots.add(run.rootId)
      out.push({ id, state: run.state })
    }
    for (const lease of this.#leases.values()) {
      if (roots.has(lease.rootId)) lease.expiresAt = request.leaseExpiresAt
    }
    return Promise.resolve(out)
  }

  listStaleRuns(before: number): Promise<FlowRun[]> {
    const stale = [...this.#runs.values()].filter(
      (r) => r.parentId === null && ACTIVE.has(r.state) && (r.heartbeatAt ?? 0) < before,
    )
    return Promise.resolve(stale.map(copy))
  }

  setProgress(runId: string, progress: RunProgress): Promise<void> {
    const run = this.#runs.get(runId)
    if (run) run.progress = { ...progress }
    return Promise.resolve()
  }

  history(runId: string): Promise<StateRecord[]> {
    return Promise.resolve((this.#history.get(runId) ?? []).map(copy))
  }

  putDeployment(deployment: Deployment): Promise<void> {
    this.#deployments.set(deployment.id, copy(deployment))
    return Promise.resolve()
  }

  getDeployment(id: string): Promise<Deployment | null> {
    const d = this.#deployments.get(id)
    return Promise.resolve(d ? copy(d) : null)
  }

  listDeployments(): Promise<Deployment[]> {
    return Promise.resolve(
      [...this.#deployments.values()].sort((a, b) => a.createdAt - b.createdAt).map(copy),
    )
  }

  deleteDeployment(id: string): Promise<void> {
    this.#deployments.delete(id)
    for (const run of [...this.#runs.values()]) {
      if (run.deploymentId === id && run.state === 'Scheduled') this.#deleteRun(run)
    }
    return Promise.resolve()
  }

  #deleteRun(run: FlowRun): void {
    this.#runs.delete(run.id)
    this.#due.delete(run.id)
    this.#history.delete(run.id)
    if (run.idempotencyKey) this.#keys.delete(run.idempotencyKey)
  }

  scheduleRuns(request: ScheduleRunsRequest): Promise<ScheduleRunsResult> {
    if (request.ifUpdatedAt !== undefined) {
      const current = this.#deployments.get(request.deploymentId)
      if (current?.updatedAt !== request.ifUpdatedAt) {
        return Promise.resolve({ created: 0, deleted: 0, skipped: true })
      }
    }
    let deleted = 0
    if (request.deployment) this.#deployments.set(request.deployment.id, copy(request.deployment))
    if (request.replaceAfter !== undefined) {
      for (const run of [...this.#runs.values()]) {
        if (
          run.deploymentId === request.deploymentId &&
          run.state === 'Scheduled' &&
          run.scheduledAt > request.replaceAfter
        ) {
          this.#deleteRun(run)
          deleted += 1
        }
      }
    }
    let created = 0
    for (const input of request.runs) {
      if (this.#create(input, request.at).created) created += 1
    }
    const deployment = this.#deployments.get(request.deploymentId)
    if (deployment) deployment.scheduledThrough = request.scheduledThrough
    return Promise.resolve({ created, deleted })
  }

  markLate(cutoff: number, at: number): Promise<number> {
    let count = 0
    for (const id of this.#due) {
      const run = this.#runs.get(id)
      if (!run || run.state !== 'Scheduled' || run.scheduledAt > cutoff) continue
      const result = decideTransition(run, id, { to: 'Late', from: ['Scheduled'], at })
      if (result.ok && result.changed) {
        this.#put(result.run, at, null, true)
        count += 1
      }
    }
    return Promise.resolve(count)
  }

  listExpiredRuns(request: ExpiredRunsRequest): Promise<FlowRun[]> {
    const ended = [...this.#runs.values()].filter(
      (r) => r.parentId === null && TERMINAL_STATES.has(r.state) && r.endedAt !== null,
    )
    let expired: FlowRun[]
    if ('beyond' in request) {
      const { deploymentId, keep } = request.beyond
      expired = ended
        .filter((r) => r.deploymentId === deploymentId)
        .sort((a, b) => compare(b, a))
        .slice(keep)
    } else {
      const { endedBefore, after } = request
      const endedAt = (r: FlowRun) => r.endedAt ?? 0
      expired = ended
        .filter(
          (r) =>
            endedAt(r) < endedBefore &&
            (!after ||
              endedAt(r) > after.endedAt ||
              (endedAt(r) === after.endedAt && r.id > after.id)),
        )
        .sort((a, b) => endedAt(a) - endedAt(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    }
    return Promise.resolve(expired.slice(0, request.limit).map(copy))
  }

  deleteRuns(rootIds: readonly string[]): Promise<string[]> {
    const deleted: string[] = []
    for (const id of rootIds) {
      const root = this.#runs.get(id)
      if (!root || root.parentId !== null || !TERMINAL_STATES.has(root.state)) continue
      for (const run of [...this.#runs.values()]) if (run.rootId === id) this.#deleteRun(run)
      this.#logs.delete(id)
      this.#artifacts.delete(id)
      for (const [leaseId, lease] of this.#leases) {
        if (lease.rootId === id) this.#leases.delete(leaseId)
      }
      deleted.push(id)
    }
    return Promise.resolve(deleted)
  }

  appendLogs(entries: readonly LogEntry[]): Promise<void> {
    for (const entry of entries) {
      let list = this.#logs.get(entry.rootId)
      if (!list) this.#logs.set(entry.rootId, (list = []))
      list.push({ ...entry, seq: list.length + 1 })
    }
    return Promise.resolve()
  }

  listLogs(rootId: string, options: { afterSeq?: number; limit?: number } = {}) {
    const list = (this.#logs.get(rootId) ?? []).filter(
      (e) => (e.seq ?? 0) > (options.afterSeq ?? 0),
    )
    return Promise.resolve(list.slice(0, options.limit ?? 1000).map(copy))
  }

  addArtifact(artifact: Artifact): Promise<void> {
    let list = this.#artifacts.get(artifact.rootId)
    if (!list) this.#artifacts.set(artifact.rootId, (list = []))
    list.push(copy(artifact))
    return Promise.resolve()
  }

  listArtifacts(rootId: string): Promise<Artifact[]> {
    return Promise.resolve((this.#artifacts.get(rootId) ?? []).map(copy))
  }

  setConcurrencyLimit(tag: string, limit: number | null): Promise<void> {
    if (limit === null) this.#limits.delete(tag)
    else this.#limits.set(tag, limit)
    return Promise.resolve()
  }

  getConcurrencyLimits(): Promise<Record<string, number>> {
    return Promise.resolve(Object.fromEntries(this.#limits))
  }

  acquireLeases(request: LeaseRequest): Promise<Lease[] | null> {
    const limited = [...new Set(request.tags)].filter((t) => this.#limits.has(t))
    for (const tag of limited) {
      let used = 0
      for (const lease of this.#leases.values()) {
        if (lease.tag === tag && lease.expiresAt > request.now) used += 1
      }
      if (used >= (this.#limits.get(tag) ?? 0)) return Promise.resolve(null)
    }
    for (const [id, lease] of this.#leases) {
      if (lease.expiresAt <= request.now) this.#leases.delete(id)
    }
    const leases = limited.map((tag) => ({
      id: newId(),
      tag,
      holderId: request.holderId,
      rootId: request.rootId,
      expiresAt: request.expiresAt,
    }))
    for (const lease of leases) this.#leases.set(lease.id, lease)
    return Promise.resolve(leases.map(copy))
  }

  releaseLeases(by: { holderId?: string; rootId?: string }): Promise<number> {
    let count = 0
    for (const [id, lease] of this.#leases) {
      if (
        (by.holderId !== undefined && lease.holderId === by.holderId) ||
        (by.rootId !== undefined && lease.rootId === by.rootId)
      ) {
        this.#leases.delete(id)
        count += 1
      }
    }
    return Promise.resolve(count)
  }

  listLeases(now: number): Promise<Lease[]> {
    return Promise.resolve([...this.#leases.values()].filter((l) => l.expiresAt > now).map(copy))
  }

  getCacheEntry(key: string): Promise<CacheEntry | null> {
    const entry = this.#cache.get(key)
    return Promise.resolve(entry ? copy(entry) : null)
  }

  putCacheEntry(entry: CacheEntry): Promise<void> {
    this.#cache.set(entry.key, copy(entry))
    return Promise.resolve()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

function compare(a: Pick<FlowRun, 'scheduledAt' | 'id'>, b: Pick<FlowRun, 'scheduledAt' | 'id'>) {
  return a.scheduledAt - b.scheduledAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
