import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, createProject, request } from '../api/harness'
import type { TestServer } from '../api/harness'
import type { FlowTestServer } from './harness'
import { startFlowServer, waitForRun } from './harness'
import { progressOf, testFlows } from './fixtures/test-flows'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let t: FlowTestServer
let project: { id: string; token: string }

beforeAll(async () => {
  t = await startFlowServer({ flows: { extraFlows: testFlows } })
  project = await createProject(t, { name: 'Slow' })
})
afterAll(() => t.close())

async function startRun(server: TestServer, flow: string, parameters: unknown, token: string) {
  const res = await request(server, 'POST', '/api/flow-runs', { token, json: { flow, parameters } })
  expect(res.status, JSON.stringify(res.json)).toBe(202)
  return res.json.run.id as string
}

describe('cancel and timeout stop the work', () => {
  it('cancelling a running run ends it Cancelled and its work stops', async () => {
    const id = await startRun(t, 'slow', { projectId: project.id }, project.token)
    await waitForRun(t, id, project.token, ['Running'])
    await sleep(200)
    const cancel = await request(t, 'POST', `/api/flow-runs/${id}/cancel`, { token: project.token })
    expect(cancel.status).toBe(200)
    expect(['Cancelling', 'Cancelled']).toContain(cancel.json.run.state)
    const run = await waitForRun(t, id, project.token)
    expect(run.state).toBe('Cancelled')
    const reached = progressOf.get(id)!
    expect(reached).toBeGreaterThan(0)
    await sleep(300)
    expect(progressOf.get(id)).toBe(reached)
    // Cancelling again is answered as a duplicate; a finished run cannot be cancelled (409).
    const again = await request(t, 'POST', `/api/flow-runs/${id}/cancel`, { token: project.token })
    expect(again.status).toBe(200)
    expect(again.json.run.state).toBe('Cancelled')
    const quick = await startRun(t, 'slow', { projectId: project.id, steps: 1 }, project.token)
    expect((await waitForRun(t, quick, project.token)).state).toBe('Completed')
    const late = await request(t, 'POST', `/api/flow-runs/${quick}/cancel`, {
      token: project.token,
    })
    expect(late.status).toBe(409)
    expect(late.json.error.code).toBe('not_cancellable')
  })

  it('cancelling a scheduled run cancels it before it starts', async () => {
    const created = await request(t, 'POST', '/api/deployments', {
      token: project.token,
      json: {
        flow: 'slow',
        parameters: { projectId: project.id },
        schedule: { intervalSeconds: 3600 },
      },
    })
    const next = await request(
      t,
      'GET',
      `/api/flow-runs?deployment=${created.json.deployment.id}`,
      {
        token: project.token,
      },
    )
    const id = next.json.runs.at(-1).id
    const cancel = await request(t, 'POST', `/api/flow-runs/${id}/cancel`, { token: project.token })
    expect(cancel.json.run.state).toBe('Cancelled')
  })

  it('a run past its timeout fails and its work stops', async () => {
    const id = await startRun(t, 'timeout', { projectId: project.id }, project.token)
    const run = await waitForRun(t, id, project.token)
    expect(run.state).toBe('Failed')
    expect(run.error).toContain('timed out after 1 s')
    const reached = progressOf.get(id)!
    expect(reached).toBeGreaterThan(10)
    expect(reached).toBeLessThan(100)
    await sleep(300)
    expect(progressOf.get(id)).toBe(reached)
  })
})

describe('crash recovery', () => {
  const FIXTURE = fileURLToPath(new URL('./fixtures/server-process.ts', import.meta.url))
  const children: ChildProcess[] = []
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-flows-kill-'))
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('a run of a server killed with -9 is Crashed at restart, then retried to completion', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, LOUPE_TEST_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(child)
    const lines = createInterface({ input: child.stdout! })
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server exited early (${code})`)))
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve((JSON.parse(line) as { port: number }).port)
      })
    })
    const remote = { url: `http://127.0.0.1:${port}` } as TestServer
    const p = await createProject(remote, { name: 'Crash' })
    const id = await startRun(remote, 'crash-once', { projectId: p.id }, ADMIN_TOKEN)
    await waitForRun(remote, id, ADMIN_TOKEN, ['Running'])
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))

    const restarted = await startFlowServer({ dataDir, flows: { extraFlows: testFlows } })
    try {
      const run = await waitForRun(restarted, id, ADMIN_TOKEN)
      expect(run).toMatchObject({ state: 'Completed', attempt: 2, result: { attempt: 2 } })
    } finally {
      await restarted.stop()
    }
  }, 60_000)
})
