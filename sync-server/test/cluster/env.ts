import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'

/** The local PostgreSQL and Redis the cluster tests run on (override with these variables). */
export const TEST_DATABASE_URL =
  process.env.LOUPE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const TEST_REDIS_URL = process.env.LOUPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Set once per `npm run test:cluster` (vitest.cluster.config.ts): names this run's schemas. */
const RUN = process.env.LOUPE_TEST_RUN ?? randomBytes(4).toString('hex')

export interface Namespace {
  /** A PostgreSQL schema of its own (created by the first migration). */
  schema: string
  /** A Redis channel and key prefix of its own. */
  redisPrefix: string
}

/** A fresh schema + Redis prefix, so tests (and parallel runs) never see each other's data. */
export function freshNamespace(): Namespace {
  const id = randomBytes(5).toString('hex')
  return { schema: `loupe_t_${RUN}_${id}`, redisPrefix: `loupe-test:${RUN}:${id}:` }
}

/** The namespace of a data dir: the same for every start on it (a restart keeps the data). */
export function namespaceFor(dataDir: string): Namespace {
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 10)
  return { schema: `loupe_t_${RUN}_${id}`, redisPrefix: `loupe-test:${RUN}:${id}:` }
}

/** The schema prefix of this run, for the teardown that drops them all. */
export const RUN_SCHEMA_PREFIX = `loupe_t_${RUN}_`

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}

/** Drops every schema this run created. */
export async function dropRunSchemas(prefix = RUN_SCHEMA_PREFIX): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE left(nspname, length($1)) = $1',
      [prefix],
    )
    for (const row of rows) await client.query(`DROP SCHEMA IF EXISTS ${row.nspname} CASCADE`)
  } finally {
    await client.end()
  }
}
