import {
  FakeClock,
  FlowRegistry,
  Runner,
  ScheduleError,
  createDeployment,
  flow,
  updateDeployment,
  validateSchedule,
} from '@loupe/flows'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SqliteFlowStore } from '../../src/flows/sqlite-store'
import { openDatabase } from '../../src/storage/sqlite'

const dir = mkdtempSync(join(tmpdir(), 'loupe-flows-schedule-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const T0 = Date.UTC(2026, 0, 1)

describe('scheduling on SQLite across restarts and edits', () => {
  it('runs every scheduled time exactly once: two restarts, a schedule edit, a pause', async () => {
    const file = join(dir, 'schedule.sqlite')
    const ran: number[] = []
    const job = flow('job', (_p, ctx) => {
      ran.push(ctx.now())
    })
    const flows = new FlowRegistry([job])
    const clock = new FakeClock(T0)
    const options = { aheadRuns: 4, intervalMs: 1_000 }
    let store = new SqliteFlowStore(openDatabase(file))
    const process = () => new Runner({ store, flows, clock, scheduler: options, concurrency: 8 })
    let runner = process()
    const advance = async (seconds: number) => {
      for (let s = 0; s < seconds; s++) {
        await clock.advance(1_000)
        await runner.tick()
        await runner.idle()
      }
    }
    await createDeployment(
      store,
      flows,
      { id: 'd', flow: 'job', schedule: { kind: 'interval', intervalSeconds: 10, anchor: 0 } },
      clock.now(),
      options,
    )
    await advance(35) // runs at 10, 20, 30
    await store.close()
    store = new SqliteFlowStore(openDatabase(file)) // restart within the late window: nothing lost
    runner = process()
    await advance(30) // 40, 50, 60
    await updateDeployment(
      store,
      flows,
      'd',
      { schedule: { kind: 'interval', intervalSeconds: 15, anchor: 0 } },
      clock.now(),
      options,
    )
    await advance(30) // 75, 90
    await updateDeployment(store, flows, 'd', { paused: true }, clock.now(), options)
    await advance(20) // paused through 115
    await updateDeployment(store, flows, 'd', { paused: false }, clock.now(), options)
    await store.close()
    store = new SqliteFlowStore(openDatabase(file))
    runner = process()
    await advance(30) // 120, 135 (resumed at 115)
    const done = (await store.listRuns({ deploymentId: 'd', order: 'asc', limit: 1000 })).runs
    const seconds = done.map((r) => (r.scheduledAt - T0) / 1000)
    expect(seconds).toEqual([10, 20, 30, 40, 50, 60, 75, 90, 120, 135, 150, 165, 180, 195])
    expect(done.map((r) => r.state)).toEqual([
      ...Array(10).fill('Completed'),
      ...Array(4).fill('Scheduled'),
    ])
    expect(ran.map((t) => (t - T0) / 1000)).toEqual([10, 20, 30, 40, 50, 60, 75, 90, 120, 135])
    await store.close()
  })

  it('rejects a bad cron or time zone with a ScheduleError', () => {
    expect(() =>
      validateSchedule({ kind: 'cron', cron: '* * * * *', timezone: 'Mars/Olympus' }),
    ).toThrow(ScheduleError)
    expect(() => validateSchedule({ kind: 'cron', cron: '61 * * * *', timezone: 'UTC' })).toThrow(
      /minute/,
    )
    expect(() => validateSchedule({ kind: 'interval', intervalSeconds: 0.5, anchor: 0 })).toThrow(
      /at least 1/,
    )
  })
})
