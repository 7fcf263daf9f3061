/**
 * Runs the sync and auth suites on a cluster: every `startServer` of those suites starts TWO
 * instances on PostgreSQL + Redis (a schema and Redis prefix per data dir, so a restart keeps the
 * data) behind a round-robin TCP balancer, and returns one server facade whose URL is the
 * balancer's: each client connection and each HTTP connection may land on either instance. The
 * facade's relay is the first instance's (its reads catch up from storage), with `settings`,
 * `flush` and `liveRooms` spanning both. The suites' SQLite readers (`diskDoc`,
 * `diskEntryCount`) read the room's log from PostgreSQL instead.
 */
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { vi } from 'vitest'
import * as Y from 'yjs'
import type * as ServerModule from '../../src/server'
import type { LoupeServer, StartOptions } from '../../src/server'
import type { Relay } from '../../src/relay'
import type * as HelpersModule from '../sync/helpers'
import { TcpBalancer } from './balancer'
import { TEST_DATABASE_URL, TEST_REDIS_URL, namespaceFor } from './env'

const INSTANCES = Number(process.env.LOUPE_TEST_INSTANCES ?? 2)

vi.mock('../../src/server', async (importOriginal) => {
  const actual = await importOriginal<typeof ServerModule>()

  const startServer = async (options: StartOptions = {}): Promise<LoupeServer> => {
    const base = options.config ?? {}
    const dataDir = resolve(base.dataDir ?? join(process.cwd(), 'data'))
    const namespace = namespaceFor(dataDir)
    const instanceOptions = (): StartOptions => ({
      ...options,
      config: {
        ...base,
        port: 0,
        databaseUrl: TEST_DATABASE_URL,
        databaseSchema: namespace.schema,
        redisUrl: TEST_REDIS_URL,
        redisPrefix: namespace.redisPrefix,
        blobDir: join(dataDir, 'blobs'),
      },
    })
    const first = await actual.startServer(instanceOptions())
    const servers = [first]
    for (let i = 1; i < INSTANCES; i++) servers.push(await actual.startServer(instanceOptions()))
    const balancer = new TcpBalancer(() => servers.map((server) => server.port))
    const port = await balancer.listen(base.port ?? 0)
    return {
      ...first,
      url: `http://127.0.0.1:${port}`,
      port,
      relay: clusterRelay(servers.map((server) => server.relay)),
      close: async () => {
        await Promise.all(servers.map((server) => server.close()))
        await balancer.close()
      },
    }
  }
  return { ...actual, startServer }
})

/** The first relay, with settings, flush and the list of live rooms spanning every instance. */
function clusterRelay(relays: Relay[]): Relay {
  const first = relays[0]!
  const settings = new Proxy(first.settings, {
    set(_, key, value) {
      for (const relay of relays) Reflect.set(relay.settings, key, value)
      return true
    },
  })
  return new Proxy(first, {
    get(target, key) {
      if (key === 'settings') return settings
      if (key === 'flush') {
        return async (options?: { compact?: boolean }) => {
          await Promise.all(relays.map((relay) => relay.flush(options)))
        }
      }
      if (key === 'liveRooms') {
        return () => [...new Set(relays.flatMap((relay) => relay.liveRooms()))]
      }
      const value = Reflect.get(target, key, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** The room's log rows in PostgreSQL, oldest first (synchronous, like the SQLite readers). */
function storedRows(dataDir: string, room: string): Uint8Array[] {
  const { schema } = namespaceFor(resolve(dataDir))
  const out = execFileSync(
    'psql',
    [
      TEST_DATABASE_URL,
      '-AtX',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `SELECT encode(data, 'hex') FROM ${schema}.document_updates
       WHERE room = '${room.replaceAll("'", "''")}' ORDER BY seq`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  )
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => new Uint8Array(Buffer.from(line, 'hex')))
}

vi.mock('../sync/helpers', async (importOriginal) => {
  const actual = await importOriginal<typeof HelpersModule>()
  return {
    ...actual,
    diskEntryCount: (dataDir: string, room: string) => storedRows(dataDir, room).length,
    diskDoc: (dataDir: string, room: string) => {
      const doc = new Y.Doc()
      for (const update of storedRows(dataDir, room)) Y.applyUpdate(doc, update)
      return doc
    },
  }
})
