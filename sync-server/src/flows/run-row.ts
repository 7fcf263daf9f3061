import type { FlowRun, RunProgress, StateType } from '@loupe/flows'

/**
 * A `flow_runs` row as both stores read it (the tables have the same columns, see
 * sqlite-schema.ts and postgres-schema.ts). Times are epoch milliseconds: numbers from SQLite,
 * strings from PostgreSQL's BIGINT (pg keeps 64-bit precision; times fit in a double).
 */
export type Int8 = string | number

export interface RunRow {
  id: string
  kind: string
  name: string
  parent_id: string | null
  root_id: string
  deployment_id: string | null
  idempotency_key: string | null
  parameters: string
  tags: string
  state: string
  state_message: string | null
  state_seq: number
  scheduled_at: Int8
  created_at: Int8
  started_at: Int8 | null
  ended_at: Int8 | null
  attempt: number
  claimed_by: string | null
  heartbeat_at: Int8 | null
  result: string | null
  error: string | null
  progress: string | null
}

export const num = (value: Int8): number => Number(value)
export const numOrNull = (value: Int8 | null): number | null =>
  value === null ? null : Number(value)

export const toRun = (row: RunRow): FlowRun => ({
  id: row.id,
  kind: row.kind as FlowRun['kind'],
  name: row.name,
  parentId: row.parent_id,
  rootId: row.root_id,
  deploymentId: row.deployment_id,
  idempotencyKey: row.idempotency_key,
  parameters: JSON.parse(row.parameters) as unknown,
  tags: JSON.parse(row.tags) as string[],
  state: row.state as StateType,
  stateMessage: row.state_message,
  scheduledAt: num(row.scheduled_at),
  createdAt: num(row.created_at),
  startedAt: numOrNull(row.started_at),
  endedAt: numOrNull(row.ended_at),
  attempt: row.attempt,
  claimedBy: row.claimed_by,
  heartbeatAt: numOrNull(row.heartbeat_at),
  result: row.result,
  error: row.error,
  progress: row.progress === null ? null : (JSON.parse(row.progress) as RunProgress),
})

/** The columns a new run is inserted with (all but `state_seq`, which starts at 1), in order. */
export const RUN_COLUMNS = [
  'id',
  'kind',
  'name',
  'parent_id',
  'root_id',
  'deployment_id',
  'idempotency_key',
  'parameters',
  'tags',
  'state',
  'state_message',
  'scheduled_at',
  'created_at',
  'started_at',
  'ended_at',
  'attempt',
  'claimed_by',
  'heartbeat_at',
  'result',
  'error',
  'progress',
] as const

/** A new run's column values by name (SQLite's named parameters). */
export const runParams = (run: FlowRun): Record<(typeof RUN_COLUMNS)[number], unknown> => ({
  id: run.id,
  kind: run.kind,
  name: run.name,
  parent_id: run.parentId,
  root_id: run.rootId,
  deployment_id: run.deploymentId,
  idempotency_key: run.idempotencyKey,
  parameters: JSON.stringify(run.parameters ?? null),
  tags: JSON.stringify(run.tags),
  state: run.state,
  state_message: run.stateMessage,
  scheduled_at: run.scheduledAt,
  created_at: run.createdAt,
  started_at: run.startedAt,
  ended_at: run.endedAt,
  attempt: run.attempt,
  claimed_by: run.claimedBy,
  heartbeat_at: run.heartbeatAt,
  result: run.result,
  error: run.error,
  progress: run.progress === null ? null : JSON.stringify(run.progress),
})

/** A new run's column values in the order of RUN_COLUMNS (PostgreSQL's $n parameters). */
export const runValues = (run: FlowRun): unknown[] => {
  const params = runParams(run)
  return RUN_COLUMNS.map((column) => params[column])
}
