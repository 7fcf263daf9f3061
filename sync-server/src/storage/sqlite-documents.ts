import type { SqliteDatabase } from './sqlite'
import { migrate } from './sqlite'
import type { DocumentStore, StoredRoom } from './types'

const MIGRATIONS = [
  {
    name: '001_document_updates',
    sql: `CREATE TABLE document_updates (
      room TEXT NOT NULL,
      seq INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (room, seq)
    ) WITHOUT ROWID`,
  },
] as const

/**
 * The room update log on the embedded SQLite file: one row per stored update, `seq` increasing per
 * room. A compaction replaces a prefix of the log by one snapshot row that keeps the prefix's last
 * `seq`, so later entries keep their numbers. better-sqlite3 is synchronous: when `append`
 * resolves, the transaction has committed (WAL, synchronous=NORMAL survives `kill -9`).
 */
export class SqliteDocumentStore implements DocumentStore {
  readonly #load
  readonly #lastSeq
  readonly #insert
  readonly #deleteUpTo
  readonly #count
  readonly #appendTx
  readonly #compactTx

  constructor(readonly db: SqliteDatabase) {
    migrate(db, 'documents', MIGRATIONS)
    this.#load = db.prepare<[string], { seq: number; data: Buffer }>(
      'SELECT seq, data FROM document_updates WHERE room = ? ORDER BY seq',
    )
    this.#lastSeq = db.prepare<[string], { seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM document_updates WHERE room = ?',
    )
    this.#insert = db.prepare<[string, number, Uint8Array]>(
      'INSERT INTO document_updates (room, seq, data) VALUES (?, ?, ?)',
    )
    this.#deleteUpTo = db.prepare<[string, number]>(
      'DELETE FROM document_updates WHERE room = ? AND seq <= ?',
    )
    this.#count = db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM document_updates WHERE room = ?',
    )
    this.#appendTx = db.transaction((room: string, updates: Uint8Array[]): number => {
      let seq = this.#lastSeq.get(room)?.seq ?? 0
      for (const update of updates) this.#insert.run(room, ++seq, update)
      return seq
    })
    this.#compactTx = db.transaction((room: string, snapshot: Uint8Array, upToSeq: number) => {
      this.#deleteUpTo.run(room, upToSeq)
      this.#insert.run(room, upToSeq, snapshot)
    })
  }

  async load(room: string): Promise<StoredRoom> {
    const rows = this.#load.all(room)
    return {
      updates: rows.map((row) => row.data),
      lastSeq: rows.length === 0 ? 0 : rows[rows.length - 1]!.seq,
    }
  }

  async append(room: string, updates: Uint8Array[]): Promise<number> {
    if (updates.length === 0) return this.#lastSeq.get(room)?.seq ?? 0
    return this.#appendTx.immediate(room, updates)
  }

  async compact(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    if (upToSeq <= 0) return
    this.#compactTx.immediate(room, snapshot, upToSeq)
  }

  async entryCount(room: string): Promise<number> {
    return this.#count.get(room)?.n ?? 0
  }

  async listRooms(prefix = ''): Promise<string[]> {
    const rows = this.db
      .prepare<[number, string], { room: string }>(
        'SELECT DISTINCT room FROM document_updates WHERE substr(room, 1, ?) = ? ORDER BY room',
      )
      .all(prefix.length, prefix)
    return rows.map((row) => row.room)
  }

  /** The database handle belongs to the server, which closes it. */
  async close(): Promise<void> {}
}
