// `--data-dir`: the embedded storage (SQLite file + blob folder) opened directly, through the
// same DocumentStore / MetaStore / BlobStore classes and the same room code (Relay) the server
// uses, so what the CLI writes is exactly what the server would have written.
//
// Only while no server runs on the folder: a running server keeps rooms in memory and would
// overwrite what another process appends when it compacts. The CLI takes SQLite's exclusive
// lock first; a server (or another loupe command) holding the database open makes that fail at
// once, and a server started meanwhile waits for the lock (5 s busy timeout), then fails.

import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  FileBlobStore,
  Relay,
  SqliteDocumentStore,
  SqliteMetaStore,
  TokenService,
  createLogger,
  openDatabase,
  type DatasetDeps,
} from '@loupe/sync-server'
import { CliError } from './errors'

export interface DataDir extends DatasetDeps {
  dir: string
  /** Flushes and compacts the rooms written, then closes the database. */
  close(): Promise<void>
}

const isBusy = (error: unknown) =>
  (error as { code?: unknown }).code === 'SQLITE_BUSY' ||
  /database is locked/i.test(String((error as Error).message))

export function openDataDir(path: string): DataDir {
  const dir = resolve(path)
  const file = join(dir, 'loupe.sqlite')
  if (!existsSync(file)) {
    throw new CliError(`no Loupe data in ${dir} (expected ${file}); is this LOUPE_DATA_DIR?`)
  }
  const db = openDatabase(file)
  try {
    db.pragma('busy_timeout = 0')
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
    db.exec('COMMIT')
    db.pragma('busy_timeout = 5000')
  } catch (error) {
    db.close()
    if (!isBusy(error)) throw error
    throw new CliError(
      `${dir} is in use by a running Loupe server (or another loupe command); stop it first, or ` +
        'use --server <url> --token <token> to go through the server',
    )
  }
  const documents = new SqliteDocumentStore(db)
  const meta = new SqliteMetaStore(db)
  const blobs = new FileBlobStore(join(dir, 'blobs'))
  const logger = createLogger('warn')
  // The relay's socket side is never used here; tokens only satisfy its constructor.
  const secret = randomBytes(24).toString('base64url')
  const tokens = new TokenService(secret, secret)
  const rooms = new Relay({ store: documents, tokens, meta, logger, maxMessageBytes: 1 << 24 })
  let closed: Promise<void> | null = null
  return {
    dir,
    rooms,
    blobs,
    meta,
    logger,
    close() {
      closed ??= (async () => {
        try {
          await rooms.close()
        } finally {
          await documents.close()
          await meta.close()
          db.close()
        }
      })()
      return closed
    },
  }
}
