import type { CacheEntry } from './cache'
import type { Deployment } from './deployment'
import type { StateType, TransitionRefusal, TransitionRequest } from './states'

export type RunKind = 'flow' | 'task'

export interface RunProgress {
  /** 0…1 */
  fraction: number
  message?: string
}

/** A flow or task run. Times are epoch milliseconds. */
export interface FlowRun {
  id: string
  kind: RunKind
  /** Flow or task name. */
  name: string
  /** The enclosing run for tasks and subflows; null for a top-level flow run. */
  parentId: string | null
  /** The top-level flow run this run belongs to (itself for a top-level run). */
  rootId: string
  deploymentId: string | null
  /** Unique among runs when set: creating a run with a taken key returns the existing run. */
  idempotencyKey: string | null
  parameters: unknown
  tags: readonly string[]
  state: StateType
  stateMessage: string | null
  /** When the run may start (or retry). */
  scheduledAt: number
  createdAt: number
  startedAt: number | null
  endedAt: number | null
  /** 0 before the first start, then 1, 2, … */
  attempt: number
  claimedBy: string | null
  heartbeatAt: number | null
  /** JSON text of the result once Completed or Cached. */
  result: string | null
  error: string | null
  progress: RunProgress | null
}

export interface NewRun {
  id?: string
  kind: RunKind
  name: string
  parentId?: string | null
  rootId?: string
  deploymentId?: string | null
  idempotencyKey?: string | null
  parameters: unknown
  tags?: readonly string[]
  state: StateType
  stateMessage?: string | null
  scheduledAt: number
  /** For runs created already running (task runs): their claimant and start. */
  claimedBy?: string | null
  attempt?: number
  result?: string | null
}

export interface StateRecord {
  runId: string
  seq: number
  state: StateType
  at: number
  message: string | null
  by: string | null
}

export interface RunPatch {
  attempt?: number
  startedAt?: number
  result?: string | null
  error?: string | null
}

export interface StoreTransitionRequest extends TransitionRequest {
  at: number
  patch?: RunPatch
}

export type TransitionResult =
  | { ok: true; changed: boolean; run: FlowRun }
  | { ok: false; reason: TransitionRefusal | 'not_found'; message: string; run: FlowRun | null }

export interface RunFilter {
  states?: readonly StateType[]
  kind?: RunKind
  name?: string
  deploymentId?: string
  /** null: top-level runs only. */
  parentId?: string | null
  rootId?: string
  scheduledBefore?: number
  scheduledAfter?: number
  /** By scheduledAt then id; 'desc' (newest first) by default. */
  order?: 'asc' | 'desc'
  limit?: number
  cursor?: string
}

export interface RunPage {
  runs: FlowRun[]
  nextCursor: string | null
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error'

export interface LogEntry {
  /** The top-level flow run; task and subflow logs are kept with it. */
  rootId: string
  runId: string
  /** Per root run, increasing. Assigned by the store. */
  seq?: number
  at: number
  level: LogLevel
  message: string
}

export type ArtifactType = 'file' | 'markdown' | 'table' | 'link'

export interface Artifact {
  id: string
  rootId: string
  runId: string
  key: string
  type: ArtifactType
  description: string | null
  /** file: { name, mimeType, size, ref }; markdown: { markdown }; table: { rows }; link: { url, text }. */
  data: unknown
  createdAt: number
}

export interface Lease {
  id: string
  tag: string
  /** The run that holds it. */
  holderId: string
  /** Its top-level run: heartbeats renew and crash recovery releases leases by root. */
  rootId: string
  expiresAt: number
}

export interface ClaimRequest {
  now: number
  limit: number
  by: string
  /** Only runs of these flows (the ones the runner knows); all when omitted. */
  names?: readonly string[]
}

export interface HeartbeatRequest {
  by: string
  runIds: readonly string[]
  now: number
  /** New expiry for the leases of these runs' trees. */
  leaseExpiresAt: number
}

export interface LeaseRequest {
  holderId: string
  rootId: string
  tags: readonly string[]
  now: number
  expiresAt: number
}

export interface ScheduleRunsRequest {
  deploymentId: string
  at: number
  /** Upserted first when given (a schedule edit, pause, resume). */
  deployment?: Deployment
  /** Delete the deployment's `Scheduled` runs after this time (a schedule edit replaces them). */
  replaceAfter?: number
  runs: readonly NewRun[]
  /** Recorded on the deployment: occurrences up to here have been considered. */
  scheduledThrough: number | null
  /**
   * Apply only if the deployment still exists with this `updatedAt` (the version the plan was
   * made from): a scheduler pass racing an edit or a delete then changes nothing.
   */
  ifUpdatedAt?: number
}

export interface ScheduleRunsResult {
  created: number
  deleted: number
  skipped?: boolean
}

/**
 * Ended top-level runs retention may delete: by age (`endedBefore`, in (endedAt, id) order, paged
 * with `after`), or a deployment's runs beyond its newest `keep` ended ones (`beyond`, newest
 * first by scheduled time).
 */
export type ExpiredRunsRequest =
  | { endedBefore: number; after?: { endedAt: number; id: string }; limit: number }
  | { beyond: { deploymentId: string; keep: number }; limit: number }

/**
 * Persistence for runs, states, deployments, logs, artifacts, leases and cache entries. Async so
 * it can live on PostgreSQL; every method is one atomic step (one transaction).
 */
export interface FlowStore {
  /**
   * True when calls take effect in the order they are made, even when not awaited (one
   * connection, one queue): the engine may then pipeline a task run's creation.
   */
  readonly ordered?: boolean
  /** Creates a run, or returns the run that already holds its idempotency key. */
  createRun(run: NewRun, at: number): Promise<{ run: FlowRun; created: boolean }>
  getRun(id: string): Promise<FlowRun | null>
  getRunByKey(idempotencyKey: string): Promise<FlowRun | null>
  listRuns(filter: RunFilter): Promise<RunPage>
  /** Applies `checkTransition` and the change atomically. */
  transition(runId: string, request: StoreTransitionRequest): Promise<TransitionResult>
  /** Due top-level flow runs, oldest first, moved to Pending for `by`: each run to one claimant. */
  claimRuns(request: ClaimRequest): Promise<FlowRun[]>
  /** Touches `by`'s runs and renews their leases; returns their states (to see Cancelling). */
  heartbeat(request: HeartbeatRequest): Promise<{ id: string; state: StateType }[]>
  /** Active runs (Pending, Running, Retrying, Cancelling) whose heartbeat is older than `before`. */
  listStaleRuns(before: number): Promise<FlowRun[]>
  setProgress(runId: string, progress: RunProgress): Promise<void>
  history(runId: string): Promise<StateRecord[]>

  putDeployment(deployment: Deployment): Promise<void>
  getDeployment(id: string): Promise<Deployment | null>
  listDeployments(): Promise<Deployment[]>
  /** Deletes the deployment and its not yet started Scheduled runs. */
  deleteDeployment(id: string): Promise<void>
  /**
   * Creates scheduled runs idempotently (and optionally replaces future ones) in one step;
   * `skipped` when `ifUpdatedAt` no longer matches.
   */
  scheduleRuns(request: ScheduleRunsRequest): Promise<ScheduleRunsResult>
  /** Every Scheduled top-level run due at or before `cutoff` becomes Late. Returns how many. */
  markLate(cutoff: number, at: number): Promise<number>
  /** Top-level runs in a terminal state (final, or Crashed) that `request` lets retention delete. */
  listExpiredRuns(request: ExpiredRunsRequest): Promise<FlowRun[]>
  /**
   * Deletes these top-level runs with everything under them (task runs, state history, logs,
   * artifact records, leases) in one step; a run not in a terminal state by then is left alone.
   * Returns the ids deleted. Artifact files are the caller's (list them first).
   */
  deleteRuns(rootIds: readonly string[]): Promise<string[]>

  appendLogs(entries: readonly LogEntry[]): Promise<void>
  listLogs(rootId: string, options?: { afterSeq?: number; limit?: number }): Promise<LogEntry[]>

  addArtifact(artifact: Artifact): Promise<void>
  listArtifacts(rootId: string): Promise<Artifact[]>

  setConcurrencyLimit(tag: string, limit: number | null): Promise<void>
  getConcurrencyLimits(): Promise<Record<string, number>>
  /**
   * Takes one lease per limited tag when every such tag has a free slot (unexpired leases count);
   * null when any is full. Tags without a limit need no lease.
   */
  acquireLeases(request: LeaseRequest): Promise<Lease[] | null>
  releaseLeases(by: { holderId?: string; rootId?: string }): Promise<number>
  listLeases(now: number): Promise<Lease[]>

  getCacheEntry(key: string): Promise<CacheEntry | null>
  putCacheEntry(entry: CacheEntry): Promise<void>

  close(): Promise<void>
}

/** Cursor of a run in (scheduledAt, id) order. */
export function encodeCursor(run: Pick<FlowRun, 'scheduledAt' | 'id'>): string {
  return `${run.scheduledAt}_${run.id}`
}

export function decodeCursor(cursor: string): { scheduledAt: number; id: string } | null {
  const at = cursor.indexOf('_')
  const scheduledAt = Number(cursor.slice(0, at))
  if (at <= 0 || !Number.isFinite(scheduledAt)) return null
  return { scheduledAt, id: cursor.slice(at + 1) }
}
