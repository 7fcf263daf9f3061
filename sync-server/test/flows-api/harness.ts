import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { startServer } from '../../src/server'
import type { StartOptions } from '../../src/server'
import type { FlowServiceOptions } from '../../src/flows/service'
import { ADMIN_TOKEN, SECRET, request } from '../api/harness'
import type { TestServer } from '../api/harness'

/** Short timings: runs are claimed within 50 ms, the scheduler looks every 200 ms. */
export const FAST: FlowServiceOptions = {
  pollMs: 50,
  heartbeatMs: 200,
  schedulerIntervalMs: 200,
  stopGraceMs: 2_000,
}

export interface FlowTestServer extends TestServer {
  /** Stops the server, keeping the data dir (for restarts). */
  stop(): Promise<void>
}

/** A real server on a data dir that survives `stop()` (restart with the same `dataDir`). */
export async function startFlowServer(
  options: {
    dataDir?: string
    flows?: FlowServiceOptions
    env?: StartOptions['env']
    config?: StartOptions['config']
  } = {},
): Promise<FlowTestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'loupe-flows-api-'))
  const server = await startServer({
    env: options.env ?? {},
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: null,
      logLevel: 'silent',
      secret: SECRET,
      adminToken: ADMIN_TOKEN,
      ...options.config,
    },
    flows: { ...FAST, ...options.flows },
  })
  return {
    server,
    url: server.url,
    dataDir,
    stop: () => server.close(),
    close: async () => {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const OVER = ['Completed', 'Cached', 'Failed', 'Cancelled', 'Crashed']

/** Polls `GET /api/flow-runs/:id` until the run is over (or in one of `states`). */
export async function waitForRun(
  t: TestServer,
  id: string,
  token: string,
  states: readonly string[] = OVER,
  timeout = 20_000,
) {
  const deadline = Date.now() + timeout
  for (;;) {
    const res = await request(t, 'GET', `/api/flow-runs/${id}`, { token })
    expect(res.status, JSON.stringify(res.json)).toBe(200)
    if (states.includes(res.json.state)) return res.json
    if (Date.now() > deadline) throw new Error(`run ${id} still ${res.json.state}`)
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
}

/** Starts a run of `flow` through the API and waits until it is over. */
export async function runFlow(t: TestServer, token: string, flow: string, parameters: unknown) {
  const res = await request(t, 'POST', '/api/flow-runs', { token, json: { flow, parameters } })
  expect(res.status, JSON.stringify(res.json)).toBe(202)
  return waitForRun(t, res.json.run.id, token)
}

/** Reads a server-sent event stream until `until` says stop; returns the events. */
export async function readEvents(
  url: string,
  until: (events: { event: string; data: unknown }[]) => boolean,
  timeout = 20_000,
): Promise<{ event: string; data: unknown }[]> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeout)
  const events: { event: string; data: unknown }[] = []
  try {
    const response = await fetch(url, { signal: controller.signal })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (data !== undefined) events.push({ event, data: JSON.parse(data) })
      }
      if (until(events)) break
    }
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
  return events
}
