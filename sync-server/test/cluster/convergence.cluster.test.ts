import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import {
  RawClient,
  connectProvider,
  prng,
  sameContent,
  snapshotOf,
  synced,
  waitFor,
} from '../sync/helpers'
import { TcpBalancer } from './balancer'
import { randomEdits, startCluster, storedInPostgres } from './cluster'
import type { TestCluster } from './cluster'

const ROOM = 'job/p1/j1'

describe('cluster: two instances serve one room', () => {
  let cluster: TestCluster
  const providers: WebsocketProvider[] = []
  const raws: RawClient[] = []
  const proxies: TcpBalancer[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const raw of raws.splice(0)) raw.close()
    await cluster?.close()
    for (const proxy of proxies.splice(0)) await proxy.close()
  })

  const token = async (role: 'annotator' | 'viewer' = 'annotator') =>
    (await cluster.servers[0]!.tokens.issue({ projectId: 'p1', role })).token

  const open = async (instance: number, doc = new Y.Doc(), room = ROOM) => {
    const provider = connectProvider(cluster.wsUrlOf(instance), room, await token(), doc)
    providers.push(provider)
    return provider
  }

  it('a client on instance 1 and one on instance 2 converge, as does a fresh load from PostgreSQL', async () => {
    cluster = await startCluster({ instances: 2 })
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc(), new Y.Doc()]
    const opened = await Promise.all(docs.map((doc, i) => open(i % 2, doc)))
    await Promise.all(opened.map((provider) => synced(provider)))
    const random = prng(7)
    for (let round = 0; round < 5; round++) {
      randomEdits(docs, 60, random)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await waitFor(() => docs.every((doc) => sameContent(doc, docs[0]!)), {
      message: 'peers on both instances to converge',
    })
    expect(docs[0]!.getMap('shapes').size).toBeGreaterThan(0)
    await Promise.all(cluster.servers.map((server) => server.relay.flush()))
    expect(snapshotOf(await storedInPostgres(cluster, ROOM))).toEqual(snapshotOf(docs[0]!))
    for (const server of cluster.servers) {
      const live = await server.relay.read(ROOM, (doc) => snapshotOf(doc))
      expect(live).toEqual(snapshotOf(docs[0]!))
    }
  })

  it('awareness crosses instances, and a leaving client is removed everywhere', async () => {
    cluster = await startCluster({ instances: 2 })
    const a = await open(0)
    const b = await open(1)
    await Promise.all([synced(a), synced(b)])
    a.awareness.setLocalStateField('user', { name: 'Ada' })
    await waitFor(
      () =>
        (b.awareness.getStates().get(a.awareness.clientID) as { user?: { name: string } })?.user
          ?.name === 'Ada',
      { message: 'b to see a' },
    )
    b.awareness.setLocalStateField('cursor', { x: 1, y: 2 })
    await waitFor(() => a.awareness.getStates().has(b.awareness.clientID), {
      message: 'a to see b',
    })
    const gone = a.awareness.clientID
    a.destroy()
    await waitFor(() => !b.awareness.getStates().has(gone), { message: 'a to leave b' })
  })

  it('server-side changes on one instance reach clients on another; reads catch up from storage', async () => {
    cluster = await startCluster({ instances: 2 })
    const doc = new Y.Doc()
    await synced(await open(0, doc))
    await cluster.servers[1]!.relay.change(ROOM, (live) => live.getMap('tags').set('t', 'server'))
    await waitFor(() => doc.getMap('tags').get('t') === 'server', { message: 'remote change' })

    // A durable-acked write through instance 2 is visible to a read on instance 1 at once.
    const raw = new RawClient(cluster.wsUrlOf(1), ROOM, await token())
    raws.push(raw)
    await raw.opensAndSyncs()
    raw.doc.getMap('tags').set('u', 'acked')
    await raw.allAcked()
    expect(await cluster.servers[0]!.relay.read(ROOM, (live) => live.getMap('tags').get('u'))).toBe(
      'acked',
    )
  })

  it('a room loading while updates stream in misses none (subscribe, load, apply buffered)', async () => {
    cluster = await startCluster({ instances: 2 })
    // No catch-up from storage: only the fan-out may deliver what arrives during the load.
    for (const server of cluster.servers) server.backend.cluster!.gapMs = 2_000_000_000
    // A slow subscription (20 ms, as under a loaded Redis): loading before subscribing would then
    // miss every update stored in those 20 ms, every time, not only when one falls in a sub-ms gap.
    const fanout = cluster.servers[1]!.backend.cluster!.fanout
    const join = fanout.join.bind(fanout)
    fanout.join = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      return join(...args)
    }
    // The writer streams as fast as the instances take it: past the relay's per-connection rate
    // limit (which would only build a backlog in its socket: CI once saw 251,026 writes queued,
    // 52k of them through after 45 s) and with at most 32 writes not yet durable, so the updates
    // keep arriving during every load without piling up.
    for (const server of cluster.servers) {
      const limit = server.relay.settings.rateLimit
      server.relay.settings.rateLimit = { ...limit, messagesPerSecond: 1e6, messageBurst: 1e6 }
    }
    const raw = new RawClient(cluster.wsUrlOf(0), ROOM, await token())
    raws.push(raw)
    await raw.opensAndSyncs()
    const writer = raw.doc
    let stop = false
    let n = 0
    const writing = (async () => {
      while (!stop) {
        if (raw.sentUpdates - raw.ackCount < 32) writer.getMap('n').set(String(n++), n)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    const readers: Y.Doc[] = []
    for (let i = 0; i < 12; i++) {
      // Each reader loads the room on instance 2 afresh (it is evicted in between).
      cluster.servers[1]!.relay.settings.roomIdleMs = 1
      const reader = new Y.Doc()
      readers.push(reader)
      const provider = await open(1, reader)
      await synced(provider)
      const seen = reader.getMap('n').size
      await waitFor(() => reader.getMap('n').size > seen, { message: `reader ${i} to get updates` })
      await new Promise((resolve) => setTimeout(resolve, 30))
      // One missed update of the (single) writer would leave every later one pending.
      expect(reader.store.pendingStructs, `reader ${i}`).toBeNull()
      provider.destroy()
      await waitFor(() => !cluster.servers[1]!.relay.liveRooms().includes(ROOM), {
        message: 'room to unload on instance 2',
      })
    }
    const last = new Y.Doc()
    const provider = await open(1, last)
    await synced(provider)
    stop = true
    await writing
    // A missed update shows as pending structs that never resolve, not as slowness.
    await waitFor(() => sameContent(last, writer), {
      timeout: 20_000,
      message: 'the last reader to catch up',
    }).catch((error: unknown) => {
      throw new Error(
        `${(error as Error).message}; now ${last.getMap('n').size} of ${n} keys, pending structs: ${
          last.store.pendingStructs ? 'yes' : 'none'
        }`,
      )
    })
    expect(last.getMap('n').size).toBe(n)
  }, 120_000)

  it('GET /api/ready checks PostgreSQL and Redis; a lost Redis is 503, and rooms resync after it', async () => {
    const redisProxy = new TcpBalancer(() => [6379])
    proxies.push(redisProxy)
    const proxyPort = await redisProxy.listen()
    cluster = await startCluster({
      instances: 2,
      config: { redisUrl: `redis://127.0.0.1:${proxyPort}` },
    })
    const ready = await fetch(`${cluster.servers[0]!.url}/api/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ok: true, checks: ['database', 'redis'] })

    const a = new Y.Doc()
    const b = new Y.Doc()
    await Promise.all([synced(await open(0, a)), synced(await open(1, b))])
    await redisProxy.close()
    const down = await fetch(`${cluster.servers[1]!.url}/api/ready`)
    expect(down.status).toBe(503)
    const body = (await down.json()) as { error: { code: string; failed: string[] } }
    expect(body.error.code).toBe('not_ready')
    expect(body.error.failed).toEqual(['redis'])

    // While the bus is down, edits still reach storage; after it is back, the other side resyncs.
    a.getMap('m').set('during', 'outage')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const back = new TcpBalancer(() => [6379])
    proxies.push(back)
    await back.listen(proxyPort)
    await waitFor(() => b.getMap('m').get('during') === 'outage', {
      timeout: 20_000,
      message: 'the edit made during the outage',
    })
    const deadline = Date.now() + 20_000
    let status = 0
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`${cluster.servers[1]!.url}/api/ready`)).status
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(status).toBe(200)
  })
})
