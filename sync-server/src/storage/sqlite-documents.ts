// STUB — the relay helper replaces this file.
import type { SqliteDatabase } from './sqlite'
import type { DocumentStore, StoredRoom } from './types'

export class SqliteDocumentStore implements DocumentStore {
  constructor(readonly db: SqliteDatabase) {}
  async load(_room: string): Promise<StoredRoom> {
    return { updates: [], lastSeq: 0 }
  }
  async append(_room: string, _updates: Uint8Array[]): Promise<number> {
    throw new Error('not implemented')
  }
  async compact(_room: string, _snapshot: Uint8Array, _upToSeq: number): Promise<void> {}
  async entryCount(_room: string): Promise<number> {
    return 0
  }
  async listRooms(_prefix?: string): Promise<string[]> {
    return []
  }
  async close(): Promise<void> {}
}
