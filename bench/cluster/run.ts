/**
 * `tsx bench/cluster/run.ts` — the relay benchmark's load (bench/relay/load.ts) spread over 1, 2
 * and 3 Loupe instances in cluster mode (PostgreSQL + Redis, each instance in its own process),
 * clients assigned round-robin; then the Redis hop alone. One JSON line per case on stdout.
 *
 *   tsx bench/cluster/run.ts [--instances 1,2,3] [--clients 30] [--updates 300] [--duration 15]
 *     [--rate 2] [--paced-updates 20] [--hop-edits 200] [--quick]
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and BENCH_REDIS_URL
 * (default redis://127.0.0.1:6379); every case runs on a fresh schema and Redis prefix.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import * as Y from 'yjs'
import { TokenService } from '@loupe/sync-server'
import { connectClient } from '../relay/clients'
import type { BenchClient } from '../relay/clients'
import { closeClients, runLoad } from '../relay/load'
import type { LoadResult } from '../relay/load'
import { BENCH_PROJECT, BENCH_ROOM } from '../relay/protocol'
import { round, summarize } from '../relay/stats'

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    clients: { type: 'string' },
    updates: { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    'paced-updates': { type: 'string' },
    'hop-edits': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const quick = values.quick
const counts = (values.instances ?? '1,2,3').split(',').map(Number)
const clientCount = Number(values.clients ?? (quick ? 12 : 30))
const updates = Number(values.updates ?? (quick ? 100 : 300))
const durationS = Number(values.duration ?? (quick ? 5 : 15))
const rate = Number(values.rate ?? 2)
const pacedUpdates = Number(values['paced-updates'] ?? (quick ? 10 : 20))
const hopEdits = Number(values['hop-edits'] ?? (quick ? 60 : 200))
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const SECRET = 'x'.repeat(32)
const ADMIN = 'a'.repeat(32)
const INSTANCE = fileURLToPath(new URL('./instance.ts', import.meta.url))
const log = (message: string) => process.stderr.write(`${message}\n`)
process.setMaxListeners(clientCount * 2 + 20)

interface Cluster {
  ports: number[]
  stop(): Promise<void>
}

async function startCluster(n: number): Promise<Cluster> {
  const id = randomBytes(4).toString('hex')
  const schema = `loupe_bench_${id}`
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-bench-cluster-'))
  const config = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: null,
    logLevel: 'silent',
    secret: SECRET,
    adminToken: ADMIN,
    databaseUrl: DATABASE_URL,
    databaseSchema: schema,
    redisUrl: REDIS_URL,
    redisPrefix: `loupe-bench:${id}:`,
    blobDir: join(dataDir, 'blobs'),
  }
  const children: ChildProcess[] = []
  const spawnOne = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
      env: { ...process.env, BENCH_INSTANCE_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    const lines = createInterface({ input: child.stdout! })
    return new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`instance exited early (${code})`)))
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve((JSON.parse(line) as { port: number }).port)
      })
    })
  }
  const ports = [await spawnOne()] // the first one migrates
  for (let i = 1; i < n; i++) ports.push(await spawnOne())
  return {
    ports,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve()
              child.once('exit', () => resolve())
              child.kill('SIGTERM')
            }),
        ),
      )
      const client = new pg.Client({ connectionString: DATABASE_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function connect(ports: number[], count: number, assign: (i: number) => number) {
  const { token } = await new TokenService(SECRET, ADMIN).issue({
    projectId: BENCH_PROJECT,
    role: 'annotator',
  })
  const clients: BenchClient[] = []
  for (let i = 0; i < count; i++) {
    const url = `ws://127.0.0.1:${ports[assign(i) % ports.length]}/sync`
    clients.push(
      connectClient({ kind: 'loupe', url, room: BENCH_ROOM, params: { token } }, new Y.Doc()),
    )
  }
  await Promise.all(clients.map((c) => c.synced))
  // Each annotator draws its rectangle (as bench/relay does); wait until everyone sees all.
  clients.forEach((client, i) => {
    client.doc.transact(() => {
      const shape = new Y.Map<unknown>()
      shape.set('type', 'rectangle')
      shape.set('points', [i, i, i + 40, i + 30])
      shape.set('rev', 0)
      shape.set('sentAt', 0)
      client.doc.getMap('shapes').set(`shape-${i}`, shape)
    }, 'local')
  })
  const deadline = Date.now() + 30_000
  while (!clients.every((c) => c.doc.getMap('shapes').size === count)) {
    if (Date.now() > deadline) throw new Error('clients did not see every shape')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return clients
}

const summary = (result: LoadResult) => {
  const latency = summarize(result.latencies)
  const seconds = result.wallMs / 1000
  return {
    updatesPerSecond: Math.round(result.delivered / seconds),
    editsPerSecond: Math.round(result.sent / seconds),
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    complete: result.complete,
  }
}

const common = { window: 200, observers: 4, drainMs: 30_000, log }

for (const n of counts) {
  log(`[bench/cluster] ${n} instance(s), ${clientCount} clients`)
  const cluster = await startCluster(n)
  try {
    const clients = await connect(cluster.ports, clientCount, (i) => i)
    try {
      await runLoad(clients, { ...common, updates: 5, rate: 0, durationMs: 30_000 })
      const paced = summary(
        await runLoad(clients, { ...common, updates: pacedUpdates, rate, durationMs: 600_000 }),
      )
      const saturation = summary(
        await runLoad(clients, { ...common, updates, rate: 0, durationMs: durationS * 1000 }),
      )
      process.stdout.write(
        JSON.stringify({
          bench: 'cluster',
          instances: n,
          clients: clientCount,
          updatesPerSecond: saturation.updatesPerSecond,
          p50Ms: paced.p50Ms,
          p99Ms: paced.p99Ms,
          saturationP99Ms: saturation.p99Ms,
          complete: paced.complete && saturation.complete,
        }) + '\n',
      )
    } finally {
      closeClients(clients)
    }
  } finally {
    await cluster.stop()
  }
}

// The Redis hop alone: one writer on instance 1, one observer beside it and one on instance 2.
{
  log(`[bench/cluster] redis hop: ${hopEdits} paced edits`)
  const cluster = await startCluster(2)
  try {
    const clients = await connect(cluster.ports, 3, (i) => (i === 2 ? 1 : 0))
    try {
      const [writer, near, far] = clients as [BenchClient, BenchClient, BenchClient]
      const shape = writer.doc.getMap<Y.Map<unknown>>('shapes').get('shape-0')!
      const samples = { near: new Float64Array(hopEdits), far: new Float64Array(hopEdits) }
      const seen = { near: 0, far: 0 }
      const watch = (client: BenchClient, key: 'near' | 'far') => {
        const remote = client.doc.getMap<Y.Map<unknown>>('shapes').get('shape-0')!
        remote.observe(() => {
          const sentAt = remote.get('sentAt') as number
          if (sentAt > 0 && seen[key] < hopEdits) {
            samples[key][seen[key]++] = performance.now() - sentAt
          }
        })
      }
      watch(near, 'near')
      watch(far, 'far')
      for (let i = 1; i <= hopEdits; i++) {
        writer.doc.transact(() => {
          shape.set('rev', i)
          shape.set('sentAt', performance.now())
        })
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      const near_ = summarize(samples.near.subarray(0, seen.near))
      const far_ = summarize(samples.far.subarray(0, seen.far))
      process.stdout.write(
        JSON.stringify({
          bench: 'cluster',
          case: 'redis-hop',
          edits: hopEdits,
          sameInstanceP50Ms: near_.p50Ms,
          sameInstanceP99Ms: near_.p99Ms,
          otherInstanceP50Ms: far_.p50Ms,
          otherInstanceP99Ms: far_.p99Ms,
          addedP50Ms: round(far_.p50Ms - near_.p50Ms),
          addedP99Ms: round(far_.p99Ms - near_.p99Ms),
        }) + '\n',
      )
    } finally {
      closeClients(clients)
    }
  } finally {
    await cluster.stop()
  }
}
