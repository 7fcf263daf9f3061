/**
 * Child-process entry: starts one relay under test on 127.0.0.1 (free port), reports where to
 * connect over IPC, answers CPU-usage queries and stops on request. Running each server in its own
 * process keeps its CPU apart from the clients' so the servers are measured alike.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildReply, ParentRequest, ServerKind } from './protocol'
import { BENCH_PROJECT, BENCH_ROOM } from './protocol'

interface Running {
  url: string
  params: Record<string, string>
  durable: boolean
  stop(): Promise<void>
}

async function startLoupe(): Promise<Running> {
  const { startServer } = await import('@loupe/sync-server')
  const dataDir = await mkdtemp(join(tmpdir(), 'loupe-bench-'))
  const server = await startServer({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: null,
      logLevel: 'silent',
      secret: 'x'.repeat(32),
      adminToken: 'a'.repeat(32),
    },
  })
  const { token } = await server.tokens.issue({ projectId: BENCH_PROJECT, role: 'annotator' })
  return {
    url: `ws://127.0.0.1:${server.port}/sync`,
    params: { token },
    durable: true,
    async stop() {
      await server.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

async function startReference(): Promise<Running> {
  const { WebSocketServer } = await import('ws')
  const { setupWSConnection } = await import('@y/websocket-server/utils')
  const wss = new WebSocketServer({ noServer: true })
  const http = createServer((_req, res) => res.end('okay'))
  wss.on('connection', (ws, req) => setupWSConnection(ws, req))
  http.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
  )
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    params: {},
    durable: false,
    async stop() {
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

async function startHocuspocus(durable: boolean): Promise<Running> {
  const { Server } = await import('@hocuspocus/server')
  const extensions = durable ? [await sqliteExtension()] : []
  const server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    extensions,
  })
  await server.listen()
  return {
    url: `ws://127.0.0.1:${server.address.port}`,
    params: {},
    durable,
    stop: () => server.destroy(),
  }
}

async function sqliteExtension() {
  const { SQLite } = await import('@hocuspocus/extension-sqlite')
  const dir = await mkdtemp(join(tmpdir(), 'hocuspocus-bench-'))
  return new SQLite({ database: join(dir, 'db.sqlite') })
}

async function start(kind: ServerKind): Promise<Running> {
  switch (kind) {
    case 'loupe':
      return startLoupe()
    case 'hocuspocus':
      return startHocuspocus(false)
    case 'hocuspocus-sqlite':
      return startHocuspocus(true)
    case 'y-websocket-server':
      return startReference()
  }
}

function reply(message: ChildReply): void {
  process.send?.(message)
}

const kind = process.argv[2] as ServerKind
const running = await start(kind)
reply({
  type: 'ready',
  url: running.url,
  room: BENCH_ROOM,
  params: running.params,
  durable: running.durable,
})

// Event-loop delay tells a stalled server (GC, a long synchronous step) from slow clients.
const loopDelay = monitorEventLoopDelay({ resolution: 5 })
loopDelay.enable()

process.on('message', (message: ParentRequest) => {
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage()
    reply({
      type: 'cpu',
      userUs: user,
      systemUs: system,
      rssBytes: process.memoryUsage().rss,
      loopP99Ms: loopDelay.percentile(99) / 1e6,
      loopMaxMs: loopDelay.max / 1e6,
    })
    loopDelay.reset()
  } else if (message.type === 'stop') {
    void running
      .stop()
      .catch((error: unknown) => process.stderr.write(`stop failed: ${String(error)}\n`))
      .finally(() => process.exit(0))
  }
})
// The parent going away must not leave a server behind.
process.on('disconnect', () => process.exit(0))
