import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { flow, task } from '@loupe/flows'
import { ADMIN_TOKEN, request } from '../api/harness'
import type { FlowTestServer } from './harness'
import { runFlow, startFlowServer, waitForRun } from './harness'
import { seedProject } from './seed'

const DAY = 86_400_000
const servers: FlowTestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined)
})

const tick = flow('tick', () => 'ok')
const step = task((x: number) => x + 1, { name: 'step' })
/** Two task runs, a log line and a file, like an export but small. */
const steps = flow('steps', async (_params, ctx) => {
  const total = (await ctx.run(step, 1)) + (await ctx.run(step, 2))
  ctx.log.info(`total ${total}`)
  await ctx.artifacts.file('out', {
    name: 'out.txt',
    mimeType: 'text/plain',
    data: new TextEncoder().encode(String(total)),
  })
  return total
})

async function start(options: Parameters<typeof startFlowServer>[0] = {}) {
  const t = await startFlowServer({
    ...options,
    flows: { extraFlows: [tick, steps], ...options.flows },
  })
  servers.push(t)
  return t
}

const artifactDir = (t: FlowTestServer) => t.server.config.artifactDir
const status = async (t: FlowTestServer, path: string, token: string) =>
  (await request(t, 'GET', path, { token })).status

describe('flow run retention', () => {
  it('deletes ended runs past the age limit with their logs, task runs and files; live backups stay', async () => {
    const t = await start({ config: { runRetentionDays: 30, runRetentionPerDeployment: 0 } })
    const birds = await seedProject(t, 'Birds')
    const token = birds.token
    const exported = await runFlow(t, token, 'export', { projectId: birds.id, format: 'coco' })
    const report = await runFlow(t, token, 'report', { projectId: birds.id })
    const stepped = await runFlow(t, ADMIN_TOKEN, 'steps', {})
    const backups = []
    for (let i = 0; i < 2; i++) {
      backups.push(await runFlow(t, token, 'backup', { projectId: birds.id, retention: 1 }))
    }
    for (const run of [exported, report, stepped, ...backups]) expect(run.state).toBe('Completed')
    expect(readdirSync(artifactDir(t))).toContain(exported.id)
    const tree = await t.server.flows.store.listRuns({ rootId: stepped.id, limit: 100 })
    expect(tree.runs.map((r) => r.kind).sort()).toEqual(['flow', 'task', 'task'])
    expect(await t.server.flows.store.listLogs(stepped.id)).not.toEqual([])
    // backups[0]'s file went with the backup flow's own retention (1): its download is 410.
    expect(await status(t, `/api/flow-runs/${backups[0].id}/artifact`, token)).toBe(410)

    // Within 30 days nothing goes.
    expect(await t.server.flows.pruneRuns(Date.now() + 29 * DAY)).toEqual({ runs: 0, files: 0 })
    expect(await status(t, `/api/flow-runs/${exported.id}`, token)).toBe(200)

    const pruned = await t.server.flows.pruneRuns(Date.now() + 31 * DAY)
    // export, report, steps and the backup without its file; the files of the first three
    expect(pruned).toEqual({ runs: 4, files: 3 })
    for (const run of [exported, report, stepped, backups[0]]) {
      expect(await status(t, `/api/flow-runs/${run.id}`, ADMIN_TOKEN), run.flow).toBe(404)
      expect(await status(t, `/api/flow-runs/${run.id}/artifact`, ADMIN_TOKEN), run.flow).toBe(404)
    }
    expect(existsSync(join(artifactDir(t), exported.id))).toBe(false)
    expect(existsSync(join(artifactDir(t), stepped.id))).toBe(false)
    expect(existsSync(join(artifactDir(t), report.id))).toBe(false)
    expect(await t.server.flows.store.listRuns({ rootId: stepped.id, limit: 100 })).toEqual({
      runs: [],
      nextCursor: null,
    })
    for (const run of tree.runs) expect(await t.server.flows.store.history(run.id)).toEqual([])
    expect(await t.server.flows.store.listLogs(stepped.id)).toEqual([])
    // The newest backup is still what backup retention keeps: its run and file stay, however old.
    expect(await status(t, `/api/flow-runs/${backups[1].id}/artifact`, token)).toBe(200)
    expect(await t.server.flows.pruneRuns(Date.now() + 400 * DAY)).toEqual({ runs: 0, files: 0 })
    expect(await status(t, `/api/flow-runs/${backups[1].id}/artifact`, token)).toBe(200)
  })

  it('a deployment keeps its newest N ended runs; the hourly pass runs on its own', async () => {
    const t = await start({
      config: { runRetentionDays: 0, runRetentionPerDeployment: 2 },
      flows: { retentionIntervalMs: 100 },
    })
    const birds = await seedProject(t, 'Birds')
    const token = birds.token
    const create = await request(t, 'POST', '/api/deployments', {
      token,
      json: {
        flow: 'report',
        name: 'every second',
        parameters: { projectId: birds.id },
        schedule: { intervalSeconds: 1 },
      },
    })
    expect(create.status, JSON.stringify(create.json)).toBe(201)
    const deploymentId: string = create.json.deployment.id
    const ended = async () => {
      const res = await request(t, 'GET', `/api/flow-runs?deployment=${deploymentId}&limit=100`, {
        token,
      })
      return (res.json.runs as { id: string; state: string; scheduledAt: string }[]).filter((r) =>
        ['Completed', 'Failed', 'Crashed', 'Cancelled'].includes(r.state),
      )
    }
    const firstSeen = new Set<string>()
    const deadline = Date.now() + 20_000
    // Runs keep coming every second; the pass (every 100 ms here) keeps only the newest two.
    while (firstSeen.size < 5) {
      if (Date.now() > deadline) throw new Error(`only ${firstSeen.size} runs ended`)
      for (const run of await ended()) firstSeen.add(run.id)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await request(t, 'PATCH', `/api/deployments/${deploymentId}`, {
      token,
      json: { paused: true },
    })
    const seen = [...firstSeen]
    // A run that was going when the deployment paused ends later; the next pass takes it too.
    let left = await ended()
    for (const until = Date.now() + 10_000; left.length > 2 && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      left = await ended()
    }
    expect(left.length).toBeLessThanOrEqual(2)
    expect(left.length).toBeGreaterThan(0)
    const gone = seen.filter((id) => !left.some((run) => run.id === id))
    expect(gone.length).toBeGreaterThanOrEqual(3)
    for (const id of gone) expect(await status(t, `/api/flow-runs/${id}`, token)).toBe(404)
    // A run started by hand (no deployment) is not counted against any deployment.
    const manual = await runFlow(t, token, 'report', { projectId: birds.id })
    await t.server.flows.pruneRuns()
    expect((await waitForRun(t, manual.id, token)).state).toBe('Completed')
  })

  it('a stored run that is still going is never deleted, however old', async () => {
    const t = await start({ config: { runRetentionDays: 1, runRetentionPerDeployment: 1 } })
    const store = t.server.flows.store
    const { run } = await store.createRun(
      { kind: 'flow', name: 'tick', parameters: {}, state: 'Scheduled', scheduledAt: 0 },
      0,
    )
    await store.transition(run.id, { to: 'Pending', by: 'elsewhere', at: 1 })
    await store.transition(run.id, { to: 'Running', at: 2 })
    expect(await t.server.flows.pruneRuns(Date.now() + 1000 * DAY)).toEqual({ runs: 0, files: 0 })
    expect((await store.getRun(run.id))?.state).toBe('Running')
  })
})
