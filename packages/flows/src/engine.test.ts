import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { flow, task } from './define'
import { FlowError } from './errors'
import { gate, harness, T0 } from './test-helpers'

const double = task((x: number) => x * 2, { name: 'double' })

const sum = flow(
  'sum',
  async ({ values }, ctx) => {
    ctx.log.info(`summing ${values.length}`)
    let total = 0
    for (const [i, v] of values.entries()) {
      total += await ctx.run(double, v)
      ctx.progress((i + 1) / values.length, `${i + 1}/${values.length}`)
    }
    await ctx.artifacts.markdown('summary', `# Total\n${total}`)
    await ctx.artifacts.table('rows', [{ value: 1 }])
    await ctx.artifacts.link('docs', 'https://example.org', 'docs')
    await ctx.artifacts.file('out', {
      name: 'total.txt',
      mimeType: 'text/plain',
      data: new Uint8Array([1, 2, 3]),
    })
    ctx.log.warning('done')
    return { total }
  },
  { parameters: z.object({ values: z.array(z.number()) }).strict() },
)

describe('engine', () => {
  it('runs a flow of tasks: states, result, task runs, logs, progress, artifacts', async () => {
    const { runner, store, states } = harness([sum])
    const { run } = await runner.submit(sum, { values: [1, 2, 3] })
    expect(run.state).toBe('Scheduled')
    expect(await runner.tick()).toMatchObject({ claimed: 1 })
    await runner.idle()
    const done = await store.getRun(run.id)
    expect(done).toMatchObject({ state: 'Completed', attempt: 1, result: '{"total":12}' })
    expect(done?.progress).toEqual({ fraction: 1, message: '3/3' })
    expect(await states(run.id)).toEqual(['Scheduled', 'Pending', 'Running', 'Completed'])
    const tasks = await store.listRuns({ parentId: run.id, order: 'asc' })
    expect(tasks.runs.map((t) => [t.kind, t.name, t.state, t.result]).sort()).toEqual([
      ['task', 'double', 'Completed', '2'],
      ['task', 'double', 'Completed', '4'],
      ['task', 'double', 'Completed', '6'],
    ])
    const logs = await store.listLogs(run.id)
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['info', 'summing 3'],
      ['warning', 'done'],
    ])
    expect(logs.every((l) => l.at === T0)).toBe(true)
    const artifacts = await store.listArtifacts(run.id)
    expect(artifacts.map((a) => [a.key, a.type])).toEqual([
      ['summary', 'markdown'],
      ['rows', 'table'],
      ['docs', 'link'],
      ['out', 'file'],
    ])
    expect(artifacts[3]?.data).toMatchObject({ name: 'total.txt', size: 3 })
  })

  it('validates parameters at submission, naming the path', async () => {
    const { runner, store } = harness([sum])
    await expect(runner.submit(sum, { values: [1, 'x'] })).rejects.toThrow(/values\[1\]/)
    await expect(runner.submit(sum, { values: [], extra: 1 })).rejects.toBeInstanceOf(FlowError)
    expect((await store.listRuns({})).runs).toHaveLength(0)
  })

  it('runs subflows as child flow runs and propagates their failure', async () => {
    const child = flow('child', ({ n }: { n: number }) => {
      if (n < 0) throw new Error('negative')
      return n + 1
    })
    const parent = flow('parent', async ({ n }: { n: number }, ctx) => ctx.subflow(child, { n }))
    const { runner, store } = harness([child, parent])
    const ok = (await runner.submit(parent, { n: 1 })).run
    const bad = (await runner.submit(parent, { n: -1 })).run
    await runner.tick()
    await runner.idle()
    expect((await store.getRun(ok.id))?.result).toBe('2')
    const children = await store.listRuns({ parentId: ok.id })
    expect(children.runs.map((r) => [r.kind, r.name, r.state, r.rootId])).toEqual([
      ['flow', 'child', 'Completed', ok.id],
    ])
    expect(await store.getRun(bad.id)).toMatchObject({ state: 'Failed', error: 'negative' })
    expect((await store.listRuns({ parentId: bad.id })).runs[0]?.state).toBe('Failed')
  })

  it('stores the next attempt time of a flow retry and claims it only then', async () => {
    let calls = 0
    const flaky = flow(
      'flaky',
      () => {
        calls += 1
        if (calls < 3) throw new Error(`boom ${calls}`)
        return 'ok'
      },
      { retries: 2, retryDelaySeconds: [10, 20] },
    )
    const { runner, store, clock, states } = harness([flaky])
    const { run } = await runner.submit(flaky, {})
    await runner.tick()
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({
      state: 'AwaitingRetry',
      scheduledAt: T0 + 10_000,
      attempt: 1,
      error: 'boom 1',
    })
    expect(clock.pendingTimers).toBe(0) // nothing sleeps on it
    await clock.advance(9_999)
    expect((await runner.tick()).claimed).toBe(0)
    await clock.advance(1)
    expect((await runner.tick()).claimed).toBe(1)
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({
      state: 'AwaitingRetry',
      scheduledAt: T0 + 30_000,
      attempt: 2,
    })
    await clock.advance(20_000)
    await runner.tick()
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({ state: 'Completed', attempt: 3 })
    expect(await states(run.id)).toEqual([
      'Scheduled',
      'Pending',
      'Running',
      'AwaitingRetry',
      'Pending',
      'Retrying',
      'AwaitingRetry',
      'Pending',
      'Retrying',
      'Completed',
    ])
  })

  it('fails for good when retries run out', async () => {
    const bad = flow('bad', () => Promise.reject(new Error('nope')), { retries: 1 })
    const { runner, store } = harness([bad])
    const { run } = await runner.submit(bad, {})
    await runner.tick()
    await runner.idle()
    await runner.tick()
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({ state: 'Failed', attempt: 2, error: 'nope' })
  })

  it('retries a task after its stored delay, with jitter applied', async () => {
    let calls = 0
    const shaky = task(
      () => {
        calls += 1
        if (calls === 1) throw new Error('first')
        return calls
      },
      { name: 'shaky', retries: 1, retryDelaySeconds: 5, retryJitterFactor: 1 },
    )
    const f = flow('f', (_p, ctx) => ctx.run(shaky, undefined))
    const { runner, store, clock, states } = harness([f])
    const { run } = await runner.submit(f, {})
    await runner.tick()
    await clock.advance(0)
    const [taskRun] = (await store.listRuns({ parentId: run.id })).runs
    expect(taskRun?.state).toBe('AwaitingRetry')
    const delay = (taskRun?.scheduledAt ?? 0) - T0
    expect(delay).toBeGreaterThanOrEqual(5000)
    expect(delay).toBeLessThanOrEqual(10_000)
    expect(delay).not.toBe(5000) // jitter really applied (seeded)
    await clock.advance(delay - 1)
    expect((await store.getRun(taskRun?.id ?? ''))?.state).toBe('AwaitingRetry')
    await clock.advance(1)
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({ state: 'Completed', result: '2' })
    expect(await states(taskRun?.id ?? '')).toEqual([
      'Running',
      'AwaitingRetry',
      'Pending',
      'Retrying',
      'Completed',
    ])
  })

  it('caches task results by input: hit, miss, expiry, refresh, version', async () => {
    let computed = 0
    const make = (version: string, refresh = false) =>
      task(
        (x: number) => {
          computed += 1
          return x * 10
        },
        {
          name: 'tenfold',
          cache: true,
          cacheExpirationSeconds: 60,
          version,
          refreshCache: refresh,
        },
      )
    const v1 = make('1')
    const f = flow('f', ({ x }: { x: number }, ctx) => ctx.run(v1, x))
    const g = flow('g', ({ x }: { x: number }, ctx) => ctx.run(make('2'), x))
    const r = flow('r', ({ x }: { x: number }, ctx) => ctx.run(make('1', true), x))
    const { runner, store, clock } = harness([f, g, r])
    const runOnce = async (def: typeof f, x: number) => {
      const { run } = await runner.submit(def, { x })
      await runner.tick()
      await runner.idle()
      const done = await store.getRun(run.id)
      const [child] = (await store.listRuns({ parentId: run.id })).runs
      return { result: done?.result, taskState: child?.state }
    }
    expect(await runOnce(f, 1)).toEqual({ result: '10', taskState: 'Completed' })
    expect(computed).toBe(1)
    expect(await runOnce(f, 1)).toEqual({ result: '10', taskState: 'Cached' })
    expect(computed).toBe(1)
    expect(await runOnce(f, 2)).toEqual({ result: '20', taskState: 'Completed' })
    expect(computed).toBe(2)
    expect(await runOnce(g, 1)).toEqual({ result: '10', taskState: 'Completed' })
    expect(computed).toBe(3)
    await clock.advance(59_999)
    expect((await runOnce(f, 1)).taskState).toBe('Cached')
    await clock.advance(1)
    expect((await runOnce(f, 1)).taskState).toBe('Completed') // expired: recomputed
    expect(computed).toBe(4)
    expect((await runOnce(f, 1)).taskState).toBe('Cached')
    expect((await runOnce(r, 1)).taskState).toBe('Completed') // refresh
    expect(computed).toBe(5)
  })

  it('does not cache a failure', async () => {
    let calls = 0
    const once = task(
      () => {
        calls += 1
        if (calls === 1) throw new Error('x')
        return calls
      },
      { name: 'once', cache: true },
    )
    const f = flow('f', (_p, ctx) => ctx.run(once, undefined))
    const { runner, store, clock } = harness([f])
    for (let i = 0; i < 2; i++) {
      await clock.advance(1)
      await runner.submit(f, {})
      await runner.tick()
      await runner.idle()
    }
    const runs = (await store.listRuns({ parentId: null, order: 'asc' })).runs
    expect(runs.map((r) => r.state)).toEqual(['Failed', 'Completed'])
  })

  it('a timeout aborts the signal and stops a task that listens to it', async () => {
    let aborted = false
    const slow = task(
      async (_: void, ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true))
        await ctx.sleep(60_000)
        return 'late'
      },
      { name: 'slow', timeoutSeconds: 1 },
    )
    const f = flow('f', (_p, ctx) => ctx.run(slow, undefined))
    const { runner, store, clock } = harness([f])
    const { run } = await runner.submit(f, {})
    await runner.tick()
    await clock.advance(999)
    expect((await store.getRun(run.id))?.state).toBe('Running')
    await clock.advance(1)
    await runner.idle()
    expect(aborted).toBe(true)
    expect(clock.pendingTimers).toBe(0) // the 60 s sleep is gone
    expect(await store.getRun(run.id)).toMatchObject({
      state: 'Failed',
      error: 'timed out after 1 s',
    })
  })

  it('a timeout ends a run whose work ignores the signal', async () => {
    const stuck = flow('stuck', () => new Promise(() => undefined), { timeoutSeconds: 2 })
    const { runner, store, clock } = harness([stuck])
    const { run } = await runner.submit(stuck, {})
    await runner.tick()
    await clock.advance(2000)
    await runner.idle()
    expect((await store.getRun(run.id))?.state).toBe('Failed')
  })

  it('cancels a running flow: Cancelling, then Cancelled, work aborted', async () => {
    let reason: unknown
    const long = flow('long', async (_p, ctx) => {
      try {
        await ctx.sleep(3_600_000)
      } catch (error) {
        reason = error
        throw error
      }
    })
    const { runner, clock, states } = harness([long])
    const { run } = await runner.submit(long, {})
    await runner.tick()
    await clock.advance(10)
    const result = await runner.cancel(run.id)
    expect(result).toMatchObject({ ok: true, changed: true, run: { state: 'Cancelling' } })
    await runner.idle()
    expect((reason as Error).name).toBe('CancelledError')
    expect(await states(run.id)).toEqual([
      'Scheduled',
      'Pending',
      'Running',
      'Cancelling',
      'Cancelled',
    ])
    expect(await runner.cancel(run.id)).toMatchObject({ ok: true, changed: false })
  })

  it('a cancel through the store reaches the runner on its heartbeat', async () => {
    const long = flow('long', (_p, ctx) => ctx.sleep(3_600_000))
    const { runner, store, clock } = harness([long])
    const { run } = await runner.submit(long, {})
    await runner.tick()
    await clock.advance(10)
    await store.transition(run.id, { to: 'Cancelling', at: clock.now() })
    expect((await store.getRun(run.id))?.state).toBe('Cancelling')
    await runner.heartbeat()
    await runner.idle()
    expect((await store.getRun(run.id))?.state).toBe('Cancelled')
  })

  it('cancels a run that has not started without running it', async () => {
    let ran = false
    const f = flow('f', () => {
      ran = true
    })
    const { runner, store } = harness([f])
    const { run } = await runner.submit(f, {})
    expect((await runner.cancel(run.id)).run?.state).toBe('Cancelled')
    await runner.tick()
    await runner.idle()
    expect(ran).toBe(false)
    expect((await store.getRun(run.id))?.state).toBe('Cancelled')
  })

  it('limits concurrency by tag with leases', async () => {
    const release = gate()
    let inside = 0
    let most = 0
    const gpu = flow(
      'gpu',
      async () => {
        inside += 1
        most = Math.max(most, inside)
        await release.promise
        inside -= 1
      },
      { tags: ['gpu'] },
    )
    const { runner, store, clock } = harness([gpu], { concurrency: 3, leasePollMs: 100 })
    await store.setConcurrencyLimit('gpu', 1)
    for (let i = 0; i < 3; i++) await runner.submit(gpu, {})
    await runner.tick()
    await clock.advance(1000)
    expect(inside).toBe(1)
    expect(await store.listLeases(clock.now())).toHaveLength(1)
    const pending = (await store.listRuns({ states: ['Pending'] })).runs
    expect(pending).toHaveLength(2)
    release.open()
    for (let i = 0; i < 5; i++) await clock.advance(100)
    await runner.idle()
    expect(most).toBe(1)
    expect((await store.listRuns({ states: ['Completed'] })).runs).toHaveLength(3)
    expect(await store.listLeases(clock.now())).toHaveLength(0)
  })

  it('two runners on one store never run the same run twice', async () => {
    let runs = 0
    const f = flow('f', () => {
      runs += 1
    })
    const a = harness([f], { concurrency: 10 })
    const b = harness([f], { concurrency: 10, store: a.store, clock: a.clock })
    for (let i = 0; i < 15; i++) await a.runner.submit(f, {})
    const [ra, rb] = await Promise.all([a.runner.tick(), b.runner.tick()])
    await Promise.all([a.runner.idle(), b.runner.idle()])
    expect(ra.claimed + rb.claimed).toBe(15)
    expect(runs).toBe(15)
  })

  it('fails at once, without retries, when stored parameters no longer fit the flow', async () => {
    let calls = 0
    const typed = flow(
      'typed',
      () => {
        calls += 1
      },
      { parameters: z.object({ n: z.number() }), retries: 3 },
    )
    const { runner, store } = harness([typed])
    const { run } = await store.createRun(
      { kind: 'flow', name: 'typed', parameters: { n: 'x' }, state: 'Scheduled', scheduledAt: T0 },
      T0,
    )
    await runner.tick()
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({ state: 'Failed', attempt: 1 })
    expect((await store.getRun(run.id))?.error).toMatch(/^n: /)
    expect(calls).toBe(0)
  })

  it('takes leases for the run’s own tags (a deployment’s too)', async () => {
    const release = gate()
    const plain = flow('plain', () => release.promise)
    const { runner, store, clock } = harness([plain], { concurrency: 2, leasePollMs: 100 })
    await store.setConcurrencyLimit('nightly', 1)
    for (let i = 0; i < 2; i++) {
      await store.createRun(
        {
          kind: 'flow',
          name: 'plain',
          parameters: {},
          tags: ['nightly'],
          state: 'Scheduled',
          scheduledAt: T0,
        },
        T0,
      )
    }
    await runner.tick()
    await clock.advance(500)
    expect((await store.listRuns({ states: ['Running'] })).runs).toHaveLength(1)
    expect((await store.listRuns({ states: ['Pending'] })).runs).toHaveLength(1)
    release.open()
    for (let i = 0; i < 3; i++) await clock.advance(100)
    await runner.idle()
    expect((await store.listRuns({ states: ['Completed'] })).runs).toHaveLength(2)
  })
})
