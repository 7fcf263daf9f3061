/**
 * Storage interfaces. Embedded mode implements them on one SQLite file (+ a blob folder);
 * cluster mode (later) on PostgreSQL. All methods are async so both fit the same shape.
 */

/** A room's durable state: updates oldest first (a compacted snapshot, if any, comes first). */
export interface StoredRoom {
  updates: Uint8Array[]
  /** Sequence number of the newest stored update (0 when the room is empty). */
  lastSeq: number
}

export interface DocumentStore {
  /** Loads every stored update of a room. An unknown room is empty, not an error. */
  load(room: string): Promise<StoredRoom>
  /**
   * Appends updates durably in one transaction, in order; resolves with the sequence number of
   * the last one once they survive a process crash (`kill -9`).
   */
  append(room: string, updates: Uint8Array[]): Promise<number>
  /**
   * Replaces all log entries with `seq <= upToSeq` by `snapshot` (the merged state of exactly those
   * entries). Entries appended after `upToSeq` are kept. Atomic.
   */
  compact(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void>
  /** Number of log entries stored for a room (compaction makes it small again). */
  entryCount(room: string): Promise<number>
  /** Room names with stored state, optionally only those starting with `prefix`. */
  listRooms(prefix?: string): Promise<string[]>
  close(): Promise<void>
}

export interface ProjectRecord {
  id: string
  name: string
  createdAt: string
}

export interface BlobRecord {
  sha256: string
  size: number
  mime: string
  width: number
  height: number
  createdAt: string
}

/** Project, blob and token metadata (documents themselves live in the DocumentStore). */
export interface MetaStore {
  createProject(project: ProjectRecord): Promise<void>
  getProject(id: string): Promise<ProjectRecord | null>
  listProjects(ids?: string[]): Promise<ProjectRecord[]>
  /** Records a blob's metadata (idempotent) and that `projectId` holds it. */
  putBlob(blob: BlobRecord, projectId: string): Promise<void>
  getBlob(sha256: string): Promise<BlobRecord | null>
  projectHoldsBlob(projectId: string, sha256: string): Promise<boolean>
  revokeToken(tokenId: string, projectId: string): Promise<void>
  isTokenRevoked(tokenId: string): Promise<boolean>
  close(): Promise<void>
}

/** Content-addressed blob bytes. */
export interface BlobStore {
  /** Stores bytes under their SHA-256 (idempotent). */
  put(sha256: string, bytes: Uint8Array): Promise<void>
  has(sha256: string): Promise<boolean>
  /** Absolute path or a stream source; null when absent. */
  read(sha256: string): Promise<Uint8Array | null>
  size(sha256: string): Promise<number | null>
}
