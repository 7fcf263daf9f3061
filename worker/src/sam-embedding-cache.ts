// Image embeddings in IndexedDB, keyed by model and image SHA-256, bounded (entries and bytes)
// with least-recently-used eviction. Two stores: `entries` holds the embeddings, `lru` the small
// records (key, bytes, usedAt) read to evict, so a hit touches only a few bytes.

import type { ImageEmbedding } from '@loupe/sam'

export const EMBEDDING_DB_NAME = 'loupe-sam'
const ENTRIES = 'entries'
const LRU = 'lru'

export interface EmbeddingCacheLimits {
  /** Default 64. */
  maxEntries?: number
  /** Default 512 MiB (SAM embeddings are 4 MiB, SlimSAM 8 MiB). */
  maxBytes?: number
}

interface LruRecord {
  key: string
  bytes: number
  usedAt: number
}

export interface EmbeddingCache {
  get(key: string): Promise<ImageEmbedding | undefined>
  put(key: string, embedding: ImageEmbedding): Promise<void>
  clear(): Promise<void>
  /** Number of entries and bytes held. */
  stats(): Promise<{ entries: number; bytes: number }>
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
  })
}

export function embeddingBytes(embedding: ImageEmbedding): number {
  return (
    embedding.image_embeddings.data.byteLength +
    (embedding.image_positional_embeddings?.data.byteLength ?? 0)
  )
}

/** Opens (creating) the embedding cache in `indexedDB` (a factory may be passed for tests). */
export async function openEmbeddingCache(
  limits: EmbeddingCacheLimits = {},
  factory: IDBFactory = indexedDB,
  now: () => number = () => Date.now(),
): Promise<EmbeddingCache> {
  const maxEntries = limits.maxEntries ?? 64
  const maxBytes = limits.maxBytes ?? 512 * 1024 * 1024
  const open = factory.open(EMBEDDING_DB_NAME, 1)
  open.onupgradeneeded = () => {
    const db = open.result
    db.createObjectStore(ENTRIES)
    db.createObjectStore(LRU, { keyPath: 'key' }).createIndex('usedAt', 'usedAt')
  }
  const db = await request(open)
  let clock = 0
  // strictly increasing even when two calls share a millisecond
  const tick = () => (clock = Math.max(clock + 1, now()))

  async function evict(): Promise<void> {
    const tx = db.transaction([ENTRIES, LRU], 'readwrite')
    const records = (await request(tx.objectStore(LRU).index('usedAt').getAll())) as LruRecord[]
    let bytes = records.reduce((sum, r) => sum + r.bytes, 0)
    let entries = records.length
    for (const record of records) {
      if (entries <= maxEntries && bytes <= maxBytes) break
      tx.objectStore(ENTRIES).delete(record.key)
      tx.objectStore(LRU).delete(record.key)
      entries--
      bytes -= record.bytes
    }
    await done(tx)
  }

  return {
    async get(key) {
      const tx = db.transaction([ENTRIES, LRU], 'readwrite')
      const embedding = (await request(tx.objectStore(ENTRIES).get(key))) as
        ImageEmbedding | undefined
      if (embedding) {
        const lru = tx.objectStore(LRU)
        const record = (await request(lru.get(key))) as LruRecord | undefined
        lru.put({ key, bytes: record?.bytes ?? embeddingBytes(embedding), usedAt: tick() })
      }
      await done(tx)
      return embedding
    },
    async put(key, embedding) {
      const bytes = embeddingBytes(embedding)
      if (bytes > maxBytes) return
      const tx = db.transaction([ENTRIES, LRU], 'readwrite')
      tx.objectStore(ENTRIES).put(embedding, key)
      tx.objectStore(LRU).put({ key, bytes, usedAt: tick() } satisfies LruRecord)
      await done(tx)
      await evict()
    },
    async clear() {
      const tx = db.transaction([ENTRIES, LRU], 'readwrite')
      tx.objectStore(ENTRIES).clear()
      tx.objectStore(LRU).clear()
      await done(tx)
    },
    async stats() {
      const tx = db.transaction(LRU, 'readonly')
      const records = (await request(tx.objectStore(LRU).getAll())) as LruRecord[]
      return { entries: records.length, bytes: records.reduce((sum, r) => sum + r.bytes, 0) }
    },
  }
}
