import pg from 'pg'

/** One named migration step of a store; append-only, never edited or renamed once released. */
export interface PostgresMigrationStep {
  name: string
  sql: string
}

/** Any number in 0..2^31: the first key of the advisory lock every Loupe migration takes. */
const MIGRATION_LOCK = 0x10_0e

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database` (`DATABASE_URL`). */
  url: string
  /** Schema the tables live in (`LOUPE_DATABASE_SCHEMA`, default `public`); created if missing. */
  schema?: string
  /** Most connections this instance opens (default 10). */
  maxConnections?: number
}

/**
 * A connection pool on one schema, shared by the PostgreSQL stores of a server instance. Every
 * connection has `search_path` set to the schema, so tests (and tenants) can live side by side in
 * one database.
 */
export class PostgresDatabase {
  readonly pool: pg.Pool
  readonly schema: string

  constructor(options: PostgresOptions) {
    const schema = options.schema ?? 'public'
    if (!IDENTIFIER.test(schema)) {
      throw new Error(`LOUPE_DATABASE_SCHEMA: expected a lowercase identifier, got ${schema}`)
    }
    this.schema = schema
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      options: `-c search_path=${schema}`,
    })
    // An idle client that loses its server emits here; without a listener it would crash the process.
    this.pool.on('error', () => {})
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, values)
  }

  /** Runs `fn` in one transaction on one connection (`BEGIN` … `COMMIT`, `ROLLBACK` on a throw). */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  /**
   * Applies a store's pending steps in order, each in its own transaction, under a session
   * advisory lock per schema: when several instances start at once, one migrates and the others
   * wait, then find every step recorded and apply nothing.
   */
  async migrate(store: string, steps: readonly PostgresMigrationStep[]): Promise<void> {
    const client = await this.pool.connect()
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK, this.schema])
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`)
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          store TEXT NOT NULL,
          name TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
          PRIMARY KEY (store, name)
        )`)
        const applied = new Set(
          (
            await client.query<{ name: string }>(
              'SELECT name FROM schema_migrations WHERE store = $1',
              [store],
            )
          ).rows.map((row) => row.name),
        )
        for (const step of steps) {
          if (applied.has(step.name)) continue
          await client.query('BEGIN')
          try {
            await client.query(step.sql)
            await client.query('INSERT INTO schema_migrations (store, name) VALUES ($1, $2)', [
              store,
              step.name,
            ])
            await client.query('COMMIT')
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined)
            throw new Error(`migration ${store}/${step.name} failed: ${(error as Error).message}`, {
              cause: error,
            })
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [
          MIGRATION_LOCK,
          this.schema,
        ])
      }
    } finally {
      client.release()
    }
  }

  /** Readiness: one round trip. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
