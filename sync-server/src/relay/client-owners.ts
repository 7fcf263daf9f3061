import { CloseCode, RejectionCode } from '@loupe/sync-protocol'
import type { Logger } from '../logger'
import type { RelayConnection } from './connection'
import { RelayRejection } from './errors'

/** The room's own writes (`RoomAccess.change`) use the room document's client id. */
export const SERVER_OWNER = 'server' as const

/**
 * Which connection introduced each Yjs client id in a room. Another connection may not write new
 * structs as that id while the owner is live (it would forge someone else's edits and can break
 * the owner's clock sequence).
 */
export class ClientOwners {
  readonly #owners = new Map<number, RelayConnection | typeof SERVER_OWNER>()

  constructor(
    readonly room: string,
    readonly logger: Logger,
    /** An owner silent this long is presumed to be the same client's dead socket. */
    readonly staleOwnerMs: () => number,
    /**
     * How a conflicting connection is closed: 4409 (final) on a single instance; in cluster mode
     * 1013, so the client comes back — ownership is known per instance only, and a client that
     * moved between instances may briefly look like two owners.
     */
    readonly conflictClose: CloseCode = CloseCode.conflict,
  ) {}

  /** Throws a 4409 rejection unless `connection` may write new structs as every id in `writers`. */
  check(connection: RelayConnection, writers: Iterable<number>): void {
    for (const client of writers) {
      const owner = this.#owners.get(client)
      if (owner === undefined || owner === connection) continue
      if (owner !== SERVER_OWNER) {
        if (owner.closed) continue
        if (Date.now() - owner.lastReceivedAt > this.staleOwnerMs()) {
          // e.g. a client that switched networks reconnects before its old socket timed out
          this.logger.info('relay: superseding a silent connection', {
            room: this.room,
            connection: owner.id,
            by: connection.id,
            client,
          })
          owner.terminate()
          continue
        }
      }
      throw new RelayRejection(
        RejectionCode.clientIdConflict,
        `client id ${client} belongs to another connection`,
        this.conflictClose,
      )
    }
  }

  claim(owner: RelayConnection | typeof SERVER_OWNER, clients: Iterable<number>): void {
    for (const client of clients) {
      this.#owners.set(client, owner)
      if (owner !== SERVER_OWNER) owner.ownedClients.add(client)
    }
  }

  release(owner: RelayConnection | typeof SERVER_OWNER, clients: Iterable<number>): void {
    for (const client of clients) {
      if (this.#owners.get(client) === owner) this.#owners.delete(client)
    }
  }
}
