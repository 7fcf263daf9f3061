import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType, encodeDurableAck } from '@loupe/sync-protocol'
import { LocalDocumentStore, openLocalDatabase } from './local-store'
import { encodeSnapshot, readPreviewShapes, snapshotKey } from './shape-snapshot'
import { PendingStore } from './pending-store'
import { RoomSession, localDatabaseName } from './room'
import type { TabLiveness } from './tabs'

/**
 * A relay on the other end of an in-memory socket: answers sync step 1 with step 2 and its own
 * step 1, stores updates and acknowledges them (Loupe message 100) when `ack()` is called. The
 * provider above it is the real y-websocket client.
 */
class Relay {
  readonly doc = new Y.Doc()
  readonly received: { kind: 'step1' | 'step2' | 'update'; at: number }[] = []
  socket: FakeSocket | null = null
  #unacked = 0

  ack(): void {
    if (!this.socket || this.#unacked === 0) return
    const clocks = new Map<number, number>()
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.doc)))
      clocks.set(client, clock)
    const count = this.#unacked
    this.#unacked = 0
    this.socket.deliver(encodeDurableAck({ count, clocks }))
  }

  receive(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data)
    if (decoding.readVarUint(decoder) !== MessageType.sync) return
    const type = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (type === syncProtocol.messageYjsSyncStep1) {
      this.received.push({ kind: 'step1', at: Date.now() })
      const reply = encoding.createEncoder()
      encoding.writeVarUint(reply, MessageType.sync)
      syncProtocol.writeSyncStep2(reply, this.doc, payload)
      this.socket?.deliver(encoding.toUint8Array(reply))
      this.sendStep1()
    } else {
      this.received.push({ kind: type === 1 ? 'step2' : 'update', at: Date.now() })
      Y.applyUpdate(this.doc, payload)
      this.#unacked++
    }
  }

  sendStep1(): void {
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MessageType.sync)
    syncProtocol.writeSyncStep1(step1, this.doc)
    this.socket?.deliver(encoding.toUint8Array(step1))
  }
}

let relay = new Relay()

class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSING = 2
  readonly CLOSED = 3
  readyState = 0
  binaryType = 'arraybuffer'
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null

  constructor() {
    relay.socket = this
    setTimeout(() => {
      this.readyState = 1
      this.onopen?.({})
    }, 0)
  }

  send(data: Uint8Array): void {
    if (this.readyState === 1) relay.receive(new Uint8Array(data))
  }

  deliver(data: Uint8Array): void {
    setTimeout(() => {
      if (this.readyState === 1) this.onmessage?.({ data: data.slice().buffer })
    }, 0)
  }

  close(): void {
    if (this.readyState === 3) return
    this.readyState = 3
    setTimeout(() => this.onclose?.({ code: 1000, reason: '' }), 0)
  }
}

class MemoryStorage implements Storage {
  #items = new Map<string, string>()
  get length() {
    return this.#items.size
  }
  clear() {
    this.#items.clear()
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null
  }
  removeItem(key: string) {
    this.#items.delete(key)
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value)
  }
}

const stillHere: TabLiveness = {
  id: 'tab-a',
  onIdChange: () => () => {},
  whenGone: () => () => {},
  destroy: () => {},
}
const waitFor = async (condition: () => boolean, what: string, timeout = 5000) => {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/**
 * Holds a read-write transaction on the room's `updates` store open (by chaining requests), so
 * the room's own writes queue behind it and cannot commit until `release()`.
 */
async function blockWrites(room: string) {
  const db = await openLocalDatabase(localDatabaseName(room))
  let holding = true
  const tx = db.transaction('updates', 'readwrite')
  const store = tx.objectStore('updates')
  const spin = () => {
    const req = store.count()
    req.onsuccess = () => {
      if (holding) spin()
    }
  }
  spin()
  const done = new Promise<void>((resolve) => (tx.oncomplete = () => resolve()))
  return {
    async release() {
      holding = false
      await done
      db.close()
    },
  }
}

const sessions: RoomSession[] = []
let roomNo = 0
function open(storage: Storage = new MemoryStorage(), room = `job/p1/room${++roomNo}`) {
  const session = new RoomSession({
    room,
    wsUrl: 'ws://relay.invalid/sync',
    token: 't',
    user: { id: 'u1', name: 'Ann', color: '#ff0000' },
    pendingStore: new PendingStore(storage, stillHere),
    isBrowserOnline: () => true,
    localStore: { idle: () => () => {} },
    webSocket: { WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket, disableBc: true },
  })
  sessions.push(session)
  return { room, session, storage }
}

afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy()
  relay = new Relay()
})

describe('RoomSession: durable locally before sent (fake-indexeddb, real y-websocket client)', () => {
  it('sends an edit only after its IndexedDB write committed, and counts it until acked', async () => {
    const { room, session } = open()
    await session.whenLocal
    await waitFor(() => session.provider.synced, 'sync with the relay')
    const before = relay.received.length

    const blocker = await blockWrites(room)
    session.doc.getMap('shapes').set('a', 1)
    expect(session.tracker.pending).toBe(1)
    await new Promise((r) => setTimeout(r, 150))
    expect(relay.received.length).toBe(before) // not sent: not durable yet
    expect(relay.doc.getMap('shapes').has('a')).toBe(false)

    await blocker.release()
    await waitFor(() => relay.doc.getMap('shapes').has('a'), 'the edit at the relay')
    expect(relay.received.slice(before).map((m) => m.kind)).toEqual(['update'])
    expect(session.tracker.pending).toBe(1)
    relay.ack()
    await waitFor(() => session.tracker.pending === 0, 'the ack')
  })

  it('sends the edits made during one write as one message; deletes confirmed by its ack', async () => {
    const { room, session } = open()
    await session.whenLocal
    await waitFor(() => session.provider.synced, 'sync')
    const shapes = session.doc.getMap('shapes')
    shapes.set('a', 1)
    await session.persistence.whenFlushed()
    relay.ack()
    await waitFor(() => session.tracker.pending === 0, 'first ack')
    const before = relay.received.length

    const blocker = await blockWrites(room)
    shapes.set('b', 2)
    shapes.delete('a')
    shapes.set('c', 3)
    expect(session.tracker.pending).toBe(3)
    await blocker.release()
    await waitFor(() => relay.doc.getMap('shapes').has('c'), 'the edits at the relay')
    await new Promise((r) => setTimeout(r, 50))
    expect(relay.received.slice(before).map((m) => m.kind)).toEqual(['update'])
    expect(relay.doc.getMap('shapes').toJSON()).toEqual({ b: 2, c: 3 })
    relay.ack()
    await waitFor(() => session.tracker.pending === 0, 'the ack of the batch')
  })

  it("answers the relay's sync step 1 only once local writes have committed", async () => {
    const { room, session } = open()
    await session.whenLocal
    await waitFor(() => session.provider.synced, 'sync')
    session.provider.disconnect()
    await waitFor(() => !session.provider.wsconnected, 'disconnect')
    session.doc.getMap('shapes').set('offline', 1)
    await session.persistence.whenFlushed()

    const blocker = await blockWrites(room)
    session.doc.getMap('shapes').set('racing', 2)
    const before = relay.received.length
    session.provider.connect()
    await waitFor(() => relay.received.length > before, 'the client step 1')
    await new Promise((r) => setTimeout(r, 100))
    expect(relay.received.slice(before).map((m) => m.kind)).toEqual(['step1'])
    await blocker.release()
    await waitFor(() => relay.doc.getMap('shapes').has('racing'), 'the step 2')
    expect(relay.received.slice(before).map((m) => m.kind)).toContain('step2')
    relay.ack()
    await waitFor(() => session.tracker.pending === 0, 'acks')
  })
})

describe('RoomSession.shapePreview', () => {
  it('hands out the stored preview first and applies the document only once it is painted', async () => {
    const room = `job/p1/preview${++roomNo}`
    const source = new Y.Doc()
    const writer = new LocalDocumentStore(localDatabaseName(room), source, { idle: () => () => {} })
    await writer.whenSynced
    const shape = new Y.Map<unknown>()
    source.getMap('shapes').set('s1', shape)
    shape.set('imageId', 'img1')
    shape.set('labelId', 'l1')
    shape.set('type', 'rectangle')
    shape.set('points', [1, 2, 3, 4])
    await writer.set(snapshotKey('img1'), encodeSnapshot('img1', readPreviewShapes(source)))
    await writer.destroy()

    const { session } = open(new MemoryStorage(), room)
    const preview = await session.shapePreview('img1')
    expect(preview?.shapes.map((s) => [s.id, s.points])).toEqual([['s1', [1, 2, 3, 4]]])
    await new Promise((r) => setTimeout(r, 50))
    // the document waits for the preview's paint: nothing to edit yet
    expect(session.persistence.synced).toBe(false)
    expect(session.doc.getMap('shapes').size).toBe(0)
    preview!.painted()
    await session.whenLocal
    expect(session.doc.getMap('shapes').has('s1')).toBe(true)
    // once the document is loaded it is the only source
    expect(await session.shapePreview('img1')).toBeNull()
  })
})
