import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import {
  RawClient,
  connectProvider,
  diskDoc,
  diskEntryCount,
  prng,
  sameContent,
  snapshotOf,
  startTestServer,
  synced,
  waitFor,
} from './helpers'
import type { TestServer } from './helpers'

const ROOM = 'job/p1/j1'

describe('relay: convergence through the server', () => {
  let test: TestServer
  let token: string
  const providers: WebsocketProvider[] = []

  beforeEach(async () => {
    test = await startTestServer()
    token = (await test.server.tokens.issue({ projectId: 'p1', role: 'annotator' })).token
  })
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await test.close()
  })

  const open = (doc = new Y.Doc(), room = ROOM) => {
    const provider = connectProvider(test.wsUrl, room, token, doc)
    providers.push(provider)
    return provider
  }

  const randomEdits = (docs: Y.Doc[], count: number, random: () => number) => {
    for (let i = 0; i < count; i++) {
      const doc = docs[Math.floor(random() * docs.length)]!
      const shapes = doc.getMap<Y.Map<unknown>>('shapes')
      const r = random()
      if (r < 0.5 || shapes.size === 0) {
        const shape = new Y.Map<unknown>()
        shape.set('points', [random() * 100, random() * 100, random() * 100, random() * 100])
        shape.set('labelId', `l${Math.floor(random() * 5)}`)
        shapes.set(`s${doc.clientID}-${i}`, shape)
      } else if (r < 0.8) {
        const keys = [...shapes.keys()]
        const shape = shapes.get(keys[Math.floor(random() * keys.length)]!)
        shape?.set('points', [random(), random(), random(), random()])
      } else {
        const keys = [...shapes.keys()]
        shapes.delete(keys[Math.floor(random() * keys.length)]!)
      }
    }
  }

  for (const peers of [2, 8]) {
    it(`${peers} providers converge on random edits; a late joiner gets everything`, async () => {
      const docs = Array.from({ length: peers }, () => new Y.Doc())
      const opened = docs.map((doc) => open(doc))
      await Promise.all(opened.map((provider) => synced(provider)))
      randomEdits(docs, 300, prng(peers))
      await waitFor(() => docs.every((doc) => sameContent(doc, docs[0]!)), {
        message: 'peers to converge',
      })
      expect(docs[0]!.getMap('shapes').size).toBeGreaterThan(0)

      const late = new Y.Doc()
      await synced(open(late))
      await waitFor(() => sameContent(late, docs[0]!), { message: 'late joiner' })
      await test.server.relay.flush()
      expect(snapshotOf(diskDoc(test.dataDir, ROOM))).toEqual(snapshotOf(docs[0]!))
    })
  }

  it('a client that edits while disconnected merges on reconnect', async () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    const pa = open(a)
    const pb = open(b)
    await Promise.all([synced(pa), synced(pb)])
    a.getMap('shapes').set('shared', 1)
    await waitFor(() => b.getMap('shapes').get('shared') === 1)

    pa.disconnect()
    a.getMap('shapes').set('offline-a', 'made offline')
    a.getMap('shapes').set('shared', 2)
    b.getMap('shapes').set('online-b', 'made online')
    await waitFor(() => b.getMap('shapes').has('online-b'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(b.getMap('shapes').has('offline-a')).toBe(false)

    pa.connect()
    await waitFor(() => sameContent(a, b), { message: 'merge after reconnect' })
    expect(a.getMap('shapes').get('offline-a')).toBe('made offline')
    expect(a.getMap('shapes').get('online-b')).toBe('made online')
  })

  it('relays awareness and removes a leaving client (no ghost cursors)', async () => {
    const a = open()
    const b = open()
    await Promise.all([synced(a), synced(b)])
    a.awareness.setLocalStateField('cursor', { x: 1, y: 2 })
    const aId = a.doc.clientID
    await waitFor(() => {
      const state = b.awareness.getStates().get(aId) as { cursor?: unknown } | undefined
      return JSON.stringify(state?.cursor) === '{"x":1,"y":2}'
    })
    // a third client joining later sees the cursor too
    const c = open()
    await synced(c)
    await waitFor(() => c.awareness.getStates().has(aId), { message: 'awareness for late joiner' })

    a.destroy()
    await waitFor(() => !b.awareness.getStates().has(aId) && !c.awareness.getStates().has(aId), {
      message: 'awareness removal',
    })
  })

  it('acknowledges durable updates with counts and clocks (loupe=1 only)', async () => {
    const raw = new RawClient(test.wsUrl, ROOM, token)
    await raw.opensAndSyncs()
    await raw.allAcked()
    expect(raw.ackCount).toBe(1) // the sync step 2 answering the server's step 1
    const shapes = raw.doc.getMap('shapes')
    for (let i = 0; i < 50; i++) shapes.set(`k${i}`, i)
    await raw.allAcked()
    expect(raw.ackCount).toBe(51)
    expect(raw.ackClocks.get(raw.doc.clientID)).toBe(50)
    expect(raw.rejections).toEqual([])

    // a stock client (no loupe=1) never receives Loupe message types
    const stock = new RawClient(test.wsUrl, ROOM, token, { loupe: false })
    await stock.opensAndSyncs()
    stock.doc.getMap('shapes').set('stock', true)
    await waitFor(() => raw.doc.getMap('shapes').get('stock') === true)
    expect(stock.received.every((message) => message[0] === 0 || message[0] === 1)).toBe(true)
    expect(stock.ackCount).toBe(0)
    raw.close()
    stock.close()
  })

  it('keeps everything over a graceful restart, and compacts the log', async () => {
    test.server.relay.settings.compactAfterEntries = 100
    const doc = new Y.Doc()
    const provider = open(doc)
    await synced(provider)
    const list = doc.getArray<number>('list')
    for (let i = 0; i < 400; i++) list.push([i])
    const raw = new RawClient(test.wsUrl, ROOM, token)
    await raw.opensAndSyncs()
    await waitFor(() => raw.doc.getArray('list').length === 400)
    await test.server.relay.flush()
    // compaction ran in the background while the log grew past 100 entries
    expect(diskEntryCount(test.dataDir, ROOM)).toBeLessThanOrEqual(101)
    raw.close()
    provider.destroy()
    providers.length = 0

    await test.restart()
    expect(diskEntryCount(test.dataDir, ROOM)).toBe(1) // shutdown flushed and compacted
    const after = new Y.Doc()
    await synced(open(after))
    expect(after.getArray('list').toJSON()).toEqual(list.toJSON())
  })

  it('server code changes a live room through RoomAccess; connected clients receive it', async () => {
    const doc = new Y.Doc()
    await synced(open(doc))
    const size = await test.server.relay.change(ROOM, (live) => {
      live.getMap('tags').set('t1', 'from the server')
      return live.getMap('tags').size
    })
    expect(size).toBe(1)
    await waitFor(() => doc.getMap('tags').get('t1') === 'from the server')
    expect(diskDoc(test.dataDir, ROOM).getMap('tags').get('t1')).toBe('from the server')
    // a failing change leaves nothing behind
    await expect(
      test.server.relay.change(ROOM, (live) => {
        live.getMap('tags').set('t2', 'half')
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await test.server.relay.read(ROOM, (live) => live.getMap('tags').has('t2'))).toBe(false)
  })

  it('evicts idle rooms after flushing them, and loads them again on demand', async () => {
    test.server.relay.settings.roomIdleMs = 50
    const provider = open()
    await synced(provider)
    provider.doc.getMap('shapes').set('kept', true)
    await waitFor(() => diskDoc(test.dataDir, ROOM).getMap('shapes').get('kept') === true)
    provider.destroy()
    providers.length = 0
    await waitFor(() => !test.server.relay.liveRooms().includes(ROOM), { message: 'eviction' })
    expect(diskEntryCount(test.dataDir, ROOM)).toBe(1)
    expect(await test.server.relay.read(ROOM, (live) => live.getMap('shapes').get('kept'))).toBe(
      true,
    )
  })

  it('keeps idle clients alive with empty awareness updates', async () => {
    test.server.relay.settings.keepAliveMs = 200
    const raw = new RawClient(test.wsUrl, ROOM, token)
    await raw.opensAndSyncs()
    const before = raw.received.length
    await waitFor(
      () =>
        raw.received
          .slice(before)
          .some((m) => m.length === 3 && m[0] === 1 && m[1] === 1 && m[2] === 0),
      {
        timeout: 3_000,
        message: 'a keep-alive message',
      },
    )
    raw.close()
  })
})
