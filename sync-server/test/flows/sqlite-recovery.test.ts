import {
  FakeClock,
  FlowRegistry,
  Runner,
  createDeployment,
  flow,
  scheduleDeployments,
} from '@loupe/flows'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SqliteFlowStore } from '../../src/flows/sqlite-store'
import { openDatabase } from '../../src/storage/sqlite'
import { crashFlow } from './fixtures/crash-flow'

const dir = mkdtempSync(join(tmpdir(), 'loupe-flows-recovery-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})
const T0 = Date.UTC(2026, 0, 1)
const open = (file: string) => new SqliteFlowStore(openDatabase(file))

describe('SqliteFlowStore across restarts', () => {
  it('keeps scheduled runs, retry times and leases through close and reopen', async () => {
    const file = join(dir, 'restart.sqlite')
    const failing = flow('failing', () => Promise.reject(new Error('down')), {
      retries: 3,
      retryDelaySeconds: 300,
    })
    const noop = flow('noop', () => undefined)
    const flows = new FlowRegistry([failing, noop])
    const clock = new FakeClock(T0)
    let store = open(file)
    await createDeployment(
      store,
      flows,
      { id: 'd1', flow: 'noop', schedule: { kind: 'interval', intervalSeconds: 60, anchor: 0 } },
      clock.now(),
      { aheadRuns: 5 },
    )
    const scheduled = (await store.listRuns({ deploymentId: 'd1', order: 'asc' })).runs
    expect(scheduled).toHaveLength(5)
    const runner = new Runner({ store, flows, clock, scheduler: false })
    const { run } = await runner.submit(failing, {})
    await runner.tick()
    await runner.idle()
    expect(await store.getRun(run.id)).toMatchObject({
      state: 'AwaitingRetry',
      scheduledAt: T0 + 300_000,
    })
    await store.setConcurrencyLimit('gpu', 1)
    await store.acquireLeases({
      holderId: 'h',
      rootId: 'h',
      tags: ['gpu'],
      now: T0,
      expiresAt: T0 + 60_000,
    })
    await store.close()

    store = open(file)
    expect((await store.listRuns({ deploymentId: 'd1', order: 'asc' })).runs).toEqual(scheduled)
    expect((await scheduleDeployments(store, clock.now(), { aheadRuns: 5 })).created).toBe(0)
    expect(await store.getRun(run.id)).toMatchObject({
      state: 'AwaitingRetry',
      scheduledAt: T0 + 300_000,
    })
    expect(await store.listLeases(T0 + 1)).toHaveLength(1)
    expect(
      await store.acquireLeases({
        holderId: 'x',
        rootId: 'x',
        tags: ['gpu'],
        now: T0 + 1,
        expiresAt: T0 + 2,
      }),
    ).toBeNull()
    expect(await store.listLeases(T0 + 60_000)).toHaveLength(0) // it expires on time
    const after = new Runner({ store, flows, clock, scheduler: false, concurrency: 10 })
    await clock.advance(299_999)
    expect(
      (await store.claimRuns({ now: clock.now(), limit: 10, by: 'x', names: ['failing'] })).length,
    ).toBe(0)
    await clock.advance(1)
    await after.tick()
    await after.idle()
    expect(await store.getRun(run.id)).toMatchObject({ attempt: 2, scheduledAt: T0 + 600_000 })
    await store.close()
  })

  it('kill -9 mid-run: the run goes Crashed, is retried by the next runner, its lease released', async () => {
    const file = join(dir, 'kill.sqlite')
    const store = open(file)
    await store.setConcurrencyLimit('exclusive', 1)
    const flows = new FlowRegistry([crashFlow])
    const submitter = new Runner({ store, flows, scheduler: false })
    const { run } = await submitter.submit(crashFlow, {})

    // node itself (with tsx as a loader), not the tsx CLI: SIGKILL must hit the runner's process.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/runner-child.ts'), file],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    children.push(child)
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Running')) resolve()
      })
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)))
    })
    // Logs are committed in batches a moment later: wait for the line before pulling the plug.
    for (let i = 0; i < 100 && (await store.listLogs(run.id)).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(await store.getRun(run.id)).toMatchObject({
      state: 'Running',
      claimedBy: `child-${child.pid}`,
    })
    expect(await store.listLeases(Date.now())).toHaveLength(1)
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGKILL')
    await exited
    expect((await store.getRun(run.id))?.state).toBe('Running') // nobody knows yet

    const next = new Runner({ store, flows, staleAfterMs: 1_000, scheduler: false })
    const deadline = Date.now() + 15_000
    while ((await store.getRun(run.id))?.state !== 'Completed' && Date.now() < deadline) {
      await next.tick()
      await next.idle()
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const history = (await store.history(run.id)).map((h) => h.state)
    expect(history).toEqual([
      'Scheduled',
      'Pending',
      'Running',
      'Crashed',
      'AwaitingRetry',
      'Pending',
      'Retrying',
      'Completed',
    ])
    expect(await store.getRun(run.id)).toMatchObject({ attempt: 2, result: '{"attempt":2}' })
    expect(await store.listLeases(Date.now())).toEqual([])
    const logs = await store.listLogs(run.id)
    expect(logs.map((l) => l.message)).toContain('first attempt: hanging')
    await store.close()
  })
})
