import * as Y from 'yjs'
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness'
import { RelayConnection } from './connection'
import { malformed } from './errors'
import { encodeAwareness } from './protocol'

/**
 * A room's presence (cursors, selections, names): every change is broadcast to every connection,
 * and a leaving connection's states are removed at once, so no ghost cursors remain.
 */
export class RoomAwareness {
  readonly awareness = new Awareness(new Y.Doc())

  constructor(readonly connections: () => Iterable<RelayConnection>) {
    this.awareness.setLocalState(null) // the server has no presence of its own
    this.awareness.on('update', this.#onUpdate)
  }

  apply(connection: RelayConnection, update: Uint8Array): void {
    try {
      applyAwarenessUpdate(this.awareness, update, connection)
    } catch (error) {
      throw malformed(`awareness update: ${(error as Error).message}`)
    }
  }

  /** Sends every current state (a joining client's view of who is here). */
  sendAll(connection: RelayConnection): void {
    const states = this.awareness.getStates()
    if (states.size === 0) return
    connection.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, [...states.keys()])))
  }

  leave(connection: RelayConnection): void {
    if (connection.awarenessIds.size === 0) return
    removeAwarenessStates(this.awareness, [...connection.awarenessIds], null)
  }

  destroy(): void {
    this.awareness.off('update', this.#onUpdate)
    this.awareness.destroy()
  }

  readonly #onUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin instanceof RelayConnection) {
      for (const client of changes.added) origin.awarenessIds.add(client)
      for (const client of changes.updated) origin.awarenessIds.add(client)
      for (const client of changes.removed) origin.awarenessIds.delete(client)
    }
    const changed = [...changes.added, ...changes.updated, ...changes.removed]
    if (changed.length === 0) return
    let frame: Uint8Array | null = null
    for (const connection of this.connections()) {
      frame ??= encodeAwareness(encodeAwarenessUpdate(this.awareness, changed))
      connection.send(frame)
    }
  }
}
