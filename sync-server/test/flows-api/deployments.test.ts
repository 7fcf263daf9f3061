import { afterAll, describe, expect, it } from 'vitest'
import { flow } from '@loupe/flows'
import { ADMIN_TOKEN, createProject, expectErrorShape, request } from '../api/harness'
import type { FlowTestServer } from './harness'
import { startFlowServer, waitForRun } from './harness'

const servers: FlowTestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined)
})

/** A flow that does nothing (for schedule tests), tagged with its project. */
const tick = flow('tick', () => 'ok')

async function start(dataDir?: string) {
  const t = await startFlowServer({ dataDir, flows: { extraFlows: [tick] } })
  if (!dataDir) servers.push(t)
  return t
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('deployments', () => {
  it('create, read, edit the schedule, pause, resume, run now, delete', async () => {
    const t = await start()
    const project = await createProject(t, { name: 'Birds' })
    const create = await request(t, 'POST', '/api/deployments', {
      token: project.token,
      json: {
        flow: 'report',
        name: 'nightly report',
        parameters: { projectId: project.id },
        schedule: { cron: '0 3 * * *', timezone: 'Europe/Berlin' },
      },
    })
    expect(create.status, JSON.stringify(create.json)).toBe(201)
    const d = create.json.deployment
    expect(d).toMatchObject({
      name: 'nightly report',
      flow: 'report',
      schedule: { cron: '0 3 * * *', timezone: 'Europe/Berlin' },
      paused: false,
      missedRunPolicy: 'runOnce',
    })
    // The next run is at 03:00 in Berlin (01:00 or 02:00 UTC).
    expect(new Date(d.nextRunAt).getUTCMinutes()).toBe(0)
    expect([1, 2]).toContain(new Date(d.nextRunAt).getUTCHours())

    const list = await request(t, 'GET', '/api/deployments', { token: project.token })
    expect(list.json.deployments.map((x: { id: string }) => x.id)).toEqual([d.id])

    const edited = await request(t, 'PATCH', `/api/deployments/${d.id}`, {
      token: project.token,
      json: { schedule: { intervalSeconds: 3600, anchor: '2026-01-01T00:30:00Z' } },
    })
    expect(edited.status, JSON.stringify(edited.json)).toBe(200)
    expect(edited.json.deployment.schedule).toEqual({
      intervalSeconds: 3600,
      anchor: '2026-01-01T00:30:00.000Z',
    })
    expect(new Date(edited.json.deployment.nextRunAt).getUTCMinutes()).toBe(30)
    // The old schedule's runs were replaced: every future run is on the half hour.
    const upcoming = await request(t, 'GET', `/api/flow-runs?deployment=${d.id}&state=Scheduled`, {
      token: project.token,
    })
    expect(upcoming.json.runs.length).toBeGreaterThan(0)
    for (const run of upcoming.json.runs) expect(new Date(run.scheduledAt).getUTCMinutes()).toBe(30)

    const paused = await request(t, 'PATCH', `/api/deployments/${d.id}`, {
      token: project.token,
      json: { paused: true },
    })
    expect(paused.json.deployment).toMatchObject({ paused: true, nextRunAt: null })
    const resumed = await request(t, 'PATCH', `/api/deployments/${d.id}`, {
      token: project.token,
      json: { paused: false },
    })
    expect(resumed.json.deployment.nextRunAt).not.toBeNull()

    const now = await request(t, 'POST', `/api/deployments/${d.id}/run`, { token: project.token })
    expect(now.status).toBe(202)
    expect(now.json.run).toMatchObject({ deploymentId: d.id, flow: 'report' })
    const done = await waitForRun(t, now.json.run.id, project.token)
    expect(done.state).toBe('Completed')

    const removed = await request(t, 'DELETE', `/api/deployments/${d.id}`, { token: project.token })
    expect(removed.status).toBe(204)
    const gone = await request(t, 'GET', `/api/deployments/${d.id}`, { token: project.token })
    expect(gone.status).toBe(404)
    expectErrorShape(gone)
    const left = await request(t, 'GET', `/api/flow-runs?deployment=${d.id}&state=Scheduled`, {
      token: project.token,
    })
    expect(left.json.runs).toEqual([])
  })

  it('refuses bad schedules, bad parameters and other projects', async () => {
    const t = await start()
    const a = await createProject(t, { name: 'A' })
    const b = await createProject(t, { name: 'B' })
    const cases = [
      [
        { flow: 'report', parameters: { projectId: a.id }, schedule: { cron: 'nope' } },
        'invalid_schedule',
      ],
      [
        {
          flow: 'report',
          parameters: { projectId: a.id },
          schedule: { cron: '* * * * *', timezone: 'Mars/Base' },
        },
        'invalid_schedule',
      ],
      [
        { flow: 'report', parameters: { projectId: a.id }, schedule: { intervalSeconds: 0.5 } },
        'invalid_body',
      ],
      [
        { flow: 'export', parameters: { projectId: a.id, format: 'x' }, schedule: null },
        'invalid_parameters',
      ],
      [{ flow: 'report', parameters: { projectId: a.id }, schedule: { every: 5 } }, 'invalid_body'],
    ] as const
    for (const [json, code] of cases) {
      const res = await request(t, 'POST', '/api/deployments', { token: a.token, json })
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect(res.json.error.code).toBe(code)
    }
    const other = await request(t, 'POST', '/api/deployments', {
      token: a.token,
      json: { flow: 'report', parameters: { projectId: b.id }, schedule: { intervalSeconds: 60 } },
    })
    expect(other.status).toBe(403)
    const mine = await request(t, 'POST', '/api/deployments', {
      token: b.token,
      json: { flow: 'report', parameters: { projectId: b.id }, schedule: { intervalSeconds: 60 } },
    })
    const id = mine.json.deployment.id
    for (const [method, path] of [
      ['GET', `/api/deployments/${id}`],
      ['PATCH', `/api/deployments/${id}`],
      ['DELETE', `/api/deployments/${id}`],
      ['POST', `/api/deployments/${id}/run`],
    ] as const) {
      const res = await request(t, method, path, {
        token: a.token,
        ...(method === 'PATCH' ? { json: {} } : {}),
      })
      expect(res.status, `${method} ${path}`).toBe(403)
    }
    expect(
      (await request(t, 'GET', '/api/deployments', { token: a.token })).json.deployments,
    ).toEqual([])
    expect(
      (await request(t, 'GET', '/api/deployments', { token: ADMIN_TOKEN })).json.deployments,
    ).toHaveLength(1)
  })

  it('runs a one-second interval on time, and a restart mid-schedule neither duplicates nor loses runs', async () => {
    const t = await start()
    const dataDir = t.dataDir
    const project = await createProject(t, { name: 'Ticks' })
    const created = await request(t, 'POST', '/api/deployments', {
      token: ADMIN_TOKEN,
      json: {
        flow: 'tick',
        parameters: { projectId: project.id },
        schedule: { intervalSeconds: 1 },
        missedRunPolicy: 'backfill',
      },
    })
    expect(created.status, JSON.stringify(created.json)).toBe(201)
    const id = created.json.deployment.id
    await sleep(2_500)
    await t.stop()
    const down = Date.now()
    await sleep(1_500)
    const again = await start(dataDir)
    servers.push(again)
    await sleep(3_000)
    await request(again, 'PATCH', `/api/deployments/${id}`, {
      token: ADMIN_TOKEN,
      json: { paused: true },
    })
    const end = Date.now()
    // Let whatever was claimed finish.
    await sleep(500)
    const runs = (
      await request(again, 'GET', `/api/flow-runs?deployment=${id}&limit=500`, {
        token: ADMIN_TOKEN,
      })
    ).json.runs as { scheduledAt: string; state: string }[]
    const times = runs.map((r) => Date.parse(r.scheduledAt))
    expect(new Set(times).size, 'one run per scheduled time').toBe(times.length)
    const past = runs.filter((r) => Date.parse(r.scheduledAt) <= end - 1_000)
    const completed = past.filter((r) => r.state === 'Completed')
    // Every second from the first run to the pause has a run (backfill covers the downtime).
    const first = Math.min(...times)
    const expected = Math.floor((end - 1_000 - first) / 1_000) + 1
    expect(past.length).toBe(expected)
    expect(completed.length).toBe(expected)
    expect(
      past.some(
        (r) => Date.parse(r.scheduledAt) > down && Date.parse(r.scheduledAt) < down + 1_500,
      ),
    ).toBe(true)
  }, 30_000)
})
