import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type SqliteDatabase = Database.Database

/** Opens (creating if needed) the embedded SQLite file in WAL mode. */
export function openDatabase(file: string): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only an OS
  // crash or power loss can roll back the last transactions.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    store TEXT NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (store, name)
  )`)
  return db
}

export interface MigrationStep {
  /** Append-only, never renamed: the applied steps are recorded by name. */
  name: string
  sql: string
}

/** Applies a store's pending migration steps in order, each in its own transaction. */
export function migrate(db: SqliteDatabase, store: string, steps: readonly MigrationStep[]): void {
  const applied = new Set(
    db
      .prepare('SELECT name FROM schema_migrations WHERE store = ?')
      .all(store)
      .map((row) => (row as { name: string }).name),
  )
  const record = db.prepare(
    'INSERT INTO schema_migrations (store, name, applied_at) VALUES (?, ?, ?)',
  )
  for (const step of steps) {
    if (applied.has(step.name)) continue
    db.transaction(() => {
      db.exec(step.sql)
      record.run(store, step.name, new Date().toISOString())
    })()
  }
}
