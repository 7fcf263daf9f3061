import * as Y from 'yjs'

/**
 * A room's document in IndexedDB, in y-indexeddb's layout (object stores `updates`, auto-increment
 * key → Yjs v1 update, and `custom`), so copies written by y-indexeddb load here and the other
 * way round. What it adds (DESIGN.md §3):
 * - every local change is written in a transaction whose commit is reported (`onDurable`), so
 *   the socket sends a change only after it is durable here; the changes of one task go into one
 *   write, one write is in flight at a time and what arrives meanwhile goes into the next one
 *   (fast typing or a drag costs one transaction per commit, not one per event);
 * - the stored log is compacted to one snapshot, when idle, after a load that found more than
 *   one entry and once the log grows past `compactAfter` entries, so the next load applies one
 *   update instead of replaying a log;
 * - the document is applied in its own task after the stored bytes are read (`beforeApply`), so a
 *   preview read from `custom` can be painted first.
 */
export interface StoredChange {
  update: Uint8Array
  origin: unknown
}

export interface LocalStoreOptions {
  /** Compact once this many entries have been written since the last compaction (default 300). */
  compactAfter?: number
  /** Runs `fn` when the page is idle (default: requestIdleCallback, else a 200 ms timer). */
  idle?: (fn: () => void) => () => void
  /** Awaited between reading the stored bytes and applying them to the document. */
  beforeApply?: () => Promise<void>
  /** A write or compaction that failed (e.g. quota): the changes stay in memory only. */
  onError?: (error: unknown, what: string) => void
  /**
   * Keys of the `custom` store to read before the log (a shape preview): asked for while the
   * log is read, they would wait behind its megabytes. `get` answers them from this read once.
   */
  readFirst?: readonly string[]
}

/**
 * Runs `fn` with the document's `update`/`updateV2` listeners set aside. Yjs encodes every
 * transaction's changes once more for those listeners; for the stored copy that is the whole
 * document (~170 ms for 10,000 polygons) and nobody wants it: it is on disk already, and the
 * server and other tabs get what they lack in the sync handshake. Observers of the document's
 * types still see every change; listeners added during `fn` are kept.
 */
export function withoutUpdateEvents(doc: Y.Doc, fn: () => void): void {
  const observers = (doc as unknown as { _observers: Map<string, Set<unknown>> })._observers
  const aside = new Map<string, Set<unknown>>()
  for (const name of ['update', 'updateV2']) {
    const set = observers.get(name)
    if (set) aside.set(name, set)
    observers.delete(name)
  }
  try {
    fn()
  } finally {
    for (const [name, set] of aside) {
      const added = observers.get(name)
      if (added) for (const f of added) set.add(f)
      observers.set(name, set)
    }
  }
}

const UPDATES = 'updates'
const CUSTOM = 'custom'

function defaultIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: 2000 })
    return () => cancelIdleCallback(id)
  }
  const id = setTimeout(fn, 200)
  return () => clearTimeout(id)
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
  })
}

export function openLocalDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name)
    req.onupgradeneeded = () => {
      const db = req.result
      if (!db.objectStoreNames.contains(UPDATES)) {
        db.createObjectStore(UPDATES, { autoIncrement: true })
      }
      if (!db.objectStoreNames.contains(CUSTOM)) db.createObjectStore(CUSTOM)
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error(`could not open ${name}`))
    req.onblocked = () => reject(new Error(`${name} is blocked by another tab`))
  })
}

export class LocalDocumentStore {
  readonly name: string
  readonly doc: Y.Doc
  /** The stored copy is in the document. */
  synced = false
  /** Resolves once the stored copy is in the document. */
  readonly whenSynced: Promise<this>
  /** Figures of the last load (for benchmarks and diagnostics). */
  readonly loadStats = { entries: 0, bytes: 0, readMs: 0, applyMs: 0 }
  readonly #db: Promise<IDBDatabase>
  readonly #options: LocalStoreOptions
  #queue: StoredChange[] = []
  #writing: Promise<void> | null = null
  #durable = new Set<(changes: StoredChange[]) => void>()
  #destroyed = false
  /** Highest key this store has read or written; entries above it are other tabs' writes. */
  #lastKey = 0
  #sinceCompaction = 0
  #cancelCompaction: (() => void) | null = null
  readonly #early = new Map<string, Promise<unknown>>()

  constructor(name: string, doc: Y.Doc, options: LocalStoreOptions = {}) {
    this.name = name
    this.doc = doc
    this.#options = options
    this.#db = openLocalDatabase(name)
    this.#db.catch(() => undefined)
    doc.on('update', this.#onUpdate)
    this.whenSynced = this.#load().then(() => this)
  }

  /** Calls `fn` with the changes of each committed write, in order. Returns an unsubscribe. */
  onDurable(fn: (changes: StoredChange[]) => void): () => void {
    this.#durable.add(fn)
    return () => this.#durable.delete(fn)
  }

  /** Changes seen but not yet committed. */
  get unwritten(): number {
    return this.#queue.length + (this.#writing ? 1 : 0)
  }

  /** Resolves when every change seen so far is committed (or failed and was reported). */
  async whenFlushed(): Promise<void> {
    while (this.#writing || this.#queue.length > 0) {
      this.#startWrite()
      await this.#writing
    }
  }

  async get(key: string): Promise<unknown> {
    const db = await this.#db
    // (the load's continuation ran first: a key it reads first is in #early by now)
    const early = this.#early.get(key)
    if (early) {
      this.#early.delete(key)
      return early
    }
    return request(db.transaction(CUSTOM, 'readonly').objectStore(CUSTOM).get(key))
  }

  async set(key: string, value: unknown): Promise<void> {
    const db = await this.#db
    const tx = db.transaction(CUSTOM, 'readwrite')
    tx.objectStore(CUSTOM).put(value, key)
    await completion(tx)
  }

  /**
   * Replaces the stored log by one update of the whole document (after applying entries other
   * tabs wrote since this store last read), in one transaction.
   */
  async compact(): Promise<void> {
    this.#cancelCompaction?.()
    this.#cancelCompaction = null
    await this.whenSynced
    await this.whenFlushed()
    if (this.#destroyed) return
    const db = await this.#db
    const tx = db.transaction(UPDATES, 'readwrite')
    const store = tx.objectStore(UPDATES)
    const from = IDBKeyRange.lowerBound(this.#lastKey, true)
    const keysReq = store.getAllKeys(from)
    const valuesReq = store.getAll(from)
    valuesReq.onsuccess = () => {
      const keys = keysReq.result as number[]
      const values = valuesReq.result as Uint8Array[]
      if (values.length > 0) this.#apply(values)
      const upTo = keys.length > 0 ? keys[keys.length - 1]! : this.#lastKey
      const put = store.add(Y.encodeStateAsUpdate(this.doc))
      put.onsuccess = () => {
        this.#lastKey = put.result as number
        store.delete(IDBKeyRange.upperBound(upTo))
      }
    }
    const before = this.#sinceCompaction
    try {
      await completion(tx)
      this.#sinceCompaction -= before
    } catch (error) {
      this.#options.onError?.(error, 'compacting the local copy')
    }
  }

  /**
   * Applies what other tabs stored since this store last read the log (tabs share the database,
   * and an offline tab hears nothing from the others over BroadcastChannel).
   */
  async catchUp(): Promise<void> {
    await this.whenSynced
    if (this.#destroyed) return
    const db = await this.#db
    const store = db.transaction(UPDATES, 'readonly').objectStore(UPDATES)
    const from = IDBKeyRange.lowerBound(this.#lastKey, true)
    const keysReq = store.getAllKeys(from)
    const values = await request(store.getAll(from) as IDBRequest<Uint8Array[]>)
    const keys = keysReq.result as number[]
    if (this.#destroyed || values.length === 0) return
    this.#apply(values)
    this.#lastKey = Math.max(this.#lastKey, keys[keys.length - 1]!)
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return
    this.#cancelCompaction?.()
    this.doc.off('update', this.#onUpdate)
    try {
      await this.whenFlushed()
    } finally {
      this.#destroyed = true
      this.#durable.clear()
      const db = await this.#db.catch(() => null)
      db?.close()
    }
  }

  /** Destroys the store and deletes its database. */
  async clearData(): Promise<void> {
    await this.destroy()
    await request(indexedDB.deleteDatabase(this.name))
  }

  #onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || this.#destroyed) return
    this.#queue.push({ update, origin })
    // at the end of the task: every change of this task goes into one write
    if (this.#queue.length === 1) queueMicrotask(() => this.#startWrite())
  }

  #startWrite(): void {
    if (this.#writing || this.#queue.length === 0 || this.#destroyed) return
    const batch = this.#queue
    this.#queue = []
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = null
      if (this.#queue.length > 0) this.#startWrite()
    })
  }

  async #write(batch: StoredChange[]): Promise<void> {
    try {
      const db = await this.#db
      const tx = db.transaction(UPDATES, 'readwrite')
      const store = tx.objectStore(UPDATES)
      for (const { update } of batch) store.add(update)
      await completion(tx)
      this.#sinceCompaction += batch.length
      if (this.#sinceCompaction >= (this.#options.compactAfter ?? 300)) this.#scheduleCompaction()
    } catch (error) {
      // Not durable here. The changes still go to the server (better there than nowhere), and
      // the user is told that this device could not keep them.
      this.#options.onError?.(error, 'a document change')
    }
    for (const fn of this.#durable) fn(batch)
  }

  async #load(): Promise<void> {
    const t0 = performance.now()
    const db = await this.#db
    const first = this.#options.readFirst ?? []
    if (first.length > 0) {
      const custom = db.transaction(CUSTOM, 'readonly').objectStore(CUSTOM)
      for (const key of first) {
        const early = request(custom.get(key))
        early.catch(() => undefined)
        this.#early.set(key, early)
      }
    }
    const tx = db.transaction(UPDATES, 'readonly')
    const store = tx.objectStore(UPDATES)
    const keysReq = store.getAllKeys()
    const values = await request(store.getAll() as IDBRequest<Uint8Array[]>)
    const keys = keysReq.result as number[]
    this.loadStats.readMs = performance.now() - t0
    await this.#options.beforeApply?.()
    if (this.#destroyed) return
    const t1 = performance.now()
    withoutUpdateEvents(this.doc, () => this.#apply(values))
    this.#lastKey = keys.length > 0 ? keys[keys.length - 1]! : 0
    this.loadStats.applyMs = performance.now() - t1
    this.loadStats.entries = values.length
    this.loadStats.bytes = values.reduce((n, v) => n + v.byteLength, 0)
    this.synced = true
    if (values.length > 1) this.#scheduleCompaction()
  }

  #apply(updates: Uint8Array[]): void {
    if (updates.length === 0) return
    Y.transact(
      this.doc,
      () => {
        for (const update of updates) Y.applyUpdate(this.doc, update, this)
      },
      this,
      false,
    )
  }

  #scheduleCompaction(): void {
    if (this.#cancelCompaction || this.#destroyed) return
    const idle = this.#options.idle ?? defaultIdle
    this.#cancelCompaction = idle(() => {
      this.#cancelCompaction = null
      void this.compact()
    })
  }
}
