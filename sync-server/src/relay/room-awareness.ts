import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness'
import { REMOTE_ORIGIN } from '../cluster/room-cluster'
import { RelayConnection } from './connection'
import { malformed } from './errors'
import { encodeAwareness } from './protocol'

/**
 * A room's presence (cursors, selections, names): every change is broadcast to every connection,
 * and a leaving connection's states are removed at once, so no ghost cursors remain. In cluster
 * mode the changes made here are published to the other instances and theirs are applied here.
 */
export class RoomAwareness {
  readonly awareness = new Awareness(new Y.Doc())

  constructor(
    readonly connections: () => Iterable<RelayConnection>,
    /** Cluster mode: tells the other instances about a change made on this one. */
    readonly publish: ((update: Uint8Array) => void) | null = null,
  ) {
    this.awareness.setLocalState(null) // the server has no presence of its own
    this.awareness.on('update', this.#onUpdate)
  }

  /**
   * Applies a connection's awareness update. Entries for client ids that another live connection
   * publishes are dropped, so nobody can move or remove someone else's cursor.
   */
  apply(connection: RelayConnection, update: Uint8Array): void {
    let own: Uint8Array
    try {
      own = this.#withoutOthersEntries(connection, update)
    } catch (error) {
      throw malformed(`awareness update: ${(error as Error).message}`)
    }
    if (own.length === 0) return
    try {
      applyAwarenessUpdate(this.awareness, own, connection)
    } catch (error) {
      throw malformed(`awareness update: ${(error as Error).message}`)
    }
  }

  /** Applies another instance's awareness update (already checked there). */
  applyRemote(update: Uint8Array): void {
    try {
      applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN)
    } catch {
      // a malformed message from the bus changes nothing
    }
  }

  /** Re-encodes `update` without entries owned by other connections; empty when none remain. */
  #withoutOthersEntries(connection: RelayConnection, update: Uint8Array): Uint8Array {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const kept: { client: number; clock: number; state: string }[] = []
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const state = decoding.readVarString(decoder)
      if (!this.#ownedByAnother(connection, client)) kept.push({ client, clock, state })
    }
    if (kept.length === count) return update
    if (kept.length === 0) return new Uint8Array()
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, kept.length)
    for (const entry of kept) {
      encoding.writeVarUint(encoder, entry.client)
      encoding.writeVarUint(encoder, entry.clock)
      encoding.writeVarString(encoder, entry.state)
    }
    return encoding.toUint8Array(encoder)
  }

  #ownedByAnother(connection: RelayConnection, client: number): boolean {
    for (const other of this.connections()) {
      if (other !== connection && other.awarenessIds.has(client)) return true
    }
    return false
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
    // Each instance times out silent states itself ('timeout'); remote changes are not echoed.
    if (this.publish && origin !== REMOTE_ORIGIN && origin !== 'timeout') {
      this.publish(encodeAwarenessUpdate(this.awareness, changed))
    }
    let frame: Uint8Array | null = null
    for (const connection of this.connections()) {
      frame ??= encodeAwareness(encodeAwarenessUpdate(this.awareness, changed))
      connection.send(frame)
    }
  }
}
