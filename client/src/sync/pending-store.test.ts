import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PendingTracker } from '@loupe/sync-protocol'
import { PendingStore, roomsWithPending } from './pending-store'
import type { TabLiveness } from './tabs'

/** localStorage of one origin; every write is announced as a `storage` event to `events`. */
class MemoryStorage implements Storage {
  readonly events = new EventTarget()
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
    const event = Object.assign(new Event('storage'), { key, newValue: value, storageArea: this })
    this.events.dispatchEvent(event)
  }
  get window() {
    return this.events as unknown as Window
  }
}

/** Tabs of one browser: `close(id)` runs what others wait for, one at a time as Web Locks do. */
function browser() {
  const waiting = new Map<string, (() => void)[]>()
  const gone = new Set<string>()
  const tab = (id: string): TabLiveness => ({
    id,
    onIdChange: () => () => {},
    whenGone(tabId, fn) {
      if (gone.has(tabId)) {
        fn()
        return () => {}
      }
      const list = waiting.get(tabId) ?? []
      list.push(fn)
      waiting.set(tabId, list)
      return () => {
        const i = list.indexOf(fn)
        if (i >= 0) list.splice(i, 1)
      }
    },
    destroy: () => {},
  })
  return {
    tab,
    close(id: string) {
      gone.add(id)
      for (const fn of waiting.get(id)?.splice(0) ?? []) fn()
    },
  }
}

const ROOM = 'job/p1/j1'

/** A tab editing the shared document: its tracker sees its own edits as local. */
function editor(doc: Y.Doc, tracker: PendingTracker) {
  return (key: string) => {
    const before = Y.encodeStateVector(doc)
    doc.getMap('shapes').set(key, 1)
    tracker.local(Y.encodeStateAsUpdate(doc, before), false)
  }
}

describe('PendingStore: two tabs on one room', () => {
  it('keeps each tab its own entry: one tab reaching 0 does not erase the other', () => {
    const storage = new MemoryStorage()
    const b = browser()
    const storeA = new PendingStore(storage, b.tab('A'))
    const storeB = new PendingStore(storage, b.tab('B'))
    const trackerA = new PendingTracker()
    const trackerB = new PendingTracker()
    storeA.attach(ROOM, trackerA)
    storeB.attach(ROOM, trackerB)
    const docA = new Y.Doc()
    const docB = new Y.Doc()
    editor(docA, trackerA)('a1')
    editor(docA, trackerA)('a2')
    editor(docB, trackerB)('b1')
    storeA.save(ROOM, trackerA)
    storeB.save(ROOM, trackerB)

    // A's changes reach the server; B's do not
    trackerA.connected()
    trackerA.serverStateVector(Y.encodeStateVector(docA))
    expect(trackerA.pending).toBe(0)
    storeA.save(ROOM, trackerA)

    expect(roomsWithPending(storage)).toEqual([ROOM])
    const fresh = new PendingTracker()
    new PendingStore(storage, b.tab('C')).attach(ROOM, fresh)
    b.close('B')
    expect(fresh.pending).toBe(1)
  })

  it("takes over a closed tab's waiting changes in a tab that has the room open", () => {
    const storage = new MemoryStorage()
    const b = browser()
    const storeA = new PendingStore(storage, b.tab('A'), storage.window)
    const storeB = new PendingStore(storage, b.tab('B'), storage.window)
    const trackerA = new PendingTracker()
    const trackerB = new PendingTracker()
    let adopted = 0
    storeA.attach(ROOM, trackerA, () => adopted++)
    storeB.attach(ROOM, trackerB)
    // B edits after A attached: A hears of B's entry through the storage event
    const docB = new Y.Doc()
    editor(docB, trackerB)('b1')
    editor(docB, trackerB)('b2')
    storeB.save(ROOM, trackerB)
    const storeC = new PendingStore(storage, b.tab('C'), storage.window)
    const trackerC = new PendingTracker()
    storeC.attach(ROOM, trackerC)

    b.close('B')
    // exactly one open tab takes B's changes over (A was first in line), nothing is lost
    expect(trackerA.pending + trackerC.pending).toBe(2)
    expect(trackerA.pending).toBe(2)
    expect(adopted).toBe(1)
    expect(storage.getItem(`loupe.pending.v2:${ROOM}#B`)).toBeNull()
    expect(roomsWithPending(storage)).toEqual([ROOM])

    // the adopted changes are confirmed like A's own once the server has them
    const server = new Y.Doc()
    Y.applyUpdate(server, Y.encodeStateAsUpdate(docB))
    trackerA.connected()
    trackerA.serverStateVector(Y.encodeStateVector(server))
    expect(trackerA.pending).toBe(0)
    storeA.save(ROOM, trackerA)
    expect(roomsWithPending(storage)).toEqual([])
  })

  it('a reload (same tab id) counts its own entry at once; a duplicate tab gives it back', () => {
    const storage = new MemoryStorage()
    const b = browser()
    const before = new PendingTracker()
    editor(new Y.Doc(), before)('x')
    editor(new Y.Doc(), before)('y')
    new PendingStore(storage, b.tab('A')).save(ROOM, before)

    // the reloaded page: same id, its count is there synchronously
    const renames: ((previous: string) => void)[] = []
    const reloaded: TabLiveness = {
      ...b.tab('A'),
      onIdChange: (fn) => (renames.push(fn), () => {}),
    }
    const tracker = new PendingTracker()
    new PendingStore(storage, reloaded).attach(ROOM, tracker)
    expect(tracker.pending).toBe(2)

    // ... but it was a duplicate of tab A, which is alive: it takes a new id and forgets A's
    let id = 'A'
    const duplicate: TabLiveness = {
      ...b.tab('A'),
      get id() {
        return id
      },
      onIdChange: (fn) => (renames.push(fn), () => {}),
    }
    const copy = new PendingTracker()
    renames.length = 0
    new PendingStore(storage, duplicate).attach(ROOM, copy)
    expect(copy.pending).toBe(2)
    editor(new Y.Doc(), copy)('own')
    id = 'D'
    for (const fn of renames) fn('A')
    expect(copy.pending).toBe(1)
    expect(storage.getItem(`loupe.pending.v2:${ROOM}#A`)).not.toBeNull()
    // once A is gone, its changes come back here
    b.close('A')
    expect(copy.pending).toBe(3)
  })

  it('adopts the shared entry of the previous version at once', () => {
    const storage = new MemoryStorage()
    const old = new PendingTracker()
    editor(new Y.Doc(), old)('x')
    storage.setItem(`loupe.pending.v1:${ROOM}`, JSON.stringify(old.toJSON()))
    expect(roomsWithPending(storage)).toEqual([ROOM])
    const tracker = new PendingTracker()
    const store = new PendingStore(storage, browser().tab('A'))
    store.attach(ROOM, tracker)
    expect(tracker.pending).toBe(1)
    expect(storage.getItem(`loupe.pending.v1:${ROOM}`)).toBeNull()
    expect(storage.getItem(`loupe.pending.v2:${ROOM}#A`)).not.toBeNull()
  })
})
