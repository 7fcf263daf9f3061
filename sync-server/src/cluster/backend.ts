import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { LoupeConfig } from '../config'
import type { Logger } from '../logger'
import { FileBlobStore } from '../storage/file-blobs'
import { PostgresDatabase } from '../storage/postgres-db'
import { PostgresDocumentStore } from '../storage/postgres-documents'
import { PostgresMetaStore } from '../storage/postgres-meta'
import { openDatabase } from '../storage/sqlite'
import type { SqliteDatabase } from '../storage/sqlite'
import { SqliteDocumentStore } from '../storage/sqlite-documents'
import { SqliteMetaStore } from '../storage/sqlite-meta'
import type { BlobStore, DocumentStore, MetaStore } from '../storage/types'
import { RedisFanOut, RedisLock, withTimeout } from './redis'
import { RedisClientOwnership } from './redis-ownership'
import type { RoomCluster } from './room-cluster'

/** One dependency readiness depends on (`GET /api/ready`). */
export interface ReadinessCheck {
  name: 'database' | 'redis'
  check(): Promise<void>
}

/**
 * Storage and fan-out of one server instance, chosen by the configuration:
 * - embedded (default): one SQLite file + a blob folder in the data dir; one instance;
 * - `DATABASE_URL`: documents and metadata on PostgreSQL;
 * - `DATABASE_URL` + `REDIS_URL`: cluster mode, any number of instances on that database, rooms
 *   kept in step over Redis pub/sub, compaction under a Redis lock.
 * Blobs always go to the blob folder (`LOUPE_BLOB_DIR`), which instances of a cluster share.
 */
export interface Backend {
  mode: 'embedded' | 'postgres' | 'cluster'
  documents: DocumentStore
  meta: MetaStore
  blobs: BlobStore
  /** Handed to the relay: null outside cluster mode. */
  cluster: RoomCluster | null
  /** The PostgreSQL pool when `DATABASE_URL` is set (flow runs go on it too). */
  postgres: PostgresDatabase | null
  readiness: ReadinessCheck[]
  /** Identifies this instance on the bus and in logs. */
  instance: string
  close(): Promise<void>
}

export async function openBackend(config: LoupeConfig, logger: Logger): Promise<Backend> {
  const instance = randomBytes(6).toString('hex')
  const blobs = new FileBlobStore(config.blobDir)
  if (config.databaseUrl === null) {
    if (config.redisUrl !== null) {
      throw new Error('REDIS_URL is set without DATABASE_URL: cluster mode needs both')
    }
    return embedded(config, blobs, instance)
  }
  const postgres = new PostgresDatabase({ url: config.databaseUrl, schema: config.databaseSchema })
  let fanout: RedisFanOut | null = null
  let owners: RedisClientOwnership | null = null
  try {
    const documents = await PostgresDocumentStore.open(postgres)
    const meta = await PostgresMetaStore.open(postgres)
    const readiness: ReadinessCheck[] = [
      { name: 'database', check: () => withTimeout(postgres.ping(), 2_000, 'database ping') },
    ]
    let cluster: RoomCluster | null = null
    if (config.redisUrl !== null) {
      fanout = new RedisFanOut({
        url: config.redisUrl,
        prefix: config.redisPrefix,
        instance,
        logger,
      })
      await fanout.ping()
      owners = await RedisClientOwnership.start({
        fanout,
        prefix: config.redisPrefix,
        instance,
        logger,
        ttlMs: config.clientOwnerTtlMs,
      })
      cluster = {
        fanout,
        lock: new RedisLock(fanout.publisher, config.redisPrefix),
        owners,
        loadSince: (room, afterSeq) => documents.loadSince(room, afterSeq),
        gapMs: 250,
        compactionLockMs: 30_000,
      }
      const bus = fanout
      readiness.push({ name: 'redis', check: () => bus.ping() })
    }
    return {
      mode: cluster ? 'cluster' : 'postgres',
      documents,
      meta,
      blobs,
      cluster,
      postgres,
      readiness,
      instance,
      close: async () => {
        await owners?.close()
        await fanout?.close()
        await postgres.close()
      },
    }
  } catch (error) {
    await owners?.close()
    await fanout?.close()
    await postgres.close().catch(() => undefined)
    throw error
  }
}

function embedded(config: LoupeConfig, blobs: BlobStore, instance: string): Backend {
  const db: SqliteDatabase = openDatabase(join(config.dataDir, 'loupe.sqlite'))
  return {
    mode: 'embedded',
    documents: new SqliteDocumentStore(db),
    meta: new SqliteMetaStore(db),
    blobs,
    cluster: null,
    postgres: null,
    readiness: [
      {
        name: 'database',
        check: async () => {
          db.prepare('SELECT 1').get()
        },
      },
    ],
    instance,
    close: async () => {
      db.close()
    },
  }
}
