import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { startServer } from '../../src/server'
import type { LoupeServer, StartOptions } from '../../src/server'
import type { LoupeConfig } from '../../src/config'
import type { LogRecord } from '../../src/logger'
import { PostgresDatabase } from '../../src/storage/postgres-db'
import { PostgresDocumentStore } from '../../src/storage/postgres-documents'
import { TcpBalancer } from './balancer'
import { TEST_DATABASE_URL, TEST_REDIS_URL, dropSchema, freshNamespace } from './env'
import type { Namespace } from './env'

export const SECRET = 'x'.repeat(32)
export const ADMIN_TOKEN = 'a'.repeat(32)

/** The config of one instance of a test cluster on the local PostgreSQL and Redis. */
export function instanceConfig(
  namespace: Namespace,
  dataDir: string,
  config: Partial<LoupeConfig> = {},
): Partial<LoupeConfig> {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: null,
    logLevel: 'silent',
    secret: SECRET,
    adminToken: ADMIN_TOKEN,
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: namespace.schema,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: namespace.redisPrefix,
    blobDir: join(dataDir, 'blobs'),
    ...config,
  }
}

export interface TestCluster {
  servers: LoupeServer[]
  balancer: TcpBalancer
  namespace: Namespace
  dataDir: string
  logs: LogRecord[]
  /** Through the balancer: `http://127.0.0.1:<port>`. */
  url: string
  /** y-websocket base URL through the balancer. */
  wsUrl: string
  /** y-websocket base URL of one instance. */
  wsUrlOf(index: number): string
  close(): Promise<void>
}

/** N in-process instances on one fresh schema and Redis prefix, behind a TCP balancer. */
export async function startCluster(
  options: { instances?: number; config?: Partial<LoupeConfig>; start?: typeof startServer } = {},
): Promise<TestCluster> {
  const namespace = freshNamespace()
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-cluster-'))
  const logs: LogRecord[] = []
  const start = options.start ?? startServer
  const startOptions = (): StartOptions => ({
    env: {},
    config: instanceConfig(namespace, dataDir, options.config),
    logSink: (record) => logs.push(record),
  })
  // The first instance migrates; the others start together (and find nothing to migrate).
  const first = await start(startOptions())
  const rest = await Promise.all(
    Array.from({ length: (options.instances ?? 2) - 1 }, () => start(startOptions())),
  )
  const servers = [first, ...rest]
  const balancer = new TcpBalancer(() => servers.map((server) => server.port))
  const port = await balancer.listen()
  const url = `http://127.0.0.1:${port}`
  return {
    servers,
    balancer,
    namespace,
    dataDir,
    logs,
    url,
    wsUrl: url.replace(/^http/, 'ws') + '/sync',
    wsUrlOf: (index) => servers[index]!.url.replace(/^http/, 'ws') + '/sync',
    close: async () => {
      await Promise.all(servers.map((server) => server.close()))
      await balancer.close()
      await dropSchema(namespace.schema)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The room as a fresh load from PostgreSQL sees it (no instance involved). */
export async function storedInPostgres(cluster: TestCluster, room: string): Promise<Y.Doc> {
  const db = new PostgresDatabase({ url: TEST_DATABASE_URL, schema: cluster.namespace.schema })
  try {
    const store = await PostgresDocumentStore.open(db)
    const doc = new Y.Doc()
    for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update)
    return doc
  } finally {
    await db.close()
  }
}

export function randomEdits(docs: Y.Doc[], count: number, random: () => number): void {
  for (let i = 0; i < count; i++) {
    const doc = docs[Math.floor(random() * docs.length)]!
    const shapes = doc.getMap<Y.Map<unknown>>('shapes')
    const r = random()
    if (r < 0.5 || shapes.size === 0) {
      const shape = new Y.Map<unknown>()
      shape.set('points', [random() * 100, random() * 100, random() * 100, random() * 100])
      shape.set('labelId', `l${Math.floor(random() * 5)}`)
      shapes.set(`s${doc.clientID}-${i}`, shape)
    } else if (r < 0.8) {
      const keys = [...shapes.keys()]
      shapes.get(keys[Math.floor(random() * keys.length)]!)?.set('points', [random(), random()])
    } else {
      const keys = [...shapes.keys()]
      shapes.delete(keys[Math.floor(random() * keys.length)]!)
    }
  }
}
