import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openDatabase } from '../../src/storage/sqlite'
import type { SqliteDatabase } from '../../src/storage/sqlite'
import { SqliteDocumentStore } from '../../src/storage/sqlite-documents'
import { removeDir, tempDir } from './helpers'

describe('SqliteDocumentStore', () => {
  let dir: string
  let db: SqliteDatabase
  let store: SqliteDocumentStore

  beforeEach(() => {
    dir = tempDir()
    db = openDatabase(join(dir, 'loupe.sqlite'))
    store = new SqliteDocumentStore(db)
  })
  afterEach(() => {
    db.close()
    removeDir(dir)
  })

  const edit = (doc: Y.Doc, key: string) => {
    const before = Y.encodeStateVector(doc)
    doc.getMap('m').set(key, key)
    return Y.encodeStateAsUpdate(doc, before)
  }

  it('appends in order, loads, compacts a prefix atomically and keeps numbering', async () => {
    expect(await store.load('job/p/j')).toEqual({ updates: [], lastSeq: 0 })
    const doc = new Y.Doc()
    expect(await store.append('job/p/j', [edit(doc, 'a'), edit(doc, 'b')])).toBe(2)
    expect(await store.append('job/p/j', [edit(doc, 'c')])).toBe(3)
    const snapshot = Y.encodeStateAsUpdate(doc)
    expect(await store.append('job/p/j', [edit(doc, 'd')])).toBe(4)
    await store.compact('job/p/j', snapshot, 3)
    expect(await store.entryCount('job/p/j')).toBe(2)
    expect(await store.append('job/p/j', [edit(doc, 'e')])).toBe(5)

    const loaded = await store.load('job/p/j')
    expect(loaded.lastSeq).toBe(5)
    const copy = new Y.Doc()
    for (const update of loaded.updates) Y.applyUpdate(copy, update)
    expect(copy.getMap('m').toJSON()).toEqual({ a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' })
  })

  it('lists rooms by prefix, and survives reopening (migrations are idempotent)', async () => {
    await store.append('project/p1', [Y.encodeStateAsUpdate(new Y.Doc())])
    await store.append('job/p1/j1', [Y.encodeStateAsUpdate(new Y.Doc())])
    await store.append('job/p2/j1', [Y.encodeStateAsUpdate(new Y.Doc())])
    expect(await store.listRooms()).toEqual(['job/p1/j1', 'job/p2/j1', 'project/p1'])
    expect(await store.listRooms('job/p1/')).toEqual(['job/p1/j1'])
    const again = new SqliteDocumentStore(db)
    expect(await again.entryCount('job/p2/j1')).toBe(1)
  })
})
