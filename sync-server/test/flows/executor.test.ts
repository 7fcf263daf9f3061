import { FlowRegistry, MemoryFlowStore, Runner, flow, task } from '@loupe/flows'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { WorkerThreadExecutor } from '../../src/flows/executor'

const module = join(import.meta.dirname, 'fixtures/isolated-tasks.ts')
const spin = task<{ forMs: number }, number>(() => 0, {
  name: 'spin',
  entry: { module, exportName: 'spin' },
  timeoutSeconds: 1,
})
const double = task<{ x: number }, number>(() => 0, {
  name: 'double',
  entry: { module, exportName: 'double' },
})
const fail = task<void, never>(() => undefined as never, {
  name: 'fail',
  entry: { module, exportName: 'fail' },
})

const executor = new WorkerThreadExecutor()
afterAll(() => executor.close())

/** Every worker thread started so far has really ended (not just been let go). */
async function allWorkersExited() {
  for (let i = 0; i < 100 && executor.stats.exited < executor.stats.started; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return executor.stats.exited === executor.stats.started
}

async function runFlow(definition: ReturnType<typeof flow>, cancelAfterMs?: number) {
  const store = new MemoryFlowStore()
  const runner = new Runner({
    store,
    flows: new FlowRegistry([definition]),
    executor,
    scheduler: false,
  })
  const { run } = await runner.submit(definition, {})
  const started = Date.now()
  await runner.tick()
  if (cancelAfterMs !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, cancelAfterMs))
    await runner.cancel(run.id)
  }
  await runner.idle()
  return { run: await store.getRun(run.id), ms: Date.now() - started, store }
}

describe('WorkerThreadExecutor', () => {
  it('runs an isolated task in a worker and returns its result', async () => {
    const f = flow('f', (_p, ctx) => ctx.run(double, { x: 21 }))
    const { run } = await runFlow(f)
    expect(run).toMatchObject({ state: 'Completed', result: '42' })
    expect(executor.activeWorkers).toBe(0)
  })

  it('reports an isolated failure', async () => {
    const f = flow('f', (_p, ctx) => ctx.run(fail, undefined))
    const { run } = await runFlow(f)
    expect(run).toMatchObject({ state: 'Failed', error: 'isolated failure' })
  })

  it('a timeout terminates a busy loop that ignores the signal', async () => {
    const f = flow('f', (_p, ctx) => ctx.run(spin, { forMs: 60_000 }))
    const { run, ms } = await runFlow(f)
    expect(run).toMatchObject({ state: 'Failed', error: 'timed out after 1 s' })
    expect(ms).toBeLessThan(10_000)
    expect(executor.activeWorkers).toBe(0)
    expect(await allWorkersExited()).toBe(true) // the 60 s loop did not keep running
  })

  it('cancelling the flow terminates the worker', async () => {
    const noTimeout = task<{ forMs: number }, number>(() => 0, {
      name: 'spin-long',
      entry: { module, exportName: 'spin' },
    })
    const f = flow('f', (_p, ctx) => ctx.run(noTimeout, { forMs: 60_000 }))
    const { run, ms, store } = await runFlow(f, 500)
    expect(run?.state).toBe('Cancelled')
    expect(ms).toBeLessThan(10_000)
    expect(executor.activeWorkers).toBe(0)
    expect(await allWorkersExited()).toBe(true)
    const [child] = (await store.listRuns({ parentId: run?.id ?? '' })).runs
    expect(child?.state).toBe('Cancelled')
  })
})
