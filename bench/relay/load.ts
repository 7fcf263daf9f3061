/**
 * The workload, identical for every server: N annotators in one job document, each moving its own
 * rectangle U times. An edit is one transaction on the shape's Y.Map (`points`, plus the bench-only
 * `rev` and `sentAt`, the sender's `performance.now()`), the size of a real drag step (~60 bytes).
 *
 * Edits are issued in one global round-robin order: edit g is client g % N's edit ⌊g / N⌋ + 1.
 * - paced (`rate` > 0): open loop, each client at `rate` edits/s, clients evenly staggered;
 * - saturation (`rate` = 0): closed loop, at most `window` edits in flight (sent, not yet seen by
 *   the first observer), so queues stay bounded and throughput is what the relay sustains.
 *
 * A few observer clients time every remote edit they receive (edit-to-peer latency); delivery to all
 * peers is counted from each client's view of every shape's `rev` (per-sender order is FIFO).
 */
import * as Y from 'yjs'
import type { BenchClient, Endpoint } from './clients'
import { connectClient } from './clients'

export interface LoadOptions {
  /** Edits per client. */
  updates: number
  /** Edits per second per client; 0 runs the closed-loop saturation mode. */
  rate: number
  /** Saturation mode: most edits in flight at once. */
  window: number
  observers: number
  /** Sending stops after this long even if not every edit was made. */
  durationMs: number
  /** After sending, how long to wait for the last edits to reach every peer. */
  drainMs: number
  log: (message: string) => void
}

export interface LoadResult {
  sent: number
  /** (edit, peer) pairs that arrived: at most sent × (clients − 1). */
  delivered: number
  expected: number
  complete: boolean
  wallMs: number
  /** Edit-to-peer latencies in ms, one per (edit, observer) arrival. */
  latencies: Float64Array
  /** Edits an observer saw only merged into a later one (no latency sample for them). */
  coalesced: number
  clientCpuMs: number
}

type Shape = Y.Map<unknown>

const shapeId = (client: number) => `shape-${client}`

export async function openClients(endpoint: Endpoint, count: number, timeoutMs: number) {
  const clients: BenchClient[] = []
  for (let i = 0; i < count; i++) clients.push(connectClient(endpoint, new Y.Doc()))
  try {
    await withTimeout(
      Promise.all(clients.map((c) => c.synced)),
      timeoutMs,
      `${count} clients did not sync`,
    )
  } catch (error) {
    closeClients(clients)
    throw error
  }
  // Each annotator draws its rectangle; wait until everyone sees everyone's.
  clients.forEach((client, i) => {
    client.doc.transact(() => {
      const shape = new Y.Map<unknown>()
      shape.set('imageId', 'img-1')
      shape.set('labelId', 'car')
      shape.set('type', 'rectangle')
      shape.set('points', [i, i, i + 40, i + 30])
      shape.set('rev', 0)
      shape.set('sentAt', 0)
      client.doc.getMap('shapes').set(shapeId(i), shape)
    }, 'local')
  })
  const seen = await until(
    () => clients.every((c) => c.doc.getMap('shapes').size === count),
    timeoutMs,
  )
  if (!seen) {
    closeClients(clients)
    throw new Error(`clients did not see every shape within ${timeoutMs} ms`)
  }
  return clients
}

export function closeClients(clients: BenchClient[]): void {
  for (const client of clients) client.destroy()
}

export async function runLoad(clients: BenchClient[], options: LoadOptions): Promise<LoadResult> {
  const n = clients.length
  const total = n * options.updates
  const shapes = clients.map((c, i) => c.doc.getMap<Shape>('shapes').get(shapeId(i)) as Shape)
  // Phases run back to back on the same clients: revs continue from where the last one ended.
  const baseRev = shapes.map((shape) => shape.get('rev') as number)
  const deliveredBefore = countDelivered(clients)
  const observers = observerIndexes(n, options.observers)
  const latencies = new Float64Array(observers.length * total)
  let samples = 0
  let coalesced = 0

  // Closed-loop bookkeeping: edits of others acknowledged by the first observer.
  const ackObserver = observers[0] ?? 0
  const ackedRev = [...baseRev]
  let acked = 0
  let sent = 0
  let pumpScheduled = false

  const unobserve = observers.map((o) => {
    const lastRev = [...baseRev]
    const map = clients[o]!.doc.getMap<Shape>('shapes')
    const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[], txn: Y.Transaction) => {
      if (txn.local) return
      const now = performance.now()
      for (const event of events) {
        if (event.path.length !== 1 || !(event as Y.YMapEvent<unknown>).keysChanged.has('rev')) {
          continue
        }
        const target = event.target as Shape
        const sender = Number(String(event.path[0]).slice('shape-'.length))
        const rev = target.get('rev') as number
        latencies[samples++] = now - (target.get('sentAt') as number)
        coalesced += Math.max(0, rev - lastRev[sender]! - 1)
        lastRev[sender] = rev
        if (o === ackObserver && rev > ackedRev[sender]!) {
          acked += rev - ackedRev[sender]!
          ackedRev[sender] = rev
          schedulePump()
        }
      }
    }
    map.observeDeep(handler)
    return () => map.unobserveDeep(handler)
  })

  const edit = (g: number) => {
    const client = g % n
    const rev = baseRev[client]! + Math.floor(g / n) + 1
    const shape = shapes[client]!
    const x = (rev * 7) % 1000
    clients[client]!.doc.transact(() => {
      shape.set('points', [x, client, x + 40, client + 30])
      shape.set('rev', rev)
      shape.set('sentAt', performance.now())
    }, 'local')
    if (client === ackObserver) acked++ // its own edit needs no trip
    sent++
  }

  const cpuBefore = process.cpuUsage()
  const start = performance.now() + 5
  const stopSending = start + options.durationMs
  let sending = true
  let resolveSent = () => {}
  const allSent = new Promise<void>((resolve) => {
    resolveSent = () => {
      sending = false
      resolve()
    }
  })

  function schedulePump() {
    if (options.rate > 0 || pumpScheduled) return
    pumpScheduled = true
    setImmediate(pump)
  }

  // Saturation: keep `window` edits in flight.
  function pump() {
    pumpScheduled = false
    if (!sending) return
    while (sent < total && sent - acked < options.window) edit(sent)
    if (sent === total || performance.now() > stopSending) resolveSent()
  }

  // Paced: edit g is due at start + g · (1 / (rate · n)) s.
  const spacingMs = options.rate > 0 ? 1000 / (options.rate * n) : 0
  function tick() {
    if (!sending) return
    const now = performance.now()
    while (sent < total && start + sent * spacingMs <= now) edit(sent)
    if (sent === total || now > stopSending) return resolveSent()
    setTimeout(tick, Math.max(0, start + sent * spacingMs - performance.now()))
  }

  const progress = setInterval(() => {
    options.log(`  sent ${sent}/${total}, observer samples ${samples}`)
  }, 5000)
  if (options.rate > 0) setTimeout(tick, Math.max(0, start - performance.now()))
  else setTimeout(pump, Math.max(0, start - performance.now()))

  await allSent
  const expected = sent * (n - 1)
  const drainDeadline = performance.now() + options.drainMs
  let delivered = countDelivered(clients) - deliveredBefore
  while (delivered < expected && performance.now() < drainDeadline) {
    await sleep(10)
    delivered = countDelivered(clients) - deliveredBefore
  }
  const end = performance.now()
  const cpu = process.cpuUsage(cpuBefore)
  clearInterval(progress)
  for (const stop of unobserve) stop()

  return {
    sent,
    delivered,
    expected,
    complete: delivered === expected,
    wallMs: end - start,
    latencies: latencies.subarray(0, samples),
    coalesced,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  }
}

/** (edit, peer) pairs delivered: every client's view of every other client's shape `rev`. */
function countDelivered(clients: BenchClient[]): number {
  let delivered = 0
  clients.forEach((client, c) => {
    const shapes = client.doc.getMap<Shape>('shapes')
    for (let s = 0; s < clients.length; s++) {
      if (s !== c) delivered += (shapes.get(shapeId(s))?.get('rev') as number | undefined) ?? 0
    }
  })
  return delivered
}

/** `count` observers spread over the clients (the first is client 0). */
function observerIndexes(clients: number, count: number): number[] {
  const k = Math.max(1, Math.min(count, clients))
  return Array.from({ length: k }, (_, j) => Math.floor((j * clients) / k))
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `condition` until it holds (true) or `timeoutMs` passes (false). */
async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) return false
    await sleep(20)
  }
  return true
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
