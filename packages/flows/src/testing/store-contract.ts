import { describe, expect, it } from 'vitest'
import type { Deployment } from '../deployment'
import type { FlowStore, NewRun } from '../store'

const T0 = Date.UTC(2026, 0, 1)

export const flowRun = (over: Partial<NewRun> = {}): NewRun => ({
  kind: 'flow',
  name: 'demo',
  parameters: { n: 1 },
  state: 'Scheduled',
  scheduledAt: T0,
  ...over,
})

export const deployment = (over: Partial<Deployment> = {}): Deployment => ({
  id: 'dep-1',
  name: 'nightly',
  flow: 'demo',
  parameters: { n: 2 },
  schedule: { kind: 'interval', intervalSeconds: 60, anchor: 0 },
  paused: false,
  missedRunPolicy: 'runOnce',
  tags: [],
  scheduledThrough: T0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
})

/**
 * The behaviour every FlowStore must have, run against MemoryFlowStore and SqliteFlowStore.
 * `open` gives a fresh, empty store.
 */
export function flowStoreContract(name: string, open: () => Promise<FlowStore>): void {
  describe(`FlowStore contract: ${name}`, () => {
    const withStore = (fn: (store: FlowStore) => Promise<void>) => async () => {
      const store = await open()
      try {
        await fn(store)
      } finally {
        await store.close()
      }
    }

    it(
      'creates runs with their fields and records the first state',
      withStore(async (store) => {
        const { run, created } = await store.createRun(
          flowRun({ tags: ['a'], parameters: { deep: { x: [1, 2] } } }),
          T0 - 5,
        )
        expect(created).toBe(true)
        expect(run).toMatchObject({
          kind: 'flow',
          name: 'demo',
          parentId: null,
          rootId: run.id,
          state: 'Scheduled',
          scheduledAt: T0,
          createdAt: T0 - 5,
          attempt: 0,
          claimedBy: null,
          tags: ['a'],
          parameters: { deep: { x: [1, 2] } },
          result: null,
          progress: null,
        })
        expect(await store.getRun(run.id)).toEqual(run)
        expect(await store.getRun('missing')).toBeNull()
        const history = await store.history(run.id)
        expect(history.map((h) => [h.seq, h.state, h.at])).toEqual([[1, 'Scheduled', T0 - 5]])
      }),
    )

    it(
      'creates by idempotency key at most once',
      withStore(async (store) => {
        const a = await store.createRun(flowRun({ idempotencyKey: 'k1' }), T0)
        const b = await store.createRun(flowRun({ idempotencyKey: 'k1', parameters: { n: 9 } }), T0)
        expect(b.created).toBe(false)
        expect(b.run.id).toBe(a.run.id)
        expect(b.run.parameters).toEqual({ n: 1 })
        expect((await store.getRunByKey('k1'))?.id).toBe(a.run.id)
        expect(await store.getRunByKey('k2')).toBeNull()
        const all = await store.listRuns({})
        expect(all.runs).toHaveLength(1)
      }),
    )

    it(
      'applies legal transitions, refuses illegal ones, answers duplicates without change',
      withStore(async (store) => {
        const { run } = await store.createRun(flowRun(), T0)
        const claim = await store.transition(run.id, { to: 'Pending', by: 'r1', at: T0 + 1 })
        expect(claim).toMatchObject({ ok: true, changed: true })
        expect(claim.run).toMatchObject({ state: 'Pending', claimedBy: 'r1', heartbeatAt: T0 + 1 })
        const again = await store.transition(run.id, { to: 'Pending', by: 'r1', at: T0 + 2 })
        expect(again).toMatchObject({ ok: true, changed: false })
        const stolen = await store.transition(run.id, { to: 'Pending', by: 'r2', at: T0 + 2 })
        expect(stolen).toMatchObject({ ok: false, reason: 'already_claimed' })
        const skip = await store.transition(run.id, { to: 'Completed', at: T0 + 2 })
        expect(skip).toMatchObject({ ok: false, reason: 'illegal' })
        const start = await store.transition(run.id, {
          to: 'Running',
          at: T0 + 3,
          patch: { attempt: 1 },
        })
        expect(start.ok && start.run).toMatchObject({
          state: 'Running',
          startedAt: T0 + 3,
          attempt: 1,
        })
        const done = await store.transition(run.id, {
          to: 'Completed',
          from: ['Running', 'Retrying'],
          at: T0 + 4,
          patch: { result: '{"v":1}' },
        })
        expect(done.ok && done.run).toMatchObject({
          state: 'Completed',
          endedAt: T0 + 4,
          result: '{"v":1}',
        })
        expect(await store.transition(run.id, { to: 'Completed', at: T0 + 5 })).toMatchObject({
          ok: true,
          changed: false,
        })
        expect(await store.transition(run.id, { to: 'Failed', at: T0 + 5 })).toMatchObject({
          ok: false,
          reason: 'final',
        })
        expect(await store.transition('nope', { to: 'Failed', at: T0 })).toMatchObject({
          ok: false,
          reason: 'not_found',
        })
        const history = await store.history(run.id)
        expect(history.map((h) => h.state)).toEqual([
          'Scheduled',
          'Pending',
          'Running',
          'Completed',
        ])
        expect(history.map((h) => h.seq)).toEqual([1, 2, 3, 4])
        expect(history[1]?.by).toBe('r1')
      }),
    )

    it(
      'checks preconditions and staleness inside the transition',
      withStore(async (store) => {
        const { run } = await store.createRun(flowRun(), T0)
        expect(
          await store.transition(run.id, { to: 'Cancelled', from: ['Running'], at: T0 }),
        ).toMatchObject({ ok: false, reason: 'precondition' })
        await store.transition(run.id, { to: 'Pending', by: 'r1', at: T0 + 100 })
        expect(
          await store.transition(run.id, { to: 'Crashed', staleBefore: T0 + 100, at: T0 + 200 }),
        ).toMatchObject({ ok: false, reason: 'not_stale' })
        expect(
          await store.transition(run.id, { to: 'Crashed', staleBefore: T0 + 101, at: T0 + 200 }),
        ).toMatchObject({ ok: true, changed: true })
        expect(await store.transition(run.id, { to: 'AwaitingRetry', at: T0 + 200 })).toMatchObject(
          { ok: false, reason: 'missing_time' },
        )
        const retry = await store.transition(run.id, {
          to: 'AwaitingRetry',
          scheduledAt: T0 + 5000,
          at: T0 + 200,
        })
        expect(retry.ok && retry.run).toMatchObject({
          state: 'AwaitingRetry',
          scheduledAt: T0 + 5000,
          claimedBy: null,
          endedAt: null,
        })
      }),
    )

    it(
      'claims due top-level runs oldest first, each by one claimant only',
      withStore(async (store) => {
        const ids: string[] = []
        for (let i = 0; i < 6; i++) {
          const { run } = await store.createRun(flowRun({ scheduledAt: T0 + (5 - i) * 10 }), T0)
          ids.push(run.id)
        }
        await store.createRun(flowRun({ name: 'other', scheduledAt: T0 }), T0)
        await store.createRun(flowRun({ scheduledAt: T0 + 1000 }), T0)
        const { run: child } = await store.createRun(
          flowRun({ parentId: ids[0] ?? '', rootId: ids[0] ?? '', scheduledAt: T0 }),
          T0,
        )
        const [a, b] = await Promise.all([
          store.claimRuns({ now: T0 + 50, limit: 4, by: 'A', names: ['demo'] }),
          store.claimRuns({ now: T0 + 50, limit: 4, by: 'B', names: ['demo'] }),
        ])
        const all = [...(a ?? []), ...(b ?? [])]
        expect(all).toHaveLength(6)
        expect(new Set(all.map((r) => r.id)).size).toBe(6)
        expect(a?.map((r) => r.scheduledAt)).toEqual([T0, T0 + 10, T0 + 20, T0 + 30])
        expect(all.every((r) => r.state === 'Pending')).toBe(true)
        expect(a?.every((r) => r.claimedBy === 'A')).toBe(true)
        expect(
          await store.claimRuns({ now: T0 + 50, limit: 10, by: 'C', names: ['demo'] }),
        ).toEqual([])
        expect((await store.getRun(child.id))?.state).toBe('Scheduled')
        const other = await store.claimRuns({ now: T0 + 50, limit: 10, by: 'C' })
        expect(other.map((r) => r.name)).toEqual(['other'])
      }),
    )

    it(
      'claims Late and due AwaitingRetry runs, not future retries',
      withStore(async (store) => {
        const { run: late } = await store.createRun(flowRun({ scheduledAt: T0 }), T0)
        expect(await store.markLate(T0, T0 + 10)).toBe(1)
        expect((await store.getRun(late.id))?.state).toBe('Late')
        const { run: retry } = await store.createRun(flowRun({ scheduledAt: T0 }), T0)
        await store.transition(retry.id, { to: 'Pending', by: 'x', at: T0 })
        await store.transition(retry.id, { to: 'Running', at: T0 })
        await store.transition(retry.id, { to: 'AwaitingRetry', scheduledAt: T0 + 500, at: T0 })
        const first = await store.claimRuns({ now: T0 + 100, limit: 10, by: 'A' })
        expect(first.map((r) => r.id)).toEqual([late.id])
        const second = await store.claimRuns({ now: T0 + 500, limit: 10, by: 'A' })
        expect(second.map((r) => r.id)).toEqual([retry.id])
      }),
    )

    it(
      'heartbeats only the claimant’s runs and lists stale ones',
      withStore(async (store) => {
        const { run: a } = await store.createRun(flowRun(), T0)
        const { run: b } = await store.createRun(flowRun(), T0)
        await store.claimRuns({ now: T0, limit: 1, by: 'A' })
        await store.claimRuns({ now: T0, limit: 1, by: 'B' })
        const [heldByA] = (await store.listRuns({ order: 'asc' })).runs.filter(
          (r) => r.claimedBy === 'A',
        )
        const idA = heldByA?.id ?? ''
        const idB = idA === a.id ? b.id : a.id
        await store.transition(idB, { to: 'Cancelling', at: T0 }).catch(() => undefined)
        const states = await store.heartbeat({
          by: 'A',
          runIds: [idA, idB],
          now: T0 + 1000,
          leaseExpiresAt: T0 + 2000,
        })
        expect(states).toEqual([{ id: idA, state: 'Pending' }])
        expect((await store.getRun(idA))?.heartbeatAt).toBe(T0 + 1000)
        expect((await store.getRun(idB))?.heartbeatAt).toBe(T0)
        const stale = await store.listStaleRuns(T0 + 500)
        expect(stale.map((r) => r.id)).toEqual([idB])
      }),
    )

    it(
      'lists runs with filters and cursor pages in both orders',
      withStore(async (store) => {
        for (let i = 0; i < 7; i++) {
          await store.createRun(
            flowRun({
              scheduledAt: T0 + i,
              name: i % 2 ? 'odd' : 'even',
              deploymentId: i < 3 ? 'd1' : null,
            }),
            T0,
          )
        }
        const seen: number[] = []
        let cursor: string | null = null
        do {
          const page: Awaited<ReturnType<FlowStore['listRuns']>> = await store.listRuns({
            limit: 3,
            ...(cursor ? { cursor } : {}),
          })
          seen.push(...page.runs.map((r) => r.scheduledAt - T0))
          cursor = page.nextCursor
        } while (cursor)
        expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0])
        const asc = await store.listRuns({ order: 'asc', limit: 2 })
        expect(asc.runs.map((r) => r.scheduledAt - T0)).toEqual([0, 1])
        const next = await store.listRuns({ order: 'asc', limit: 10, cursor: asc.nextCursor ?? '' })
        expect(next.runs.map((r) => r.scheduledAt - T0)).toEqual([2, 3, 4, 5, 6])
        expect(next.nextCursor).toBeNull()
        expect((await store.listRuns({ name: 'odd' })).runs).toHaveLength(3)
        expect((await store.listRuns({ deploymentId: 'd1' })).runs).toHaveLength(3)
        expect((await store.listRuns({ states: ['Late'] })).runs).toHaveLength(0)
        expect((await store.listRuns({ scheduledBefore: T0 + 2 })).runs).toHaveLength(3)
        expect((await store.listRuns({ scheduledAfter: T0 + 2 })).runs).toHaveLength(4)
        expect((await store.listRuns({ parentId: null, kind: 'flow' })).runs).toHaveLength(7)
      }),
    )

    it(
      'keeps deployments and schedules runs idempotently, replacing future ones atomically',
      withStore(async (store) => {
        const d = deployment()
        await store.putDeployment(d)
        expect(await store.getDeployment(d.id)).toEqual(d)
        const run = (at: number): NewRun =>
          flowRun({ deploymentId: d.id, idempotencyKey: `${d.id}@${at}`, scheduledAt: at })
        const first = await store.scheduleRuns({
          deploymentId: d.id,
          at: T0,
          runs: [run(T0 + 60_000), run(T0 + 120_000)],
          scheduledThrough: T0 + 120_000,
        })
        expect(first).toEqual({ created: 2, deleted: 0 })
        const again = await store.scheduleRuns({
          deploymentId: d.id,
          at: T0,
          runs: [run(T0 + 60_000), run(T0 + 120_000), run(T0 + 180_000)],
          scheduledThrough: T0 + 180_000,
        })
        expect(again).toEqual({ created: 1, deleted: 0 })
        expect((await store.getDeployment(d.id))?.scheduledThrough).toBe(T0 + 180_000)
        // The first one has started: a replacement leaves it alone.
        const started = (await store.getRunByKey(`${d.id}@${T0 + 60_000}`))?.id ?? ''
        await store.transition(started, { to: 'Pending', by: 'A', at: T0 + 60_000 })
        const edited = {
          ...d,
          schedule: { kind: 'interval' as const, intervalSeconds: 90, anchor: 0 },
        }
        const replaced = await store.scheduleRuns({
          deploymentId: d.id,
          deployment: edited,
          at: T0 + 60_000,
          replaceAfter: T0 + 60_000,
          runs: [run(T0 + 90_000), run(T0 + 180_000)],
          scheduledThrough: T0 + 180_000,
        })
        expect(replaced).toEqual({ created: 2, deleted: 2 })
        expect((await store.getDeployment(d.id))?.schedule).toEqual(edited.schedule)
        const runs = await store.listRuns({ deploymentId: d.id, order: 'asc' })
        expect(runs.runs.map((r) => [r.scheduledAt - T0, r.state])).toEqual([
          [60_000, 'Pending'],
          [90_000, 'Scheduled'],
          [180_000, 'Scheduled'],
        ])
        await store.putDeployment(deployment({ id: 'dep-2', createdAt: T0 + 1 }))
        expect((await store.listDeployments()).map((x) => x.id)).toEqual(['dep-1', 'dep-2'])
        await store.deleteDeployment(d.id)
        expect(await store.getDeployment(d.id)).toBeNull()
        const left = await store.listRuns({ deploymentId: d.id })
        expect(left.runs.map((r) => r.state)).toEqual(['Pending'])
      }),
    )

    it(
      'skips a scheduling request planned from an outdated or deleted deployment',
      withStore(async (store) => {
        const d = deployment()
        await store.putDeployment(d)
        const run = flowRun({ deploymentId: d.id, idempotencyKey: 'k', scheduledAt: T0 + 60_000 })
        await store.putDeployment({ ...d, updatedAt: T0 + 5 }) // edited meanwhile
        const stale = await store.scheduleRuns({
          deploymentId: d.id,
          at: T0,
          runs: [run],
          scheduledThrough: T0 + 60_000,
          ifUpdatedAt: d.updatedAt,
        })
        expect(stale).toEqual({ created: 0, deleted: 0, skipped: true })
        expect(await store.getRunByKey('k')).toBeNull()
        expect((await store.getDeployment(d.id))?.scheduledThrough).toBe(T0)
        const fresh = await store.scheduleRuns({
          deploymentId: d.id,
          at: T0,
          runs: [run],
          scheduledThrough: T0 + 60_000,
          ifUpdatedAt: T0 + 5,
        })
        expect(fresh).toMatchObject({ created: 1, deleted: 0 })
        await store.deleteDeployment(d.id)
        const gone = await store.scheduleRuns({
          deploymentId: d.id,
          at: T0,
          runs: [flowRun({ deploymentId: d.id, idempotencyKey: 'k2' })],
          scheduledThrough: T0,
          ifUpdatedAt: T0 + 5,
        })
        expect(gone.skipped).toBe(true)
        expect(await store.getRunByKey('k2')).toBeNull()
      }),
    )

    it(
      'appends logs in order and pages them',
      withStore(async (store) => {
        await store.appendLogs([
          { rootId: 'r', runId: 'r', at: T0, level: 'info', message: 'one' },
          { rootId: 'r', runId: 't', at: T0 + 1, level: 'error', message: 'two' },
        ])
        await store.appendLogs([
          { rootId: 'r', runId: 'r', at: T0 + 2, level: 'debug', message: 'three' },
        ])
        await store.appendLogs([{ rootId: 'q', runId: 'q', at: T0, level: 'info', message: 'x' }])
        const logs = await store.listLogs('r')
        expect(logs.map((l) => [l.seq, l.level, l.message, l.runId])).toEqual([
          [1, 'info', 'one', 'r'],
          [2, 'error', 'two', 't'],
          [3, 'debug', 'three', 'r'],
        ])
        expect(
          (await store.listLogs('r', { afterSeq: 1, limit: 1 })).map((l) => l.message),
        ).toEqual(['two'])
      }),
    )

    it(
      'keeps artifacts, progress and cache entries',
      withStore(async (store) => {
        const { run } = await store.createRun(flowRun(), T0)
        await store.addArtifact({
          id: 'a1',
          rootId: run.id,
          runId: run.id,
          key: 'report',
          type: 'table',
          description: null,
          data: { rows: [{ label: 'cat', count: 3 }] },
          createdAt: T0,
        })
        expect(await store.listArtifacts(run.id)).toEqual([
          expect.objectContaining({ key: 'report', data: { rows: [{ label: 'cat', count: 3 }] } }),
        ])
        await store.setProgress(run.id, { fraction: 0.5, message: 'half' })
        expect((await store.getRun(run.id))?.progress).toEqual({ fraction: 0.5, message: 'half' })
        expect(await store.getCacheEntry('k')).toBeNull()
        const entry = { key: 'k', value: '[1]', runId: run.id, createdAt: T0, expiresAt: null }
        await store.putCacheEntry(entry)
        expect(await store.getCacheEntry('k')).toEqual(entry)
        await store.putCacheEntry({ ...entry, value: '[2]', expiresAt: T0 + 1 })
        expect(await store.getCacheEntry('k')).toEqual({
          ...entry,
          value: '[2]',
          expiresAt: T0 + 1,
        })
      }),
    )

    /** Creates a top-level run (with one task run) and ends it in `state` at `endedAt`. */
    const endedRun = async (
      store: FlowStore,
      id: string,
      state: 'Completed' | 'Failed' | 'Cancelled' | 'Crashed',
      endedAt: number,
      over: Partial<NewRun> = {},
    ) => {
      await store.createRun(flowRun({ id, scheduledAt: endedAt - 10, ...over }), endedAt - 10)
      await store.transition(id, { to: 'Pending', by: 'r', at: endedAt - 9 })
      await store.transition(id, { to: 'Running', at: endedAt - 8 })
      await store.createRun(
        flowRun({ id: `${id}-task`, kind: 'task', parentId: id, rootId: id, state: 'Running' }),
        endedAt - 7,
      )
      await store.transition(`${id}-task`, {
        to: state === 'Crashed' ? 'Failed' : state,
        at: endedAt - 1,
      })
      await store.transition(id, { to: state, at: endedAt })
    }

    it(
      'lists ended top-level runs by age, oldest first and paged, never runs still going',
      withStore(async (store) => {
        await endedRun(store, 'old-done', 'Completed', T0 + 100)
        await endedRun(store, 'old-failed', 'Failed', T0 + 200)
        await endedRun(store, 'old-crashed', 'Crashed', T0 + 300)
        await endedRun(store, 'new-done', 'Completed', T0 + 5000)
        await store.createRun(flowRun({ id: 'waiting', scheduledAt: T0 }), T0)
        await store.createRun(flowRun({ id: 'running' }), T0)
        await store.transition('running', { to: 'Pending', by: 'r', at: T0 + 1 })
        await store.transition('running', { to: 'Running', at: T0 + 2 })
        const ids = async (request: Parameters<FlowStore['listExpiredRuns']>[0]) =>
          (await store.listExpiredRuns(request)).map((r) => r.id)
        expect(await ids({ endedBefore: T0 + 1000, limit: 10 })).toEqual([
          'old-done',
          'old-failed',
          'old-crashed',
        ])
        expect(await ids({ endedBefore: T0 + 1000, limit: 2 })).toEqual(['old-done', 'old-failed'])
        expect(
          await ids({
            endedBefore: T0 + 1000,
            after: { endedAt: T0 + 200, id: 'old-failed' },
            limit: 10,
          }),
        ).toEqual(['old-crashed'])
        expect(await ids({ endedBefore: T0 + 100, limit: 10 })).toEqual([])
        expect(await ids({ endedBefore: T0 + 10_000, limit: 10 })).toHaveLength(4)
      }),
    )

    it(
      "lists a deployment's ended runs beyond its newest N, newest first",
      withStore(async (store) => {
        for (let i = 0; i < 5; i++) {
          await endedRun(store, `d${i}`, 'Completed', T0 + 100 * (i + 1), { deploymentId: 'dep-a' })
        }
        await endedRun(store, 'other', 'Completed', T0 + 50, { deploymentId: 'dep-b' })
        await store.createRun(
          flowRun({ id: 'next', deploymentId: 'dep-a', scheduledAt: T0 + 900 }),
          T0,
        )
        const beyond = async (keep: number, limit = 10) =>
          (await store.listExpiredRuns({ beyond: { deploymentId: 'dep-a', keep }, limit })).map(
            (r) => r.id,
          )
        expect(await beyond(2)).toEqual(['d2', 'd1', 'd0'])
        expect(await beyond(2, 1)).toEqual(['d2'])
        expect(await beyond(5)).toEqual([])
        expect(await beyond(0)).toEqual(['d4', 'd3', 'd2', 'd1', 'd0'])
      }),
    )

    it(
      'deletes a run with its task runs, states, logs, artifacts and leases, and nothing else',
      withStore(async (store) => {
        await endedRun(store, 'gone', 'Completed', T0 + 100)
        await endedRun(store, 'kept', 'Completed', T0 + 100)
        await store.createRun(flowRun({ id: 'live' }), T0)
        await store.transition('live', { to: 'Pending', by: 'r', at: T0 + 1 })
        for (const rootId of ['gone', 'kept', 'live']) {
          await store.appendLogs([
            { rootId, runId: rootId, at: T0, level: 'info', message: `log of ${rootId}` },
          ])
          await store.addArtifact({
            id: `artifact-${rootId}`,
            rootId,
            runId: `${rootId}-task`,
            key: 'k',
            type: 'markdown',
            description: null,
            data: { markdown: rootId },
            createdAt: T0,
          })
        }
        await store.setConcurrencyLimit('gpu', 5)
        await store.acquireLeases({
          holderId: 'h',
          rootId: 'gone',
          tags: ['gpu'],
          now: T0,
          expiresAt: T0 + 10_000,
        })
        await store.acquireLeases({
          holderId: 'h',
          rootId: 'kept',
          tags: ['gpu'],
          now: T0,
          expiresAt: T0 + 10_000,
        })

        // A run still going (or unknown) is left alone.
        expect(await store.deleteRuns(['gone', 'live', 'nope', 'gone-task'])).toEqual(['gone'])
        expect(await store.getRun('gone')).toBeNull()
        expect(await store.getRun('gone-task')).toBeNull()
        expect(await store.history('gone')).toEqual([])
        expect(await store.history('gone-task')).toEqual([])
        expect(await store.listLogs('gone')).toEqual([])
        expect(await store.listArtifacts('gone')).toEqual([])
        expect((await store.listLeases(T0)).map((l) => l.rootId)).toEqual(['kept'])
        const left = await store.listRuns({ limit: 10, order: 'asc' })
        expect(left.runs.map((r) => r.id).sort()).toEqual(['kept', 'kept-task', 'live'])
        expect(await store.history('kept-task')).not.toEqual([])
        expect((await store.listLogs('kept')).map((l) => l.message)).toEqual(['log of kept'])
        expect(await store.listArtifacts('live')).toHaveLength(1)
        expect(await store.getRun('live')).toMatchObject({ state: 'Pending' })
        expect(await store.deleteRuns(['gone'])).toEqual([])
      }),
    )

    it(
      'grants concurrency leases up to the limit; expired leases free their slot',
      withStore(async (store) => {
        await store.setConcurrencyLimit('gpu', 2)
        expect(await store.getConcurrencyLimits()).toEqual({ gpu: 2 })
        const take = (holderId: string, now: number) =>
          store.acquireLeases({
            holderId,
            rootId: `root-${holderId}`,
            tags: ['gpu', 'free'],
            now,
            expiresAt: now + 1000,
          })
        expect(await take('h1', T0)).toHaveLength(1)
        expect(await take('h2', T0)).toHaveLength(1)
        expect(await take('h3', T0 + 10)).toBeNull()
        expect(
          await store.acquireLeases({
            holderId: 'x',
            rootId: 'x',
            tags: ['free'],
            now: T0,
            expiresAt: T0 + 1,
          }),
        ).toEqual([])
        // Renewal by heartbeat keeps h1's lease past its first expiry.
        const { run } = await store.createRun(flowRun({ id: 'root-h1' }), T0)
        await store.transition(run.id, { to: 'Pending', by: 'A', at: T0 })
        await store.heartbeat({
          by: 'A',
          runIds: [run.id],
          now: T0 + 900,
          leaseExpiresAt: T0 + 5000,
        })
        expect(await take('h3', T0 + 1000)).toHaveLength(1) // h2 expired at T0 + 1000
        expect(await take('h4', T0 + 1000)).toBeNull() // h1 renewed, h3 holds the other slot
        expect((await store.listLeases(T0 + 1000)).map((l) => l.holderId).sort()).toEqual([
          'h1',
          'h3',
        ])
        expect(await store.releaseLeases({ rootId: 'root-h1' })).toBe(1)
        expect(await store.releaseLeases({ holderId: 'h3' })).toBe(1)
        expect(await take('h4', T0 + 1000)).toHaveLength(1)
        await store.setConcurrencyLimit('gpu', null)
        expect(await store.getConcurrencyLimits()).toEqual({})
      }),
    )
  })
}
