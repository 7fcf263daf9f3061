/**
 * `npm run bench` — relays side by side on one workload (see load.ts and bench/README.md).
 * stdout: one JSON line per server, then one line of ratios; progress goes to stderr.
 *
 *   tsx bench/relay/run.ts [--clients 50] [--warmup 20] [--rate 2] [--paced-updates 40]
 *     [--updates 2000] [--duration 30] [--window 200] [--observers 4]
 *     [--servers loupe,hocuspocus,hocuspocus-sqlite,y-websocket-server] [--quick] [--profile DIR]
 *
 * Per server, on the same clients: a paced phase (latency at a fast annotator's steady rate), then
 * a closed-loop saturation phase (throughput), capped at --duration seconds of sending.
 */
import { mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { closeClients, openClients, runLoad } from './load'
import type { LoadResult } from './load'
import { SERVER_KINDS } from './protocol'
import type { ServerKind } from './protocol'
import { startServerProcess } from './servers'
import type { ServerProcess } from './servers'
import { round, summarize } from './stats'

const { values } = parseArgs({
  options: {
    clients: { type: 'string' },
    updates: { type: 'string' },
    duration: { type: 'string' },
    window: { type: 'string' },
    rate: { type: 'string' },
    'paced-updates': { type: 'string' },
    warmup: { type: 'string' },
    observers: { type: 'string' },
    servers: { type: 'string' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
})

const env = process.env
const num = (flag: string | undefined, name: string, fallback: number) =>
  Number(flag ?? env[`BENCH_${name}`] ?? fallback)
const quick = values.quick || env.BENCH_QUICK === '1'
const clients = num(values.clients, 'CLIENTS', quick ? 10 : 50)
/** Saturation phase: edits per client, the time cap on sending, and the in-flight window. */
const updates = num(values.updates, 'UPDATES', quick ? 200 : 2000)
const durationS = num(values.duration, 'DURATION_S', quick ? 5 : 30)
const window = num(values.window, 'WINDOW', 200)
/** Paced phase: a fast annotator's steady rate, for a fixed number of edits. */
const rate = num(values.rate, 'RATE', 2)
const pacedUpdates = num(values['paced-updates'], 'PACED_UPDATES', quick ? 15 : 40)
/** Unmeasured closed-loop edits per client first, so every server is measured with a warm JIT. */
const warmup = num(values.warmup, 'WARMUP', quick ? 5 : 20)
const observers = num(values.observers, 'OBSERVERS', 4)
const drainMs = 30_000
const servers = (values.servers ?? env.BENCH_SERVERS ?? SERVER_KINDS.join(','))
  .split(',')
  .map((s) => s.trim()) as ServerKind[]
const profileDir = values.profile ? resolve(values.profile) : undefined

for (const kind of servers) {
  if (!SERVER_KINDS.includes(kind)) throw new Error(`unknown server '${kind}'`)
}
if (profileDir) mkdirSync(profileDir, { recursive: true })

// Each y-websocket provider adds a process 'exit' listener.
process.setMaxListeners(clients * 2 + 10)

const log = (message: string) => process.stderr.write(`${message}\n`)

/** How each server keeps documents (the `durable` flag alone hides the difference). */
const PERSISTENCE: Record<ServerKind, string> = {
  loupe: 'sqlite, every update before it is relayed',
  hocuspocus: 'none (memory only)',
  'hocuspocus-sqlite': 'sqlite, whole-document snapshot debounced 2 s (max 10 s)',
  'y-websocket-server': 'none (memory only)',
}

type Figures = { updatesPerSecond: number; p99Ms: number }
const results = new Map<ServerKind, Figures>()
const pacedMode = `paced ${rate}/s per client × ${pacedUpdates}`
const saturationMode = `saturation, window ${window}, ≤ ${updates} per client, ≤ ${durationS} s`

for (const kind of servers) {
  log(`[bench/relay] ${kind}: ${clients} clients; ${pacedMode}; then ${saturationMode}`)
  const line = await measure(kind).catch((error: unknown) => ({
    bench: 'relay',
    server: kind,
    clients,
    error: error instanceof Error ? error.message : String(error),
  }))
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? round(a / b) : null
const loupe = results.get('loupe')
const versus = (other: ServerKind) => {
  const peer = results.get(other)
  return {
    updatesPerSecond: ratio(loupe?.updatesPerSecond, peer?.updatesPerSecond),
    p99Ms: ratio(loupe?.p99Ms, peer?.p99Ms),
  }
}
const vsHocuspocus = versus('hocuspocus')
const vsReference = versus('y-websocket-server')
process.stdout.write(
  `${JSON.stringify({
    bench: 'relay',
    ratios: 'loupe / peer; updatesPerSecond: higher is better, p99Ms (paced): lower is better',
    loupeVsHocuspocus: vsHocuspocus,
    loupeVsHocuspocusSqlite: versus('hocuspocus-sqlite'),
    loupeVsReference: vsReference,
    goal: '≥ 2× hocuspocus and ≥ 4× reference updatesPerSecond, loupe p99 ≤ 20 ms',
    goalMet:
      loupe !== undefined &&
      (vsHocuspocus.updatesPerSecond ?? 0) >= 2 &&
      (vsReference.updatesPerSecond ?? 0) >= 4 &&
      loupe.p99Ms <= 20,
  })}\n`,
)

async function measure(kind: ServerKind) {
  const loadBefore = loadavg()[0]!
  const server = await startServerProcess(kind, {
    cpuProfileDir: kind === 'loupe' ? profileDir : undefined,
  })
  try {
    const peers = await openClients(server, clients, 30_000)
    try {
      const common = { window, observers, drainMs, log }
      await runLoad(peers, { ...common, updates: warmup, rate: 0, durationMs: 30_000 })
      log(`  ${pacedMode}`)
      const paced = await phase(server, () =>
        runLoad(peers, { ...common, updates: pacedUpdates, rate, durationMs: 600_000 }),
      )
      log(`  ${saturationMode}`)
      const saturation = await phase(server, () =>
        runLoad(peers, { ...common, updates, rate: 0, durationMs: durationS * 1000 }),
      )
      const figures = {
        updatesPerSecond: saturation.updatesPerSecond,
        p50Ms: paced.p50Ms,
        p99Ms: paced.p99Ms,
        maxMs: paced.maxMs,
      }
      results.set(kind, figures)
      return {
        bench: 'relay',
        server: kind,
        clients,
        updates,
        durable: server.durable,
        persistence: PERSISTENCE[kind],
        ...figures,
        serverCpuMs: paced.serverCpuMs + saturation.serverCpuMs,
        paced,
        saturation,
        loadAverage: [round(loadBefore), round(loadavg()[0]!)],
      }
    } finally {
      closeClients(peers)
    }
  } finally {
    await server.stop()
  }
}

/** Runs one phase and summarises it with the server's CPU time over exactly that phase. */
async function phase(server: ServerProcess, load: () => Promise<LoadResult>) {
  const before = await server.cpuMs()
  const result = await load()
  const after = await server.cpuMs()
  const latency = summarize(result.latencies)
  const seconds = result.wallMs / 1000
  const serverCpuMs = after.cpuMs - before.cpuMs
  return {
    updatesPerSecond: Math.round(result.delivered / seconds),
    editsPerSecond: Math.round(result.sent / seconds),
    p50Ms: latency.p50Ms,
    p90Ms: latency.p90Ms,
    p99Ms: latency.p99Ms,
    p999Ms: latency.p999Ms,
    maxMs: latency.maxMs,
    latencySamples: latency.samples,
    coalesced: result.coalesced,
    sent: result.sent,
    delivered: result.delivered,
    complete: result.complete,
    wallMs: Math.round(result.wallMs),
    serverCpuMs: Math.round(serverCpuMs),
    serverCpuUsPerUpdate: round((serverCpuMs * 1000) / Math.max(1, result.delivered)),
    serverRssMb: Math.round(after.rssBytes / 2 ** 20),
    serverLoopDelayP99Ms: round(after.loopP99Ms),
    serverLoopDelayMaxMs: round(after.loopMaxMs),
    clientCpuMs: Math.round(result.clientCpuMs),
  }
}
