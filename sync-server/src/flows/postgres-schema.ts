import type { FlowRun, RunProgress, StateType } from '@loupe/flows'
import type { PostgresMigrationStep } from '../storage/postgres-db'

/**
 * Flow tables on PostgreSQL, the same shape as the SQLite ones (sqlite-schema.ts). Times are epoch
 * milliseconds in BIGINT (read back as strings by pg, converted in `toRun`); JSON is kept as TEXT
 * so values come back byte for byte. Append-only: a released step is never edited or renamed.
 */
export const STEPS: readonly PostgresMigrationStep[] = [
  {
    name: '001-runs-deployments-logs-artifacts-leases-cache',
    sql: `
      CREATE TABLE flow_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        parent_id TEXT,
        root_id TEXT NOT NULL,
        deployment_id TEXT,
        idempotency_key TEXT UNIQUE,
        parameters TEXT NOT NULL,
        tags TEXT NOT NULL,
        state TEXT NOT NULL,
        state_message TEXT,
        state_seq INTEGER NOT NULL,
        scheduled_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT,
        attempt INTEGER NOT NULL,
        claimed_by TEXT,
        heartbeat_at BIGINT,
        result TEXT,
        error TEXT,
        progress TEXT
      );
      CREATE INDEX flow_runs_due ON flow_runs (state, scheduled_at) WHERE parent_id IS NULL;
      CREATE INDEX flow_runs_order ON flow_runs (scheduled_at, id);
      CREATE INDEX flow_runs_deployment ON flow_runs (deployment_id, state, scheduled_at);
      CREATE INDEX flow_runs_root ON flow_runs (root_id);
      CREATE TABLE flow_run_states (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        at BIGINT NOT NULL,
        message TEXT,
        by TEXT,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE flow_deployments (
        id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE flow_logs (
        root_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (root_id, seq)
      );
      CREATE TABLE flow_artifacts (
        ord BIGSERIAL,
        id TEXT PRIMARY KEY,
        root_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        description TEXT,
        data TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX flow_artifacts_root ON flow_artifacts (root_id, created_at, ord);
      CREATE TABLE flow_concurrency_limits (
        tag TEXT PRIMARY KEY,
        max_leases INTEGER NOT NULL
      );
      CREATE TABLE flow_leases (
        id TEXT PRIMARY KEY,
        tag TEXT NOT NULL,
        holder_id TEXT NOT NULL,
        root_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX flow_leases_tag ON flow_leases (tag, expires_at);
      CREATE INDEX flow_leases_holder ON flow_leases (holder_id);
      CREATE INDEX flow_leases_root ON flow_leases (root_id);
      CREATE TABLE flow_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        run_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT
      );
    `,
  },
]

/** BIGINT columns arrive as strings (pg keeps 64-bit precision); times fit in a double. */
type Int8 = string | number

export interface PgRunRow {
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

export const toRun = (row: PgRunRow): FlowRun => ({
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

/** Column values of a new run, in the order of `INSERT_RUN`. */
export const runValues = (run: FlowRun): unknown[] => [
  run.id,
  run.kind,
  run.name,
  run.parentId,
  run.rootId,
  run.deploymentId,
  run.idempotencyKey,
  JSON.stringify(run.parameters ?? null),
  JSON.stringify(run.tags),
  run.state,
  run.stateMessage,
  run.scheduledAt,
  run.createdAt,
  run.startedAt,
  run.endedAt,
  run.attempt,
  run.claimedBy,
  run.heartbeatAt,
  run.result,
  run.error,
  run.progress === null ? null : JSON.stringify(run.progress),
]

export const INSERT_RUN = `INSERT INTO flow_runs (id, kind, name, parent_id, root_id, deployment_id,
    idempotency_key, parameters, tags, state, state_message, state_seq, scheduled_at, created_at,
    started_at, ended_at, attempt, claimed_by, heartbeat_at, result, error, progress)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15, $16, $17, $18, $19,
    $20, $21)`
