import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PendingTracker, summarizeUpdate } from './pending'

/** A local doc whose local updates feed a tracker, and a "server" doc that receives them. */
function setup(tracker = new PendingTracker()) {
  const doc = new Y.Doc()
  const server = new Y.Doc()
  const outbox: Uint8Array[] = []
  let online = false
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'server') return
    tracker.local(update, online)
    if (online) outbox.push(update)
  })
  return {
    doc,
    server,
    tracker,
    outbox,
    /** Connect: the server's step 1, our step 2 applied on the server. */
    connect() {
      online = true
      tracker.connected()
      tracker.serverStateVector(Y.encodeStateVector(server))
      outbox.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server)))
    },
    disconnect() {
      online = false
      outbox.length = 0
      tracker.disconnected()
    },
    /** The server stores every message in the outbox and acks them in one batch. */
    flush() {
      const count = outbox.length
      for (const update of outbox.splice(0)) Y.applyUpdate(server, update, 'client')
      tracker.ack({
        count,
        clocks: new Map([[doc.clientID, Y.getState(server.store, doc.clientID)]]),
      })
    },
  }
}

describe('summarizeUpdate', () => {
  it('reads insert clocks and deletes', () => {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getMap('m').set('a', 1)
    doc.getMap('m').delete('a')
    expect(summarizeUpdate(updates[0]!)).toEqual({
      clocks: new Map([[doc.clientID, 1]]),
      deletes: false,
    })
    expect(summarizeUpdate(updates[1]!)).toEqual({ clocks: new Map(), deletes: true })
  })
})

describe('PendingTracker', () => {
  it('counts offline transactions and confirms them after the step-2 ack', () => {
    const s = setup()
    const shapes = s.doc.getMap('shapes')
    shapes.set('a', 1)
    shapes.set('b', 2)
    s.doc.transact(() => {
      shapes.set('c', 3)
      shapes.set('d', 4)
    })
    expect(s.tracker.pending).toBe(3)
    s.connect()
    expect(s.tracker.pending).toBe(3)
    s.flush()
    expect(s.tracker.pending).toBe(0)
  })

  it('keeps delete-only transactions pending until their message is acknowledged', () => {
    const s = setup()
    s.connect()
    s.doc.getMap('shapes').set('a', 1)
    s.flush()
    expect(s.tracker.pending).toBe(0)
    s.disconnect()
    s.doc.getMap('shapes').delete('a')
    expect(s.tracker.pending).toBe(1)
    s.connect()
    expect(s.tracker.pending).toBe(1)
    s.flush()
    expect(s.tracker.pending).toBe(0)
    expect(s.server.getMap('shapes').has('a')).toBe(false)
  })

  it('forgets delete acks of a connection that closed before acking', () => {
    const s = setup()
    s.connect()
    s.doc.getMap('shapes').set('a', 1)
    s.flush()
    s.doc.getMap('shapes').delete('a')
    expect(s.tracker.pending).toBe(1)
    s.disconnect()
    s.connect()
    // an ack counting only the step 2 of this connection confirms the delete carried in it
    s.flush()
    expect(s.tracker.pending).toBe(0)
  })

  it('confirms from the server state vector at connect (sent before a reload)', () => {
    const s = setup()
    s.doc.getMap('shapes').set('a', 1)
    Y.applyUpdate(s.server, Y.encodeStateAsUpdate(s.doc), 'client')
    expect(s.tracker.pending).toBe(1)
    s.connect()
    expect(s.tracker.pending).toBe(0)
  })

  it('survives a reload through toJSON / fromJSON', () => {
    const s = setup()
    s.doc.getMap('shapes').set('a', 1)
    s.doc.getMap('shapes').set('b', 1)
    s.doc.getMap('shapes').delete('a')
    const json = JSON.parse(JSON.stringify(s.tracker.toJSON())) as unknown
    const restored = PendingTracker.fromJSON(json)
    expect(restored.pending).toBe(3)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(s.doc))
    // reconnect with the restored tracker: the step 2 carries everything
    restored.connected()
    restored.serverStateVector(new Map())
    restored.ack({ count: 1, clocks: new Map([[s.doc.clientID, 2]]) })
    expect(restored.pending).toBe(0)
  })

  it('tolerates malformed snapshots', () => {
    expect(PendingTracker.fromJSON(null).pending).toBe(0)
    expect(PendingTracker.fromJSON({ version: 2 }).pending).toBe(0)
    expect(
      PendingTracker.fromJSON({ version: 1, transactions: [{ clocks: [['x', 1]] }, 5] }).pending,
    ).toBe(0)
  })

  it('advances by server updates only where they continue what is confirmed', () => {
    const tracker = new PendingTracker()
    const other = new Y.Doc()
    const updates: Uint8Array[] = []
    other.on('update', (u: Uint8Array) => updates.push(u))
    other.getMap('m').set('a', 1)
    other.getMap('m').set('b', 1)
    tracker.local(updates[0]!, false)
    tracker.local(updates[1]!, false)
    tracker.serverUpdate(updates[1]!) // starts at clock 1: 0..1 unknown
    expect(tracker.pending).toBe(2)
    tracker.serverUpdate(updates[0]!)
    tracker.serverUpdate(updates[1]!)
    expect(tracker.pending).toBe(0)
  })

  it('notifies listeners when the count changes', () => {
    const s = setup()
    const seen: number[] = []
    s.tracker.onChange((n) => seen.push(n))
    s.doc.getMap('m').set('a', 1)
    s.connect()
    s.flush()
    expect(seen).toEqual([1, 0])
  })
})
