import type { MigrationStep } from '../storage/sqlite'

/** Append-only: a released step is never edited or renamed (applied steps are recorded). */
export const STEPS: readonly MigrationStep[] = [
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
        scheduled_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        attempt INTEGER NOT NULL,
        claimed_by TEXT,
        heartbeat_at INTEGER,
        result TEXT,
        error TEXT,
        progress TEXT
      );
      CREATE INDEX flow_runs_due ON flow_runs(state, scheduled_at) WHERE parent_id IS NULL;
      CREATE INDEX flow_runs_order ON flow_runs(scheduled_at, id);
      CREATE INDEX flow_runs_deployment ON flow_runs(deployment_id, state, scheduled_at);
      CREATE INDEX flow_runs_root ON flow_runs(root_id);
      CREATE TABLE flow_run_states (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        at INTEGER NOT NULL,
        message TEXT,
        by TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE flow_deployments (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE flow_logs (
        root_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (root_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE flow_artifacts (
        id TEXT PRIMARY KEY,
        root_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        description TEXT,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX flow_artifacts_root ON flow_artifacts(root_id, created_at);
      CREATE TABLE flow_concurrency_limits (
        tag TEXT PRIMARY KEY,
        max_leases INTEGER NOT NULL
      );
      CREATE TABLE flow_leases (
        id TEXT PRIMARY KEY,
        tag TEXT NOT NULL,
        holder_id TEXT NOT NULL,
        root_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX flow_leases_tag ON flow_leases(tag, expires_at);
      CREATE INDEX flow_leases_holder ON flow_leases(holder_id);
      CREATE INDEX flow_leases_root ON flow_leases(root_id);
      CREATE TABLE flow_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        run_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
      );
    `,
  },
  {
    // Run retention finds ended top-level runs by age.
    name: '002-runs-ended-index',
    sql: `CREATE INDEX flow_runs_ended ON flow_runs(ended_at, id) WHERE parent_id IS NULL;`,
  },
]

export { runParams, toRun } from './run-row'
export type { RunRow } from './run-row'
