import { expect, it } from 'vitest'
import * as Y from 'yjs'
import type { BlobRecord, DocumentStore, MetaStore } from '../../src/storage/types'

/**
 * The behaviour every DocumentStore and MetaStore must have, whatever it runs on. `open` opens
 * the store on the same backing data each time it is called (a reopen), `close` closes it.
 */
export interface StoreFactory<S> {
  open(): Promise<S>
  close(store: S): Promise<void>
}

const edit = (doc: Y.Doc, key: string) => {
  const before = Y.encodeStateVector(doc)
  doc.getMap('m').set(key, key)
  return Y.encodeStateAsUpdate(doc, before)
}

const contentOf = (updates: readonly Uint8Array[]) => {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc.getMap('m').toJSON()
}

export function documentStoreContract(factory: () => StoreFactory<DocumentStore>): void {
  it('appends in order, loads, compacts a prefix atomically and keeps numbering', async () => {
    const f = factory()
    const store = await f.open()
    try {
      expect(await store.load('job/p/j')).toEqual({ updates: [], lastSeq: 0 })
      const doc = new Y.Doc()
      expect(await store.append('job/p/j', [edit(doc, 'a'), edit(doc, 'b')])).toBe(2)
      expect(await store.append('job/p/j', [edit(doc, 'c')])).toBe(3)
      const snapshot = Y.encodeStateAsUpdate(doc)
      expect(await store.append('job/p/j', [edit(doc, 'd')])).toBe(4)
      await store.compact('job/p/j', snapshot, 3)
      expect(await store.entryCount('job/p/j')).toBe(2)
      expect(await store.append('job/p/j', [edit(doc, 'e')])).toBe(5)
      expect(await store.append('job/p/j', [])).toBe(5)

      const loaded = await store.load('job/p/j')
      expect(loaded.lastSeq).toBe(5)
      expect(contentOf(loaded.updates)).toEqual({ a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' })
    } finally {
      await f.close(store)
    }
  })

  it('lists rooms by prefix (byte order), and survives reopening', async () => {
    const f = factory()
    let store = await f.open()
    await store.append('project/p1', [Y.encodeStateAsUpdate(new Y.Doc())])
    await store.append('job/p1/j1', [Y.encodeStateAsUpdate(new Y.Doc())])
    await store.append('job/p2/j1', [Y.encodeStateAsUpdate(new Y.Doc())])
    await store.append('job/P0/j1', [Y.encodeStateAsUpdate(new Y.Doc())])
    expect(await store.listRooms()).toEqual(['job/P0/j1', 'job/p1/j1', 'job/p2/j1', 'project/p1'])
    expect(await store.listRooms('job/p1/')).toEqual(['job/p1/j1'])
    await f.close(store)
    store = await f.open()
    expect(await store.entryCount('job/p2/j1')).toBe(1)
    expect(await store.entryCount('nope')).toBe(0)
    await f.close(store)
  })

  it('keeps concurrent appends to one room dense and complete', async () => {
    const f = factory()
    const store = await f.open()
    try {
      const docs = Array.from({ length: 8 }, () => new Y.Doc())
      const results = await Promise.all(
        docs.flatMap((doc, i) =>
          Array.from({ length: 5 }, (_, j) => store.append('r', [edit(doc, `${i}-${j}`)])),
        ),
      )
      expect([...results].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      )
      const loaded = await store.load('r')
      expect(loaded.lastSeq).toBe(40)
      expect(Object.keys(contentOf(loaded.updates))).toHaveLength(40)
    } finally {
      await f.close(store)
    }
  })
}

const blob = (sha256: string): BlobRecord => ({
  sha256,
  size: 3,
  mime: 'image/png',
  width: 1,
  height: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
})

export function metaStoreContract(factory: () => StoreFactory<MetaStore>): void {
  it('keeps projects, blob links and revocations across a reopen', async () => {
    const f = factory()
    let meta = await f.open()
    await meta.createProject({ id: 'p1', name: 'One', createdAt: '2026-01-01T00:00:00.000Z' })
    await meta.createProject({ id: 'p2', name: 'Two', createdAt: '2026-01-02T00:00:00.000Z' })
    await meta.createProject({ id: 'P0', name: 'Zero', createdAt: '2026-01-02T00:00:00.000Z' })
    await meta.putBlob(blob('a'.repeat(64)), 'p1')
    await meta.putBlob(blob('a'.repeat(64)), 'p1') // idempotent
    await meta.putBlob({ ...blob('a'.repeat(64)), mime: 'image/gif' }, 'p2') // first record wins
    await meta.revokeToken('t1', 'p1')
    await meta.revokeToken('t1', 'p1')
    await f.close(meta)

    meta = await f.open() // migrations already applied: a no-op
    try {
      expect(await meta.getProject('p1')).toEqual({
        id: 'p1',
        name: 'One',
        createdAt: '2026-01-01T00:00:00.000Z',
      })
      expect(await meta.getProject('nope')).toBeNull()
      expect((await meta.listProjects()).map((p) => p.id)).toEqual(['p1', 'P0', 'p2'])
      expect((await meta.listProjects(['p2', 'zz', 'p2'])).map((p) => p.id)).toEqual(['p2'])
      expect(await meta.listProjects([])).toEqual([])
      expect(await meta.getBlob('a'.repeat(64))).toEqual(blob('a'.repeat(64)))
      expect(await meta.getBlob('b'.repeat(64))).toBeNull()
      expect(await meta.projectHoldsBlob('p1', 'a'.repeat(64))).toBe(true)
      expect(await meta.projectHoldsBlob('p2', 'a'.repeat(64))).toBe(true)
      expect(await meta.projectHoldsBlob('p3', 'a'.repeat(64))).toBe(false)
      expect(await meta.isTokenRevoked('t1')).toBe(true)
      expect(await meta.isTokenRevoked('t2')).toBe(false)
      await expect(
        meta.createProject({ id: 'p1', name: 'Again', createdAt: '2026-01-03T00:00:00.000Z' }),
      ).rejects.toThrow()
    } finally {
      await f.close(meta)
    }
  })
}
