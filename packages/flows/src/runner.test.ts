import { describe, expect, it } from 'vitest'
import { flow } from './define'
import { gate, harness, T0 } from './test-helpers'

const STALE = 30_000

describe('runner crash recovery', () => {
  it('a run whose runner stopped heartbeating becomes Crashed, its lease is freed, it is retried', async () => {
    const hang = gate()
    let attempts = 0
    const job = flow(
      'job',
      async (_p, ctx) => {
        attempts += 1
        if (ctx.attempt === 1) await hang.promise // the "dead" process never finishes
        return 'ok'
      },
      { retries: 1, retryDelaySeconds: 10, tags: ['db'] },
    )
    const dead = harness([job], { id: 'dead', staleAfterMs: STALE })
    await dead.store.setConcurrencyLimit('db', 1)
    const { run } = await dead.runner.submit(job, {})
    await dead.runner.tick()
    await dead.clock.advance(1)
    expect((await dead.store.getRun(run.id))?.state).toBe('Running')
    expect(await dead.store.listLeases(dead.clock.now())).toHaveLength(1)

    const next = harness([job], {
      id: 'next',
      store: dead.store,
      clock: dead.clock,
      staleAfterMs: STALE,
    })
    await dead.clock.advance(STALE - 2)
    expect(await next.runner.recover()).toBe(0) // heartbeat not old enough yet
    await dead.clock.advance(2)
    expect(await next.runner.recover()).toBe(1)
    expect(await dead.store.getRun(run.id)).toMatchObject({
      state: 'AwaitingRetry',
      scheduledAt: dead.clock.now() + 10_000,
    })
    expect(await dead.store.listLeases(dead.clock.now())).toEqual([])
    await dead.clock.advance(10_000)
    await next.runner.tick()
    await next.runner.idle()
    expect(await dead.store.getRun(run.id)).toMatchObject({ state: 'Completed', attempt: 2 })
    expect(attempts).toBe(2)
    expect(await next.states(run.id)).toEqual([
      'Scheduled',
      'Pending',
      'Running',
      'Crashed',
      'AwaitingRetry',
      'Pending',
      'Retrying',
      'Completed',
    ])
  })

  it('a heartbeating runner keeps its runs; without retries left a crash is final', async () => {
    const hang = gate()
    const job = flow('job', () => hang.promise)
    const a = harness([job], { id: 'a', staleAfterMs: STALE })
    const b = harness([job], { id: 'b', store: a.store, clock: a.clock, staleAfterMs: STALE })
    const { run } = await a.runner.submit(job, {})
    await a.runner.tick()
    for (let i = 0; i < 10; i++) {
      await a.clock.advance(10_000)
      await a.runner.heartbeat()
      expect(await b.runner.recover()).toBe(0)
    }
    await a.clock.advance(STALE + 1)
    expect(await b.runner.recover()).toBe(1)
    expect((await a.store.getRun(run.id))?.state).toBe('Crashed')
    await a.clock.advance(60_000)
    await b.runner.tick()
    expect((await a.store.getRun(run.id))?.state).toBe('Crashed')
  })

  it('a run claimed but never started is retried even without retries', async () => {
    const job = flow('job', () => 'ok')
    const a = harness([job], { staleAfterMs: STALE })
    const { run } = await a.runner.submit(job, {})
    await a.store.claimRuns({ now: T0, limit: 1, by: 'vanished' })
    await a.clock.advance(STALE + 1)
    await a.runner.tick()
    await a.runner.idle()
    expect(await a.store.getRun(run.id)).toMatchObject({ state: 'Completed', attempt: 1 })
    expect(await a.states(run.id)).toEqual([
      'Scheduled',
      'Pending',
      'Crashed',
      'AwaitingRetry',
      'Pending',
      'Running',
      'Completed',
    ])
  })

  it('start() polls and heartbeats on the clock; stop() waits for the work', async () => {
    const job = flow('job', (_p, ctx) => ctx.sleep(12_000))
    const a = harness([job], { pollMs: 500, heartbeatMs: 5_000 })
    const { run } = await a.runner.submit(job, {})
    a.runner.start()
    await a.clock.advance(600)
    expect((await a.store.getRun(run.id))?.state).toBe('Running')
    await a.clock.advance(10_000)
    expect((await a.store.getRun(run.id))?.heartbeatAt).toBe(T0 + 10_000)
    await a.clock.advance(2_000)
    await a.runner.stop()
    expect((await a.store.getRun(run.id))?.state).toBe('Completed')
  })
})
