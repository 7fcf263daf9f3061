import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { LocalDocumentStore, openLocalDatabase } from './local-store'
import type { StoredChange } from './local-store'

let n = 0
const names: string[] = []
const freshName = () => {
  const name = `loupe:test-${++n}`
  names.push(name)
  return name
}
/** Compaction only when a test asks for it. */
const manual = { idle: () => () => {} }

async function storedEntries(name: string): Promise<Uint8Array[]> {
  const db = await openLocalDatabase(name)
  const values = await new Promise<Uint8Array[]>((resolve, reject) => {
    const req = db.transaction('updates', 'readonly').objectStore('updates').getAll()
    req.onsuccess = () => resolve(req.result as Uint8Array[])
    req.onerror = () => reject(req.error)
  })
  db.close()
  return values
}

async function load(name: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  const store = new LocalDocumentStore(name, doc, manual)
  await store.whenSynced
  await store.destroy()
  return doc
}

afterEach(async () => {
  for (const name of names.splice(0)) {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name)
      req.onsuccess = req.onerror = () => resolve(undefined)
    })
  }
})

describe('LocalDocumentStore (fake-indexeddb)', () => {
  it('reports each change only after its write committed, in order, batching a busy tick', async () => {
    const name = freshName()
    const doc = new Y.Doc()
    const store = new LocalDocumentStore(name, doc, manual)
    await store.whenSynced
    const batches: StoredChange[][] = []
    const storedAtReport: number[] = []
    store.onDurable((changes) => batches.push(changes))
    store.onDurable(() => {
      // what is reported durable is in the database when reported
      void storedEntries(name).then((entries) => storedAtReport.push(entries.length))
    })
    const map = doc.getMap<number>('m')
    map.set('a', 1)
    map.set('b', 2)
    expect(batches).toHaveLength(0)
    await Promise.resolve()
    // the changes of one task go into one write; those made while it is written, into the next
    map.set('c', 3)
    map.set('d', 4)
    map.set('e', 5)
    await store.whenFlushed()
    expect(batches.map((b) => b.length)).toEqual([2, 3])
    expect(store.unwritten).toBe(0)
    await new Promise((r) => setTimeout(r, 50))
    expect(storedAtReport[0]).toBeGreaterThanOrEqual(1)
    await store.destroy()
    expect((await load(name)).getMap('m').toJSON()).toEqual({ a: 1, b: 2, c: 3, d: 4, e: 5 })
  })

  it('does not write back what it loaded, and reports remote origins as such', async () => {
    const name = freshName()
    const first = new Y.Doc()
    const writer = new LocalDocumentStore(name, first, manual)
    first.getMap('m').set('x', 1)
    await writer.destroy()
    const doc = new Y.Doc()
    const store = new LocalDocumentStore(name, doc, manual)
    const origins: unknown[] = []
    store.onDurable((changes) => origins.push(...changes.map((c) => c.origin)))
    await store.whenSynced
    await store.whenFlushed()
    expect(origins).toEqual([])
    expect(store.loadStats.entries).toBe(1)
    const remote = {}
    doc.transact(() => doc.getMap('m').set('y', 2), remote)
    await store.whenFlushed()
    expect(origins).toEqual([remote])
    await store.destroy()
  })

  it('loads the stored copy without an update event (no second encoding), and events resume after', async () => {
    const name = freshName()
    const first = new Y.Doc()
    const writer = new LocalDocumentStore(name, first, manual)
    first.getMap('m').set('x', 1)
    await writer.destroy()
    const doc = new Y.Doc()
    const updates: unknown[] = []
    const updatesV2: unknown[] = []
    const changed: unknown[] = []
    doc.on('update', (_u: Uint8Array, origin: unknown) => updates.push(origin))
    doc.on('updateV2', (_u: Uint8Array, origin: unknown) => updatesV2.push(origin))
    doc.getMap('m').observe((event) => changed.push([...event.keysChanged]))
    const store = new LocalDocumentStore(name, doc, manual)
    await store.whenSynced
    expect(doc.getMap('m').toJSON()).toEqual({ x: 1 })
    // the type's observers saw the load; the update listeners did not
    expect(changed).toEqual([['x']])
    expect(updates).toEqual([])
    expect(updatesV2).toEqual([])
    // ... and they are all back: a later change reaches them, and is stored
    doc.getMap('m').set('y', 2)
    expect(updates).toEqual([null])
    expect(updatesV2).toEqual([null])
    await store.whenFlushed()
    await store.destroy()
    expect((await load(name)).getMap('m').toJSON()).toEqual({ x: 1, y: 2 })
  })

  it('reads the readFirst keys before the log, answers get() from that read once, then reads again', async () => {
    const name = freshName()
    const first = new Y.Doc()
    const writer = new LocalDocumentStore(name, first, manual)
    first.getMap('m').set('x', 1)
    await writer.set('shapes/a', { v: 1 })
    await writer.destroy()
    // which requests reach IndexedDB, in order
    const asked: string[] = []
    const proto = IDBObjectStore.prototype
    const { get, getAll } = proto
    proto.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      asked.push(`get ${String(key)}`)
      return get.call(this, key)
    }
    proto.getAll = function (this: IDBObjectStore, ...args: Parameters<typeof getAll>) {
      asked.push(`getAll ${this.name}`)
      return getAll.apply(this, args)
    }
    const doc = new Y.Doc()
    let store: LocalDocumentStore
    let early: Promise<unknown>
    try {
      store = new LocalDocumentStore(name, doc, { ...manual, readFirst: ['shapes/a'] })
      // asked before the database is even open: answered from the early read
      early = store.get('shapes/a')
      expect(await early).toEqual({ v: 1 })
      await store.whenSynced
    } finally {
      Object.assign(proto, { get, getAll })
    }
    expect(asked).toEqual(['get shapes/a', 'getAll updates'])
    expect(doc.getMap('m').toJSON()).toEqual({ x: 1 })
    // later reads see later writes
    await store.set('shapes/a', { v: 2 })
    expect(await store.get('shapes/a')).toEqual({ v: 2 })
    await store.destroy()
  })

  it('compacts a log into one entry without losing what another tab wrote meanwhile', async () => {
    const name = freshName()
    const doc = new Y.Doc()
    const store = new LocalDocumentStore(name, doc, manual)
    await store.whenSynced
    for (let i = 0; i < 20; i++) doc.getMap('m').set(`k${i}`, i)
    await store.whenFlushed()
    expect((await storedEntries(name)).length).toBeGreaterThan(1)

    // another tab (its own connection and document) writes after this one loaded
    const otherDoc = new Y.Doc()
    const other = new LocalDocumentStore(name, otherDoc, manual)
    await other.whenSynced
    otherDoc.getMap('m').set('fromOtherTab', true)
    await other.destroy()

    await store.compact()
    expect(await storedEntries(name)).toHaveLength(1)
    expect(doc.getMap('m').get('fromOtherTab')).toBe(true)
    await store.destroy()
    const reloaded = await load(name)
    expect(reloaded.getMap('m').get('fromOtherTab')).toBe(true)
    expect(reloaded.getMap('m').get('k19')).toBe(19)
  })

  it('compacts by itself when idle after loading a log, and after compactAfter writes', async () => {
    const name = freshName()
    const doc = new Y.Doc()
    const idle: (() => void)[] = []
    const options = { compactAfter: 5, idle: (fn: () => void) => (idle.push(fn), () => {}) }
    const store = new LocalDocumentStore(name, doc, options)
    await store.whenSynced
    expect(idle).toHaveLength(0) // nothing stored yet: nothing to compact
    for (let i = 0; i < 5; i++) {
      doc.getMap('m').set(`k${i}`, i)
      await store.whenFlushed()
    }
    expect(idle).toHaveLength(1)
    idle.shift()!()
    await store.compact() // waits for the compaction the idle callback started
    expect(await storedEntries(name)).toHaveLength(1)
    for (let i = 0; i < 3; i++) doc.getMap('m').set(`j${i}`, i)
    await store.destroy()

    const again = new LocalDocumentStore(name, new Y.Doc(), options)
    await again.whenSynced
    expect(again.loadStats.entries).toBeGreaterThan(1)
    expect(idle).toHaveLength(1)
    idle.shift()!()
    await again.compact()
    expect(await storedEntries(name)).toHaveLength(1)
    await again.destroy()
  })

  it('catches up with what another tab stored after this one loaded', async () => {
    const name = freshName()
    const doc = new Y.Doc()
    const store = new LocalDocumentStore(name, doc, manual)
    await store.whenSynced
    const otherDoc = new Y.Doc()
    const other = new LocalDocumentStore(name, otherDoc, manual)
    await other.whenSynced
    otherDoc.getMap('m').set('offline', 1)
    await other.destroy()
    expect(doc.getMap('m').has('offline')).toBe(false)
    await store.catchUp()
    expect(doc.getMap('m').get('offline')).toBe(1)
    await store.destroy()
  })

  it("reads y-indexeddb's stores and y-indexeddb reads its", async () => {
    const name = freshName()
    const a = new Y.Doc()
    const legacy = new IndexeddbPersistence(name, a)
    await legacy.whenSynced
    a.getMap('m').set('old', 1)
    await new Promise((r) => setTimeout(r, 20))
    await legacy.destroy()

    const b = new Y.Doc()
    const store = new LocalDocumentStore(name, b, manual)
    await store.whenSynced
    expect(b.getMap('m').get('old')).toBe(1)
    b.getMap('m').set('new', 2)
    await store.compact()
    await store.destroy()

    const c = new Y.Doc()
    const back = new IndexeddbPersistence(name, c)
    await back.whenSynced
    expect(c.getMap('m').toJSON()).toEqual({ old: 1, new: 2 })
    await back.destroy()
  })

  it('applies the stored copy only after beforeApply resolves', async () => {
    const name = freshName()
    const first = new Y.Doc()
    const writer = new LocalDocumentStore(name, first, manual)
    first.getMap('m').set('x', 1)
    await writer.destroy()
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const doc = new Y.Doc()
    const store = new LocalDocumentStore(name, doc, { ...manual, beforeApply: () => gate })
    await new Promise((r) => setTimeout(r, 30))
    expect(store.synced).toBe(false)
    expect(doc.getMap('m').has('x')).toBe(false)
    release()
    await store.whenSynced
    expect(doc.getMap('m').get('x')).toBe(1)
    await store.destroy()
  })
})
