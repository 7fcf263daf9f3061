import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PostgresDatabase } from '../../src/storage/postgres-db'
import { PostgresDocumentStore } from '../../src/storage/postgres-documents'
import { PostgresMetaStore } from '../../src/storage/postgres-meta'
import { openDatabase } from '../../src/storage/sqlite'
import type { SqliteDatabase } from '../../src/storage/sqlite'
import { SqliteDocumentStore } from '../../src/storage/sqlite-documents'
import { SqliteMetaStore } from '../../src/storage/sqlite-meta'
import type { DocumentStore, MetaStore } from '../../src/storage/types'
import { TEST_DATABASE_URL, dropSchema, freshNamespace } from './env'
import { documentStoreContract, metaStoreContract } from './storage-contract'
import type { StoreFactory } from './storage-contract'

const dirs: string[] = []
const schemas: string[] = []
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  for (const schema of schemas) await dropSchema(schema)
})

/** Each factory call is a fresh SQLite file; each `open` reopens that file. */
function sqlite<S>(make: (db: SqliteDatabase) => S): () => StoreFactory<S> {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-contract-'))
    dirs.push(dir)
    const handles = new Map<S, SqliteDatabase>()
    return {
      open: async () => {
        const db = openDatabase(join(dir, 'loupe.sqlite'))
        const store = make(db)
        handles.set(store, db)
        return store
      },
      close: async (store) => {
        handles.get(store)?.close()
      },
    }
  }
}

/** Each factory call is a fresh schema; each `open` is a new pool on it (a new instance). */
function postgres<S>(make: (db: PostgresDatabase) => Promise<S>): () => StoreFactory<S> {
  return () => {
    const { schema } = freshNamespace()
    schemas.push(schema)
    const handles = new Map<S, PostgresDatabase>()
    return {
      open: async () => {
        const db = new PostgresDatabase({ url: TEST_DATABASE_URL, schema })
        const store = await make(db)
        handles.set(store, db)
        return store
      },
      close: async (store) => handles.get(store)?.close(),
    }
  }
}

describe('DocumentStore contract: SQLite', () => {
  documentStoreContract(sqlite<DocumentStore>((db) => new SqliteDocumentStore(db)))
})
describe('DocumentStore contract: PostgreSQL', () => {
  documentStoreContract(postgres<DocumentStore>((db) => PostgresDocumentStore.open(db)))
})
describe('MetaStore contract: SQLite', () => {
  metaStoreContract(sqlite<MetaStore>((db) => new SqliteMetaStore(db)))
})
describe('MetaStore contract: PostgreSQL', () => {
  metaStoreContract(postgres<MetaStore>((db) => PostgresMetaStore.open(db)))
})

const edit = (doc: Y.Doc, key: string) => {
  const before = Y.encodeStateVector(doc)
  doc.getMap('m').set(key, key)
  return Y.encodeStateAsUpdate(doc, before)
}

describe('PostgreSQL storage', () => {
  it('migrates once when several instances start at once (advisory lock)', async () => {
    const { schema } = freshNamespace()
    schemas.push(schema)
    const dbs = Array.from(
      { length: 5 },
      () => new PostgresDatabase({ url: TEST_DATABASE_URL, schema }),
    )
    try {
      await Promise.all(
        dbs.map(async (db) => {
          await PostgresDocumentStore.open(db)
          await PostgresMetaStore.open(db)
        }),
      )
      const { rows } = await dbs[0]!.query<{ store: string; name: string }>(
        'SELECT store, name FROM schema_migrations ORDER BY store, name',
      )
      expect(rows).toEqual([
        { store: 'documents', name: '001_document_updates' },
        { store: 'meta', name: '001-projects-blobs-tokens' },
      ])
    } finally {
      await Promise.all(dbs.map((db) => db.close()))
    }
  })

  it('never writes a stale snapshot over newer entries: compaction merges the rows it deletes', async () => {
    const { schema } = freshNamespace()
    schemas.push(schema)
    const db = new PostgresDatabase({ url: TEST_DATABASE_URL, schema })
    try {
      const store = await PostgresDocumentStore.open(db)
      const a = new Y.Doc()
      const b = new Y.Doc()
      await store.append('r', [edit(a, 'a1')])
      const stale = Y.encodeStateAsUpdate(a) // what a lagging replica holds: a1 only
      await store.append('r', [edit(b, 'b1')])
      await store.append('r', [edit(a, 'a2')])
      await store.compact('r', stale, 3) // claims to cover seq 1..3
      expect(await store.entryCount('r')).toBe(1)
      const loaded = await store.load('r')
      const copy = new Y.Doc()
      for (const update of loaded.updates) Y.applyUpdate(copy, update)
      expect(copy.getMap('m').toJSON()).toEqual({ a1: 'a1', b1: 'b1', a2: 'a2' })
      expect(loaded.lastSeq).toBe(3)
    } finally {
      await db.close()
    }
  })

  it('compacts while other connections append: nothing is lost, numbering stays dense', async () => {
    const { schema } = freshNamespace()
    schemas.push(schema)
    const dbs = Array.from(
      { length: 3 },
      () => new PostgresDatabase({ url: TEST_DATABASE_URL, schema }),
    )
    try {
      const stores = await Promise.all(dbs.map((db) => PostgresDocumentStore.open(db)))
      const writers = stores.map(async (store, i) => {
        const doc = new Y.Doc()
        for (let j = 0; j < 60; j++) await store.append('r', [edit(doc, `${i}-${j}`)])
      })
      let compactions = 0
      let done = false
      const compactor = (async () => {
        while (!done) {
          const { lastSeq } = await stores[0]!.load('r')
          await stores[1]!.compact('r', new Uint8Array([0, 0]), lastSeq)
          compactions++
        }
      })()
      await Promise.all(writers)
      done = true
      await compactor
      const loaded = await stores[2]!.load('r')
      expect(loaded.lastSeq).toBe(180)
      const copy = new Y.Doc()
      for (const update of loaded.updates) Y.applyUpdate(copy, update)
      expect(Object.keys(copy.getMap('m').toJSON())).toHaveLength(180)
      expect(compactions).toBeGreaterThan(1)
    } finally {
      await Promise.all(dbs.map((db) => db.close()))
    }
  })
})
