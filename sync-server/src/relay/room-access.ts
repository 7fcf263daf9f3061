import type * as Y from 'yjs'

/**
 * How server code (REST routes, later flows) reads and changes a document. Changes go through the
 * live room when it is loaded, so connected clients receive them like any peer's update, and are
 * durable before the promise resolves.
 */
export interface RoomAccess {
  /** Runs `fn` in one `doc.transact(fn, 'server')`; the resulting update is persisted and relayed. */
  change<T>(room: string, fn: (doc: Y.Doc) => T): Promise<T>
  /** Runs `fn` on the room's current state without changing it. */
  read<T>(room: string, fn: (doc: Y.Doc) => T): Promise<T>
}
