/**
 * `tsx bench/flows/run.ts [--tasks 1000] [--deployments 1000] [--seconds 20] [--aligned]
 *   [--store sqlite|memory] [--only tasks|lateness]` (--store: the lateness case's store, sqlite
 *   by default)
 * stdout: one JSON line per case; progress on stderr.
 *
 * - task-overhead: a flow of N no-op tasks on MemoryFlowStore and on SqliteFlowStore (a real
 *   file): wall time of the run / N, i.e. what the engine adds per task (task run created,
 *   state history, result stored). Goal ≤ 1 ms per task.
 * - schedule-lateness: N active interval deployments (1 s), a runner with the scheduler on the
 *   SQLite store and the real clock for --seconds; lateness = startedAt − scheduledAt of every run
 *   of the measured window, plus missed and duplicate counts. Goal p99 ≤ 1 s. Anchors are spread
 *   over the second unless --aligned (every deployment due at the same instant).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { FlowRegistry, MemoryFlowStore, Runner, createDeployment, flow, task } from '@loupe/flows'
import type { FlowStore } from '@loupe/flows'
import { SqliteFlowStore } from '../../sync-server/src/flows/sqlite-store'
import { openDatabase } from '../../sync-server/src/storage/sqlite'

const { values } = parseArgs({
  options: {
    tasks: { type: 'string' },
    deployments: { type: 'string' },
    seconds: { type: 'string' },
    aligned: { type: 'boolean' },
    store: { type: 'string' },
    only: { type: 'string' },
  },
})
const TASKS = Number(values.tasks ?? 1000)
const DEPLOYMENTS = Number(values.deployments ?? 1000)
const SECONDS = Number(values.seconds ?? 20)
const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-flows-'))
const log = (message: string) => process.stderr.write(`${message}\n`)
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits

const noopTask = task((i: number) => i, { name: 'noop' })
const manyTasks = flow('many-tasks', async ({ n }: { n: number }, ctx) => {
  let sum = 0
  for (let i = 0; i < n; i++) sum += await ctx.run(noopTask, i)
  return sum
})

async function taskOverhead(name: string, open: () => FlowStore) {
  const samples: number[] = []
  for (let rep = 0; rep < 4; rep++) {
    const store = open()
    const runner = new Runner({ store, flows: new FlowRegistry([manyTasks]), scheduler: false })
    const { run } = await runner.submit(manyTasks, { n: TASKS })
    const started = performance.now()
    await runner.tick()
    await runner.idle()
    const ms = performance.now() - started
    const done = await store.getRun(run.id)
    if (done?.state !== 'Completed') throw new Error(`run ended ${done?.state}`)
    if (rep > 0) samples.push(ms / TASKS) // the first repetition warms up the JIT
    await store.close()
  }
  samples.sort((a, b) => a - b)
  const median = samples[Math.floor(samples.length / 2)] ?? NaN
  console.log(
    JSON.stringify({
      case: 'task-overhead',
      store: name,
      tasks: TASKS,
      msPerTask: round(median),
      samplesMsPerTask: samples.map((s) => round(s)),
      goalMsPerTask: 1,
      ok: median <= 1,
    }),
  )
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function scheduleLateness() {
  const storeName = values.store === 'memory' ? 'memory' : 'sqlite'
  const store: FlowStore =
    storeName === 'memory'
      ? new MemoryFlowStore()
      : new SqliteFlowStore(openDatabase(join(dir, 'lateness.sqlite')))
  const tick = flow('tick', () => undefined)
  const flows = new FlowRegistry([tick])
  const schedulerOptions = { aheadRuns: 5, lateAfterMs: 5_000, intervalMs: 1_000 }
  const created = Date.now()
  for (let i = 0; i < DEPLOYMENTS; i++) {
    const anchor = values.aligned ? 0 : Math.floor((i * 1000) / DEPLOYMENTS)
    await createDeployment(
      store,
      flows,
      { id: `d${i}`, flow: 'tick', schedule: { kind: 'interval', intervalSeconds: 1, anchor } },
      created,
      schedulerOptions,
    )
  }
  log(`lateness: ${DEPLOYMENTS} deployments created in ${Date.now() - created} ms`)
  const runner = new Runner({
    store,
    flows,
    concurrency: 1000,
    pollMs: 50,
    scheduler: schedulerOptions,
  })
  const start = Date.now()
  runner.start()
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000))
  await runner.stop()
  const end = Date.now()
  // Measure runs due in [start + 2 s, end − 2 s]: all of them should have started by the end.
  const from = start + 2_000
  const to = end - 2_000
  const lateness: number[] = []
  const keys = new Set<string>()
  let duplicates = 0
  let notStarted = 0
  let cursor: string | null = null
  do {
    const page: Awaited<ReturnType<FlowStore['listRuns']>> = await store.listRuns({
      parentId: null,
      scheduledAfter: from,
      scheduledBefore: to,
      order: 'asc',
      limit: 5000,
      ...(cursor ? { cursor } : {}),
    })
    for (const run of page.runs) {
      const key = `${run.deploymentId}@${run.scheduledAt}`
      if (keys.has(key)) duplicates += 1
      keys.add(key)
      if (run.startedAt === null) notStarted += 1
      else lateness.push(run.startedAt - run.scheduledAt)
    }
    cursor = page.nextCursor
  } while (cursor)
  lateness.sort((a, b) => a - b)
  // Every deployment is due once per second: the expected count in the window.
  let expected = 0
  for (let i = 0; i < DEPLOYMENTS; i++) {
    const anchor = values.aligned ? 0 : Math.floor((i * 1000) / DEPLOYMENTS)
    expected += Math.floor((to - anchor) / 1000) - Math.floor((from - anchor) / 1000)
  }
  const p99 = percentile(lateness, 99)
  console.log(
    JSON.stringify({
      case: 'schedule-lateness',
      store: storeName,
      deployments: DEPLOYMENTS,
      intervalSeconds: 1,
      anchors: values.aligned ? 'aligned' : 'spread',
      seconds: SECONDS,
      runs: lateness.length,
      expectedRuns: expected,
      missed: expected - keys.size,
      duplicates,
      notStarted,
      latenessMs: {
        p50: percentile(lateness, 50),
        p90: percentile(lateness, 90),
        p99,
        max: lateness[lateness.length - 1] ?? NaN,
      },
      goalP99Ms: 1000,
      ok: p99 <= 1000 && duplicates === 0 && expected === keys.size,
      loadavg: loadavg().map((x) => round(x, 2)),
    }),
  )
  await store.close()
}

try {
  let n = 0
  if (values.only !== 'lateness') {
    await taskOverhead('memory', () => new MemoryFlowStore())
    await taskOverhead(
      'sqlite',
      () => new SqliteFlowStore(openDatabase(join(dir, `tasks-${++n}.sqlite`))),
    )
  }
  if (values.only !== 'tasks') await scheduleLateness()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
