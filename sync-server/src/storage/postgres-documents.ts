import * as Y from 'yjs'
import type { PostgresDatabase, PostgresMigrationStep } from './postgres-db'
import type { DocumentStore, StoredRoom } from './types'

const STEPS: readonly PostgresMigrationStep[] = [
  {
    name: '001_document_updates',
    sql: `
      CREATE TABLE document_rooms (
        room TEXT PRIMARY KEY,
        last_seq BIGINT NOT NULL
      );
      CREATE TABLE document_updates (
        room TEXT NOT NULL,
        seq BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (room, seq)
      );
    `,
  },
]

interface UpdateRow {
  seq: string
  data: Buffer
}

const toStored = (rows: readonly UpdateRow[]): StoredRoom => ({
  updates: rows.map((row) => new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.length)),
  lastSeq: rows.length === 0 ? 0 : Number(rows[rows.length - 1]!.seq),
})

/**
 * The room update log on PostgreSQL, shared by every instance of a cluster.
 *
 * Sequence numbers are dense per room and handed out by an upsert on the room's counter row, which
 * stays locked until the appending transaction commits: appends to one room commit in `seq` order,
 * so whoever sees entry `n` also sees every entry below it. That is what makes compaction safe.
 *
 * Compaction never trusts the caller's in-memory state: under the same row lock it reads the entries
 * with `seq <= upToSeq`, merges exactly those rows into one snapshot, deletes exactly those rows and
 * inserts the snapshot at the highest `seq` it read. An instance whose document lags behind (an
 * update from another instance still in flight) therefore cannot overwrite a newer state with a
 * stale one (the Hocuspocus bug hocuspocus#1151): the `snapshot` argument is not written.
 */
export class PostgresDocumentStore implements DocumentStore {
  private constructor(readonly db: PostgresDatabase) {}

  /** Runs the store's migrations (safe when several instances start at once). */
  static async open(db: PostgresDatabase): Promise<PostgresDocumentStore> {
    await db.migrate('documents', STEPS)
    return new PostgresDocumentStore(db)
  }

  async load(room: string): Promise<StoredRoom> {
    return this.loadSince(room, 0)
  }

  /** Entries with `seq > afterSeq`, oldest first; `lastSeq` is `afterSeq` when there are none. */
  async loadSince(room: string, afterSeq: number): Promise<StoredRoom> {
    const { rows } = await this.db.query<UpdateRow>(
      'SELECT seq, data FROM document_updates WHERE room = $1 AND seq > $2 ORDER BY seq',
      [room, afterSeq],
    )
    const stored = toStored(rows)
    return rows.length === 0 ? { updates: [], lastSeq: afterSeq } : stored
  }

  async append(room: string, updates: Uint8Array[]): Promise<number> {
    if (updates.length === 0) {
      const { rows } = await this.db.query<{ last_seq: string }>(
        'SELECT last_seq FROM document_rooms WHERE room = $1',
        [room],
      )
      return Number(rows[0]?.last_seq ?? 0)
    }
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ last_seq: string }>(
        `INSERT INTO document_rooms (room, last_seq) VALUES ($1, $2)
         ON CONFLICT (room) DO UPDATE SET last_seq = document_rooms.last_seq + EXCLUDED.last_seq
         RETURNING last_seq`,
        [room, updates.length],
      )
      const last = Number(rows[0]!.last_seq)
      const first = last - updates.length + 1
      await client.query(
        `INSERT INTO document_updates (room, seq, data)
         SELECT $1, s, d FROM unnest($2::bigint[], $3::bytea[]) AS t(s, d)`,
        [room, updates.map((_, i) => first + i), updates.map((update) => Buffer.from(update))],
      )
      return last
    })
  }

  async compact(room: string, _snapshot: Uint8Array, upToSeq: number): Promise<void> {
    if (upToSeq <= 0) return
    await this.db.transaction(async (client) => {
      // Appends to this room wait for us; so does another instance's compaction of it.
      await client.query('SELECT last_seq FROM document_rooms WHERE room = $1 FOR UPDATE', [room])
      const { rows } = await client.query<UpdateRow>(
        'SELECT seq, data FROM document_updates WHERE room = $1 AND seq <= $2 ORDER BY seq',
        [room, upToSeq],
      )
      if (rows.length <= 1) return
      const doc = new Y.Doc()
      doc.transact(() => {
        for (const row of rows) Y.applyUpdate(doc, row.data)
      })
      const merged = Y.encodeStateAsUpdate(doc)
      doc.destroy()
      const top = rows[rows.length - 1]!.seq
      await client.query(
        'DELETE FROM document_updates WHERE room = $1 AND seq = ANY($2::bigint[])',
        [room, rows.map((row) => row.seq)],
      )
      await client.query('INSERT INTO document_updates (room, seq, data) VALUES ($1, $2, $3)', [
        room,
        top,
        Buffer.from(merged),
      ])
    })
  }

  async entryCount(room: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM document_updates WHERE room = $1',
      [room],
    )
    return Number(rows[0]?.n ?? 0)
  }

  async listRooms(prefix = ''): Promise<string[]> {
    const { rows } = await this.db.query<{ room: string }>(
      `SELECT room FROM document_rooms WHERE left(room, $1) = $2 ORDER BY room COLLATE "C"`,
      [prefix.length, prefix],
    )
    return rows.map((row) => row.room)
  }

  /** The pool belongs to the server, which closes it after every store. */
  async close(): Promise<void> {}
}
