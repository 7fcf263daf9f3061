import { describe, expect, it } from 'vitest'
import { FakeClock } from './clock'
import { FlowRegistry, flow } from './define'
import type { MissedRunPolicy, Schedule } from './deployment'
import { createDeployment, updateDeployment } from './deployments'
import { MemoryFlowStore } from './memory-store'
import { occurrencesBetween, scheduledRunKey } from './schedule'
import { scheduleDeployments } from './scheduler'
import { harness, T0 } from './test-helpers'

const noop = flow('noop', () => undefined)
const flows = new FlowRegistry([noop])
const MIN = 60_000
const iso = (t: number) => new Date(t).toISOString()

async function setup(schedule: Schedule, policy: MissedRunPolicy = 'runOnce', aheadRuns = 5) {
  const clock = new FakeClock(T0)
  const store = new MemoryFlowStore()
  const d = await createDeployment(
    store,
    flows,
    { id: 'd1', flow: 'noop', schedule, missedRunPolicy: policy },
    clock.now(),
    { aheadRuns },
  )
  const runs = async () =>
    (await store.listRuns({ deploymentId: 'd1', order: 'asc', limit: 10_000 })).runs
  return { clock, store, d, runs }
}

describe('scheduler', () => {
  it('creates the next runs ahead, keyed by deployment and time, idempotently', async () => {
    const { store, runs, clock } = await setup({ kind: 'interval', intervalSeconds: 60, anchor: 0 })
    const first = await runs()
    expect(first.map((r) => r.scheduledAt - T0)).toEqual([1, 2, 3, 4, 5].map((m) => m * MIN))
    expect(first[0]?.idempotencyKey).toBe(scheduledRunKey('d1', T0 + MIN))
    expect(first[0]?.idempotencyKey).toBe('deployment:d1@2026-01-01T00:01:00.000Z')
    for (let i = 0; i < 3; i++) await scheduleDeployments(store, clock.now(), { aheadRuns: 5 })
    // A restarted scheduler (fresh process, same store) neither duplicates nor skips.
    const again = await scheduleDeployments(new MemoryFlowStore(), clock.now())
    expect(again.created).toBe(0)
    expect((await runs()).map((r) => r.id)).toEqual(first.map((r) => r.id))
    await clock.advance(2 * MIN)
    await scheduleDeployments(store, clock.now(), { aheadRuns: 5 })
    expect((await runs()).map((r) => (r.scheduledAt - T0) / MIN)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('places interval runs on the anchor’s phase, at 1 s intervals too', async () => {
    const s: Schedule = { kind: 'interval', intervalSeconds: 60, anchor: T0 + 15_000 }
    expect(occurrencesBetween(s, T0, T0 + 3 * MIN, 10).map((t) => iso(t).slice(11, 19))).toEqual([
      '00:00:15',
      '00:01:15',
      '00:02:15',
    ])
    const fast: Schedule = { kind: 'interval', intervalSeconds: 1, anchor: 0 }
    expect(occurrencesBetween(fast, T0, T0 + 3000, 10)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000])
  })

  it('runs every occurrence exactly once across runner restarts', async () => {
    const h = harness([noop], { scheduler: { aheadRuns: 3, intervalMs: 1000 } })
    await createDeployment(
      h.store,
      h.registry,
      { id: 'd1', flow: 'noop', schedule: { kind: 'interval', intervalSeconds: 1, anchor: 0 } },
      h.clock.now(),
      { aheadRuns: 3 },
    )
    for (let s = 0; s < 20; s++) {
      await h.clock.advance(1000)
      await h.runner.tick()
      await h.runner.idle()
    }
    // A second runner (a restarted server) takes over on the same store.
    const h2 = harness([noop], {
      store: h.store,
      clock: h.clock,
      scheduler: { aheadRuns: 3, intervalMs: 1000 },
    })
    for (let s = 0; s < 20; s++) {
      await h.clock.advance(1000)
      await h2.runner.tick()
      await h2.runner.idle()
    }
    const done = (
      await h.store.listRuns({
        deploymentId: 'd1',
        states: ['Completed'],
        order: 'asc',
        limit: 1000,
      })
    ).runs
    expect(done.map((r) => (r.scheduledAt - T0) / 1000)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    )
  })

  it('replaces future runs on a schedule edit; shared times keep their run and key', async () => {
    const { store, runs, clock } = await setup({
      kind: 'interval',
      intervalSeconds: 120,
      anchor: 0,
    })
    const before = await runs()
    await clock.advance(2 * MIN)
    await store.transition(before[0]?.id ?? '', { to: 'Pending', by: 'r', at: clock.now() })
    const edited = await updateDeployment(
      store,
      flows,
      'd1',
      { schedule: { kind: 'interval', intervalSeconds: 180, anchor: 0 } },
      clock.now(),
      { aheadRuns: 3 },
    )
    expect(edited.schedule).toEqual({ kind: 'interval', intervalSeconds: 180, anchor: 0 })
    const after = await runs()
    expect(after.map((r) => [(r.scheduledAt - T0) / MIN, r.state])).toEqual([
      [2, 'Pending'],
      [3, 'Scheduled'],
      [6, 'Scheduled'],
      [9, 'Scheduled'],
    ])
    expect(new Set(after.map((r) => r.idempotencyKey)).size).toBe(after.length)
    // Re-applying the same edit changes nothing.
    await updateDeployment(
      store,
      flows,
      'd1',
      { schedule: { kind: 'interval', intervalSeconds: 180, anchor: 0 } },
      clock.now(),
      { aheadRuns: 3 },
    )
    expect((await runs()).map((r) => r.scheduledAt)).toEqual(after.map((r) => r.scheduledAt))
    await expect(
      updateDeployment(
        store,
        flows,
        'd1',
        { schedule: { kind: 'cron', cron: 'nope', timezone: 'UTC' } },
        clock.now(),
      ),
    ).rejects.toThrow(/schedule/)
    await expect(
      updateDeployment(store, flows, 'd1', { parameters: 5 }, clock.now()),
    ).rejects.toThrow()
  })

  it('marks runs past their time Late; a runner still takes the latest', async () => {
    const { store, runs, clock } = await setup({ kind: 'interval', intervalSeconds: 60, anchor: 0 })
    await clock.advance(MIN + 4_999)
    expect((await scheduleDeployments(store, clock.now(), { aheadRuns: 5 })).late).toBe(0)
    await clock.advance(1)
    expect((await scheduleDeployments(store, clock.now(), { aheadRuns: 5 })).late).toBe(1)
    expect((await runs())[0]?.state).toBe('Late')
    const claimed = await store.claimRuns({ now: clock.now(), limit: 5, by: 'r' })
    expect(claimed.map((r) => r.scheduledAt)).toEqual([T0 + MIN])
  })

  describe('after downtime, the missed-run policy decides', () => {
    const down = async (policy: MissedRunPolicy) => {
      const { store, runs, clock } = await setup(
        { kind: 'interval', intervalSeconds: 60, anchor: 0 },
        policy,
        5,
      )
      // Down from T0 to T0 + 30 min: 5 runs were created before, 25 more times passed.
      await clock.set(T0 + 30 * MIN + 30_000)
      const tick = await scheduleDeployments(store, clock.now(), { aheadRuns: 5 })
      const all = await runs()
      const by = (state: string) =>
        all.filter((r) => r.state === state).map((r) => (r.scheduledAt - T0) / MIN)
      return { tick, all, by }
    }

    it('backfill runs every missed time', async () => {
      const { by } = await down('backfill')
      expect(by('Late')).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
      expect(by('Scheduled')).toEqual([31, 32, 33, 34, 35])
      expect(by('Cancelled')).toEqual([])
    })

    it('runOnce runs only the latest missed time', async () => {
      const { by, all } = await down('runOnce')
      expect(by('Late')).toEqual([30])
      expect(by('Cancelled')).toEqual([1, 2, 3, 4, 5])
      expect(all.find((r) => r.state === 'Cancelled')?.stateMessage).toBe('missed (runOnce policy)')
      expect(by('Scheduled')).toEqual([31, 32, 33, 34, 35])
    })

    it('skip runs none of them', async () => {
      const { by } = await down('skip')
      expect(by('Late')).toEqual([])
      expect(by('Cancelled')).toEqual([1, 2, 3, 4, 5])
      expect(by('Scheduled')).toEqual([31, 32, 33, 34, 35])
    })
  })

  it('pausing removes future runs; resuming starts from now with nothing missed', async () => {
    const { store, runs, clock } = await setup({ kind: 'interval', intervalSeconds: 60, anchor: 0 })
    await updateDeployment(store, flows, 'd1', { paused: true }, clock.now())
    expect(await runs()).toEqual([])
    await clock.advance(60 * MIN)
    expect((await scheduleDeployments(store, clock.now())).created).toBe(0)
    await updateDeployment(store, flows, 'd1', { paused: false }, clock.now(), { aheadRuns: 2 })
    expect((await runs()).map((r) => [(r.scheduledAt - T0) / MIN, r.state])).toEqual([
      [61, 'Scheduled'],
      [62, 'Scheduled'],
    ])
  })

  describe('DST', () => {
    const cronRuns = async (cron: string, timezone: string, from: string, to: string) => {
      const clock = new FakeClock(from)
      const store = new MemoryFlowStore()
      await createDeployment(
        store,
        flows,
        { id: 'd', flow: 'noop', schedule: { kind: 'cron', cron, timezone } },
        clock.now(),
        { aheadRuns: 50, aheadMs: Date.parse(to) - clock.now() },
      )
      const runs = (await store.listRuns({ deploymentId: 'd', order: 'asc', limit: 100 })).runs
      expect(new Set(runs.map((r) => r.idempotencyKey)).size).toBe(runs.length)
      return runs.map((r) => iso(r.scheduledAt))
    }

    it('Europe/Berlin spring forward: 02:30 does not exist on 29 March, the run is at 03:00', async () => {
      expect(
        await cronRuns(
          '30 2 * * *',
          'Europe/Berlin',
          '2026-03-27T12:00:00Z',
          '2026-03-31T00:00:00Z',
        ),
      ).toEqual([
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST: first instant after the gap
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
      ])
    })

    it('Europe/Berlin fall back: a fixed 02:30 runs once; a */30 pattern runs in both passes', async () => {
      expect(
        await cronRuns(
          '30 2 * * *',
          'Europe/Berlin',
          '2026-10-24T12:00:00Z',
          '2026-10-27T00:00:00Z',
        ),
      ).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first pass only
        '2026-10-26T01:30:00.000Z', // 02:30 CET
      ])
      expect(
        await cronRuns(
          '*/30 * * * *',
          'Europe/Berlin',
          '2026-10-24T23:45:00Z',
          '2026-10-25T01:45:00Z',
        ),
      ).toEqual([
        '2026-10-25T00:00:00.000Z', // 02:00 CEST
        '2026-10-25T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T01:00:00.000Z', // 02:00 CET
        '2026-10-25T01:30:00.000Z', // 02:30 CET
      ])
    })

    it('America/New_York spring forward and fall back', async () => {
      expect(
        await cronRuns(
          '30 2 * * *',
          'America/New_York',
          '2026-03-07T12:00:00Z',
          '2026-03-10T00:00:00Z',
        ),
      ).toEqual([
        '2026-03-08T07:00:00.000Z', // 03:00 EDT (02:30 does not exist)
        '2026-03-09T06:30:00.000Z', // 02:30 EDT
      ])
      expect(
        await cronRuns(
          '30 1 * * *',
          'America/New_York',
          '2026-10-31T12:00:00Z',
          '2026-11-03T00:00:00Z',
        ),
      ).toEqual([
        '2026-11-01T05:30:00.000Z', // 01:30 EDT; the repeated 01:30 EST does not run again
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      ])
    })

    it('intervals are absolute time: an hourly interval stays 3600 s apart across fall back', async () => {
      const s: Schedule = { kind: 'interval', intervalSeconds: 3600, anchor: 0 }
      const times = occurrencesBetween(
        s,
        Date.parse('2026-10-24T23:30:00Z'),
        Date.parse('2026-10-25T03:30:00Z'),
        10,
      )
      expect(times.slice(1).map((t, i) => t - (times[i] ?? 0))).toEqual([
        3600_000, 3600_000, 3600_000,
      ])
    })
  })
})
