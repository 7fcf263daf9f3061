import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileTree, listFormats } from '@loupe/formats'
import { ADMIN_TOKEN, expectErrorShape, request, share } from '../api/harness'
import type { FlowTestServer } from './harness'
import { readEvents, runFlow, startFlowServer, waitForRun } from './harness'
import { seedProject } from './seed'
import type { SeededProject } from './seed'

let t: FlowTestServer
let birds: SeededProject
let fish: SeededProject

beforeAll(async () => {
  t = await startFlowServer()
  birds = await seedProject(t, 'Birds')
  fish = await seedProject(t, 'Fish')
})
afterAll(() => t.close())

describe('GET /api/flows', () => {
  it('lists the built-in flows with the JSON Schema of their parameters', async () => {
    const res = await request(t, 'GET', '/api/flows', { token: birds.token })
    expect(res.status).toBe(200)
    const names = res.json.flows.map((f: { name: string }) => f.name)
    expect(names).toEqual(['auto-annotate', 'backup', 'export', 'report'])
    const exportFlow = res.json.flows.find((f: { name: string }) => f.name === 'export')
    expect(exportFlow.parameters.required).toEqual(['projectId', 'format'])
    expect((await request(t, 'GET', '/api/flows')).status).toBe(401)
  })
})

describe('runs', () => {
  it('validates parameters at submission: 400 naming the path', async () => {
    for (const [parameters, message] of [
      [{ projectId: birds.id, format: 'nope' }, 'format: expected one of coco'],
      [{ projectId: birds.id }, 'format:'],
      [{ projectId: birds.id, format: 'coco', jobIds: [3] }, 'jobIds[0]:'],
      [{ projectId: birds.id, format: 'coco', extra: 1 }, 'extra'],
    ] as const) {
      const res = await request(t, 'POST', '/api/flow-runs', {
        token: birds.token,
        json: { flow: 'export', parameters },
      })
      expect(res.status, JSON.stringify(parameters)).toBe(400)
      expectErrorShape(res)
      expect(res.json.error.code).toBe('invalid_parameters')
      expect(res.json.error.message).toContain(message)
    }
    const unknown = await request(t, 'POST', '/api/flow-runs', {
      token: birds.token,
      json: { flow: 'nope', parameters: {} },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.json.error.code).toBe('unknown_flow')
  })

  it('export: runs to a zip and a markdown report, with logs and progress', async () => {
    const run = await runFlow(t, birds.token, 'export', { projectId: birds.id, format: 'yolo' })
    expect(run).toMatchObject({
      flow: 'export',
      deploymentId: null,
      parameters: { projectId: birds.id, format: 'yolo' },
      state: 'Completed',
      progress: { fraction: 1 },
    })
    for (const key of ['scheduledAt', 'startedAt', 'endedAt']) {
      expect(new Date(run[key]).toISOString()).toBe(run[key])
    }
    const artifacts = await request(t, 'GET', `/api/flow-runs/${run.id}/artifacts`, {
      token: birds.token,
    })
    expect(
      artifacts.json.artifacts.map((a: { key: string; type: string }) => [a.key, a.type]),
    ).toEqual([
      ['export', 'file'],
      ['report', 'markdown'],
    ])
    expect(artifacts.json.artifacts[1].data.markdown).toContain('- Format: yolo')
    const file = await request(t, 'GET', artifacts.json.artifacts[0].file.url, {
      token: birds.token,
    })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="Birds-yolo.zip"')
    expect(FileTree.fromZip(file.bytes).paths()).toContain('obj.names')
    // A link with ?token= works too (downloads from the browser).
    const link = await request(t, 'GET', `/api/flow-runs/${run.id}/artifact?token=${birds.token}`)
    expect(link.status).toBe(200)
    const logs = await request(t, 'GET', `/api/flow-runs/${run.id}/logs`, { token: birds.token })
    expect(logs.json.logs.some((l: { message: string }) => l.message.includes('exported'))).toBe(
      true,
    )
  })

  it('export: every format of @loupe/formats', async () => {
    for (const format of listFormats()) {
      const run = await runFlow(t, birds.token, 'export', {
        projectId: birds.id,
        format: format.id,
      })
      expect(run.state, `${format.id}: ${run.error}`).toBe('Completed')
      expect(run.result.report.format).toBe(format.id)
      const file = await request(t, 'GET', `/api/flow-runs/${run.id}/artifact?key=export`, {
        token: birds.token,
      })
      expect(FileTree.fromZip(file.bytes).paths().length, format.id).toBeGreaterThan(0)
    }
  })

  it('report: per-label, per-annotator and per-job counts as markdown and JSON', async () => {
    const run = await runFlow(t, birds.token, 'report', { projectId: birds.id })
    expect(run.state, run.error).toBe('Completed')
    expect(run.result.totals).toMatchObject({
      images: 3,
      annotatedImages: 2,
      shapes: 3,
      tags: 0,
      jobs: 1,
    })
    expect(run.result.totals.progress).toBeCloseTo(2 / 3)
    expect(run.result.labels).toEqual([
      { labelId: birds.labels.gull, name: 'gull', shapes: 2, tags: 0, images: 1 },
      { labelId: birds.labels.tern, name: 'tern', shapes: 1, tags: 0, images: 1 },
    ])
    expect(run.result.annotators).toEqual([
      { userId: 'alice', created: 2, updated: 2, assisted: 0 },
      { userId: 'bob', created: 1, updated: 1, assisted: 0 },
    ])
    expect(run.result.jobs[0]).toMatchObject({ jobId: birds.jobId, images: 3, annotatedImages: 2 })
    const json = await request(t, 'GET', `/api/flow-runs/${run.id}/artifact?key=report-json`, {
      token: birds.token,
    })
    expect(JSON.parse(new TextDecoder().decode(json.bytes)).totals.shapes).toBe(3)
    const artifacts = await request(t, 'GET', `/api/flow-runs/${run.id}/artifacts`, {
      token: birds.token,
    })
    const markdown = artifacts.json.artifacts.find((a: { key: string }) => a.key === 'report')
    expect(markdown.data.markdown).toContain('| gull | 2 | 0 | 1 |')
    expect(markdown.data.markdown).toContain('| alice | 2 | 2 | 0 |')
  })

  it('backup: every document in one zip; retention keeps the newest N files', async () => {
    const runs = []
    for (let i = 0; i < 3; i++) {
      runs.push(await runFlow(t, birds.token, 'backup', { projectId: birds.id, retention: 2 }))
    }
    expect(runs.map((r) => r.state)).toEqual(['Completed', 'Completed', 'Completed'])
    expect(runs[2].result).toMatchObject({ documents: 2, pruned: 1 })
    const gone = await request(t, 'GET', `/api/flow-runs/${runs[0].id}/artifact`, {
      token: birds.token,
    })
    expect(gone.status).toBe(410)
    expect(gone.json.error.code).toBe('artifact_gone')
    const kept = await request(t, 'GET', `/api/flow-runs/${runs[2].id}/artifact`, {
      token: birds.token,
    })
    const zip = FileTree.fromZip(kept.bytes)
    expect(zip.paths()).toEqual(['jobs/' + birds.jobId + '.yjs', 'manifest.json', 'project.yjs'])
    const manifest = JSON.parse(new TextDecoder().decode(zip.get('manifest.json')!))
    expect(manifest).toMatchObject({ format: 'loupe-backup', projectId: birds.id })
    // Another project's backups are not counted against this one's retention.
    const other = await runFlow(t, fish.token, 'backup', { projectId: fish.id, retention: 1 })
    expect(other.result.pruned).toBe(0)
    expect(
      (await request(t, 'GET', `/api/flow-runs/${runs[1].id}/artifact`, { token: birds.token }))
        .status,
    ).toBe(200)
  })

  it('a token of project A can neither see nor start runs of project B; the admin sees all', async () => {
    const fishRun = await runFlow(t, fish.token, 'report', { projectId: fish.id })
    const start = await request(t, 'POST', '/api/flow-runs', {
      token: birds.token,
      json: { flow: 'report', parameters: { projectId: fish.id } },
    })
    expect(start.status).toBe(403)
    expectErrorShape(start)
    for (const path of ['', '/logs', '/artifacts', '/artifact', '/events']) {
      const res = await request(t, 'GET', `/api/flow-runs/${fishRun.id}${path}`, {
        token: birds.token,
      })
      expect(res.status, path).toBe(403)
    }
    const cancel = await request(t, 'POST', `/api/flow-runs/${fishRun.id}/cancel`, {
      token: birds.token,
    })
    expect(cancel.status).toBe(403)
    const listed = await request(t, 'GET', '/api/flow-runs?limit=500', { token: birds.token })
    const projects = new Set(
      listed.json.runs.map((r: { parameters: { projectId: string } }) => r.parameters.projectId),
    )
    expect([...projects]).toEqual([birds.id])
    const all = await request(t, 'GET', '/api/flow-runs?limit=500', { token: ADMIN_TOKEN })
    const allProjects = new Set(
      all.json.runs.map((r: { parameters: { projectId: string } }) => r.parameters.projectId),
    )
    expect(allProjects).toEqual(new Set([birds.id, fish.id]))
    // Flows are manager-level: an annotator cannot start one; a viewer may follow exports only.
    const annotator = await share(t, birds.id, birds.token, 'annotator')
    const denied = await request(t, 'POST', '/api/flow-runs', {
      token: annotator.token,
      json: { flow: 'report', parameters: { projectId: birds.id } },
    })
    expect(denied.status).toBe(403)
    const viewer = await share(t, birds.id, birds.token, 'viewer')
    const viewerList = await request(t, 'GET', '/api/flow-runs?limit=500', { token: viewer.token })
    expect(viewerList.json.runs.every((r: { flow: string }) => r.flow === 'export')).toBe(true)
    expect(viewerList.json.runs.length).toBeGreaterThan(0)
  })

  it('lists with filters and a cursor that inserts do not disturb', async () => {
    for (let i = 0; i < 5; i++) await runFlow(t, fish.token, 'report', { projectId: fish.id })
    const filter = `flow=report&projectId=${fish.id}&state=Completed`
    const first = await request(t, 'GET', `/api/flow-runs?${filter}&limit=2`, {
      token: ADMIN_TOKEN,
    })
    expect(first.json.runs).toHaveLength(2)
    expect(first.json.nextCursor).toEqual(expect.any(String))
    // New runs arrive between pages: they sort before the cursor, so pages neither repeat nor skip.
    await runFlow(t, fish.token, 'report', { projectId: fish.id })
    const seen = [...first.json.runs]
    let cursor = first.json.nextCursor
    while (cursor) {
      const page = await request(
        t,
        'GET',
        `/api/flow-runs?${filter}&limit=2&cursor=${encodeURIComponent(cursor)}`,
        { token: ADMIN_TOKEN },
      )
      seen.push(...page.json.runs)
      cursor = page.json.nextCursor
    }
    const everything = await request(t, 'GET', `/api/flow-runs?${filter}&limit=500`, {
      token: ADMIN_TOKEN,
    })
    expect(seen.map((r) => r.id)).toEqual(
      everything.json.runs.slice(1).map((r: { id: string }) => r.id),
    )
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length)
    expect(seen.every((r) => r.flow === 'report' && r.state === 'Completed')).toBe(true)
    const bad = await request(t, 'GET', '/api/flow-runs?state=Nope', { token: ADMIN_TOKEN })
    expect(bad.status).toBe(400)
  })

  it('streams live progress over SSE until the run is over', async () => {
    const started = await request(t, 'POST', '/api/flow-runs', {
      token: birds.token,
      json: { flow: 'report', parameters: { projectId: birds.id } },
    })
    const id = started.json.run.id
    const events = await readEvents(
      `${t.url}/api/flow-runs/${id}/events?token=${birds.token}`,
      (list) =>
        list.some((e) => e.event === 'run' && (e.data as { state: string }).state === 'Completed'),
    )
    const states = events
      .filter((e) => e.event === 'run')
      .map((e) => (e.data as { state: string }).state)
    expect(states[states.length - 1]).toBe('Completed')
    const done = events.filter((e) => e.event === 'run').at(-1)!.data as {
      progress: { fraction: number }
    }
    expect(done.progress.fraction).toBe(1)
    await waitForRun(t, id, birds.token)
  })
})
