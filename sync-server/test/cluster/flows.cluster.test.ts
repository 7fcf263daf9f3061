import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { FlowRegistry, createDeployment, flow } from '@loupe/flows'
import type { FlowRun, FlowStore } from '@loupe/flows'
import { afterEach, describe, expect, it } from 'vitest'
import { PostgresFlowStore } from '../../src/flows/postgres-store'
import { FLOW_RUN_QUEUE, PgBossDispatch } from '../../src/flows/queue'
import { startServer } from '../../src/server'
import { PostgresDatabase } from '../../src/storage/postgres-db'
import { instanceConfig, startCluster } from './cluster'
import type { TestCluster } from './cluster'
import { TEST_DATABASE_URL, dropSchema, freshNamespace } from './env'

const FIXTURE = fileURLToPath(new URL('./fixtures/flow-instance.ts', import.meta.url))

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 20_000,
) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function allRuns(store: FlowStore, deploymentId: string): Promise<FlowRun[]> {
  return (await store.listRuns({ deploymentId, order: 'asc', limit: 1000 })).runs
}

interface FlowInstance {
  child: ChildProcess
  runner: string
  /** Resolves when the instance reports that it schedules deployments. */
  leader: Promise<void>
}

/** An instance in its own process (fixtures/flow-instance.ts), so it can be killed with -9. */
function spawnFlowInstance(config: object, children: ChildProcess[]): Promise<FlowInstance> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, LOUPE_TEST_INSTANCE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  const lines = createInterface({ input: child.stdout! })
  let isLeader = () => {}
  const leader = new Promise<void>((resolve) => (isLeader = resolve))
  return new Promise<FlowInstance>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance exited early (${code})`)))
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return
      const message = JSON.parse(line) as { runner?: string; leader?: boolean }
      if (message.runner) resolve({ child, runner: message.runner, leader })
      if (message.leader) isLeader()
    })
  })
}

/** Two processes on a fresh schema; their kill/stop and the schema's drop are registered. */
function processCluster() {
  const namespace = freshNamespace()
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-flow-kill-'))
  const config = instanceConfig(namespace, dataDir)
  const children: ChildProcess[] = []
  cleanups.push(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    }
    await dropSchema(namespace.schema)
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { namespace, config, children }
}

async function kill9(instance: FlowInstance): Promise<void> {
  const killed = new Promise((resolve) => instance.child.once('exit', resolve))
  instance.child.kill('SIGKILL')
  await killed
}

describe('flows in cluster mode (PostgreSQL + pg-boss)', () => {
  it('runs a one-second interval deployment exactly once per time across three instances', async () => {
    const executions: { runId: string; instance: number }[] = []
    let started = 0
    const cluster: TestCluster = await startCluster({
      instances: 3,
      start: (options) => {
        const instance = started++
        const tick = flow('tick', (_params, ctx) => {
          executions.push({ runId: ctx.runId, instance })
        })
        return startServer({
          ...options,
          // The runners' own poll is far apart: runs reach them through pg-boss jobs.
          flows: { extraFlows: [tick], pollMs: 60_000, heartbeatMs: 500, staleAfterMs: 10_000 },
        })
      },
    })
    cleanups.push(() => cluster.close())
    const [first] = cluster.servers
    const store = first!.flows.store
    expect(first!.flows.queue.kind).toBe('pg-boss')
    expect(store).toBeInstanceOf(PostgresFlowStore)

    const t0 = Date.now()
    const deployment = await createDeployment(
      store,
      first!.flows.flows,
      {
        flow: 'tick',
        schedule: { kind: 'interval', intervalSeconds: 1, anchor: 0 },
      },
      t0,
    )
    // Every due time of the window [t0, t0 + 5 s] must be run, each once.
    await new Promise((resolve) => setTimeout(resolve, 5_500))
    const windowEnd = t0 + 5_000
    await until('the window’s runs to finish', async () => {
      const runs = (await allRuns(store, deployment.id)).filter((r) => r.scheduledAt <= windowEnd)
      return runs.length >= 5 && runs.every((r) => r.state === 'Completed') && runs
    })
    await store.putDeployment({ ...deployment, paused: true, updatedAt: Date.now() })

    const runs = (await allRuns(store, deployment.id)).filter((r) => r.scheduledAt <= windowEnd)
    const times = runs.map((r) => r.scheduledAt)
    // One run per second of the window, none missed (consecutive times), none duplicated.
    expect(new Set(times).size).toBe(times.length)
    expect(times.length).toBe(Math.floor(windowEnd / 1000) - Math.floor(t0 / 1000))
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000)
    expect(runs.every((r) => r.state === 'Completed' && r.attempt === 1)).toBe(true)
    // Each run executed once in total, by whichever instance claimed it.
    for (const run of runs) {
      expect(executions.filter((e) => e.runId === run.id)).toHaveLength(1)
      const history = await store.history(run.id)
      expect(history.filter((h) => h.state === 'Running')).toHaveLength(1)
    }
    // They were delivered as pg-boss jobs (one per run and time), completed once claimed.
    const jobs = await cluster.servers[0]!.backend.postgres!.query<{ run_id: string }>(
      `SELECT data->>'runId' AS run_id FROM ${cluster.namespace.schema}_pgboss.job
       WHERE name = $1 AND state = 'completed'`,
      [FLOW_RUN_QUEUE],
    )
    const delivered = jobs.rows.map((j) => j.run_id)
    for (const run of runs) expect(delivered.filter((id) => id === run.id)).toHaveLength(1)
    // Scheduling happened on one instance only.
    const leaders = cluster.servers.filter(
      (s) => s.flows.queue.dispatch instanceof PgBossDispatch && s.flows.queue.dispatch.leader,
    )
    expect(leaders).toHaveLength(1)
  })

  it('a run whose instance is killed mid-run is picked up by another and completes', async () => {
    const { namespace, config, children } = processCluster()
    const spawnInstance = () => spawnFlowInstance(config, children)
    const instances = await Promise.all([spawnInstance(), spawnInstance()])
    const db = new PostgresDatabase({ url: TEST_DATABASE_URL, schema: namespace.schema })
    const store = await PostgresFlowStore.open(db, { ownsDatabase: true })
    cleanups.push(() => store.close())
    const now = Date.now()
    const { run } = await store.createRun(
      {
        kind: 'flow',
        name: 'slow',
        parameters: { ms: 60_000, retryMs: 200 },
        state: 'Scheduled',
        scheduledAt: now,
      },
      now,
    )
    const claimed = await until('an instance to run it', async () => {
      const current = await store.getRun(run.id)
      return current?.state === 'Running' && current
    })
    const a = instances.find((i) => i.runner === claimed.claimedBy)
    const b = instances.find((i) => i.runner !== claimed.claimedBy)
    if (!a || !b) throw new Error(`claimed by an unknown runner ${claimed.claimedBy}`)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await kill9(a)

    const done = await until(
      'the run to complete on B',
      async () => {
        const current = await store.getRun(run.id)
        return current?.state === 'Completed' && current
      },
      30_000,
    )
    expect(done.claimedBy).toBe(b.runner)
    expect(done.attempt).toBe(2)
    expect(JSON.parse(done.result ?? 'null')).toEqual({ attempt: 2 })
    const history = await store.history(run.id)
    expect(history.map((h) => h.state)).toEqual([
      'Scheduled',
      'Pending',
      'Running',
      'Crashed',
      'AwaitingRetry',
      'Pending',
      'Retrying', // a later attempt runs as Retrying
      'Completed',
    ])
    expect(history[1]?.by).toBe(a.runner)
    expect(history[5]?.by).toBe(b.runner)
  })

  it('when the scheduling instance is killed, another schedules: every time still runs once', async () => {
    const { namespace, config, children } = processCluster()
    const instances = await Promise.all([
      spawnFlowInstance(config, children),
      spawnFlowInstance(config, children),
    ])
    const db = new PostgresDatabase({ url: TEST_DATABASE_URL, schema: namespace.schema })
    const store = await PostgresFlowStore.open(db, { ownsDatabase: true })
    cleanups.push(() => store.close())
    const leader = await Promise.race(instances.map((i) => i.leader.then(() => i)))
    const survivor = instances.find((i) => i !== leader)!
    const t0 = Date.now()
    const deployment = await createDeployment(
      store,
      new FlowRegistry([flow('tick', () => undefined)]),
      { flow: 'tick', schedule: { kind: 'interval', intervalSeconds: 1, anchor: 0 } },
      t0,
      { aheadRuns: 2 },
    )
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    await kill9(leader)
    await survivor.leader // the lock died with the leader's connection
    const killedAt = Date.now()
    // Longer than the 2 runs scheduled ahead: only a new scheduler keeps the deployment going.
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const windowEnd = killedAt + 4_000
    const runs = await until('the window’s runs to finish', async () => {
      const all = (await allRuns(store, deployment.id)).filter((r) => r.scheduledAt <= windowEnd)
      return all.every((r) => r.state === 'Completed') && all
    })
    await store.putDeployment({ ...deployment, paused: true, updatedAt: Date.now() })
    const times = runs.map((r) => r.scheduledAt)
    expect(new Set(times).size).toBe(times.length)
    expect(times.length).toBe(Math.floor(windowEnd / 1000) - Math.floor(t0 / 1000))
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000)
    for (const run of runs) {
      const history = await store.history(run.id)
      expect(history.filter((h) => h.state === 'Completed')).toHaveLength(1)
      // A run the leader held when it died is retried (Crashed → AwaitingRetry), never run twice.
      if (!history.some((h) => h.state === 'Crashed')) {
        expect(history.filter((h) => h.state === 'Running')).toHaveLength(1)
      }
    }
    expect(runs.filter((r) => r.scheduledAt > killedAt + 1_000).map((r) => r.claimedBy)).toEqual(
      runs.filter((r) => r.scheduledAt > killedAt + 1_000).map(() => survivor.runner),
    )
  })
})
