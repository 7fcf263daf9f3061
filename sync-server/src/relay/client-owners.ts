import { CloseCode, RejectionCode } from '@loupe/sync-protocol'
import type { ClientOwnership, OwnerSocket } from '../cluster/client-ownership'
import type { Logger } from '../logger'
import type { RelayConnection } from './connection'
import { RelayRejection } from './errors'

/** The room's own writes (`RoomAccess.change`) use the room document's client id. */
export const SERVER_OWNER = 'server' as const

let nextRoomOwner = 1

/**
 * Which connection introduced each Yjs client id in a room. Another connection may not write new
 * structs as that id while the owner is live (it would forge someone else's edits and can break
 * the owner's clock sequence): it is closed with 4409. An owner silent for longer than
 * `staleOwnerMs` is presumed to be the same client's dead socket and is superseded (terminated).
 *
 * This map decides between the connections of this instance. In cluster mode, `cluster` also
 * decides between instances: a connection's first write as an id it has not claimed yet claims
 * it there (one Redis round trip; later writes are decided here alone), with the same outcomes —
 * 4409 while the owner on another instance is live, supersession when it is silent — plus 1013
 * when that instance cannot be asked (the client comes back and the record expires meanwhile).
 */
export class ClientOwners {
  readonly #owners = new Map<number, RelayConnection | typeof SERVER_OWNER>()
  /**
   * The room's own client id as other instances see its owner: never silent, closed only with
   * the room (negative ids never collide with connections').
   */
  readonly #server = {
    id: -nextRoomOwner++,
    closed: false as boolean,
    get lastReceivedAt() {
      return Date.now()
    },
    terminate() {},
    close() {},
  } satisfies OwnerSocket

  constructor(
    readonly room: string,
    readonly logger: Logger,
    /** An owner silent this long is presumed to be the same client's dead socket. */
    readonly staleOwnerMs: () => number,
    /** Cluster mode: ownership across instances (null on a single instance). */
    readonly cluster: ClientOwnership | null = null,
  ) {}

  /**
   * Throws a rejection unless `connection` may write new structs as every id in `writers`; in
   * cluster mode returns a promise (rejecting the same way) while ids are claimed across
   * instances, else null.
   */
  check(connection: RelayConnection, writers: Iterable<number>): Promise<void> | null {
    let unclaimed: number[] | null = null
    for (const client of writers) {
      const owner = this.#owners.get(client)
      if (owner === connection) continue
      if (owner !== undefined) this.#checkLocal(connection, owner, client)
      if (this.cluster) (unclaimed ??= []).push(client)
    }
    return unclaimed ? this.#claimAcross(connection, unclaimed) : null
  }

  /**
   * Records that `owner` wrote as `clients` (a connection has claimed them across instances in
   * `check` already; the room's own id is claimed there now, in the background).
   */
  claim(owner: RelayConnection | typeof SERVER_OWNER, clients: Iterable<number>): void {
    for (const client of clients) {
      this.#owners.set(client, owner)
      if (owner !== SERVER_OWNER) owner.ownedClients.add(client)
      else if (this.cluster && !this.#server.closed) this.#claimForRoom(client)
    }
  }

  /** Gives `clients` up; across instances, every id `owner` holds in the room. */
  release(owner: RelayConnection | typeof SERVER_OWNER, clients: Iterable<number>): void {
    for (const client of clients) {
      if (this.#owners.get(client) === owner) this.#owners.delete(client)
    }
    this.cluster?.release(owner === SERVER_OWNER ? this.#server : owner)
  }

  /** The room is unloaded: its own id is given up. */
  dispose(): void {
    this.#server.closed = true
    this.cluster?.release(this.#server)
  }

  #claimForRoom(client: number): void {
    this.cluster!.claim(this.room, client, this.#server, this.staleOwnerMs()).then(
      (outcome) => {
        if (outcome.kind === 'claimed') return
        this.logger.warn("relay: the room's client id is held elsewhere", {
          room: this.room,
          client,
          owner: outcome.owner,
        })
      },
      (error: unknown) => {
        this.logger.warn("relay: claiming the room's client id failed", {
          room: this.room,
          error: String(error),
        })
      },
    )
  }

  /** Throws unless `owner`, a connection of this instance, may be passed over. */
  #checkLocal(
    connection: RelayConnection,
    owner: RelayConnection | typeof SERVER_OWNER,
    client: number,
  ): void {
    if (owner !== SERVER_OWNER) {
      if (owner.closed) return
      if (Date.now() - owner.lastReceivedAt > this.staleOwnerMs()) {
        // e.g. a client that switched networks reconnects before its old socket timed out
        this.logger.info('relay: superseding a silent connection', {
          room: this.room,
          connection: owner.id,
          by: connection.id,
          client,
        })
        owner.terminate()
        return
      }
    }
    throw new RelayRejection(
      RejectionCode.clientIdConflict,
      `client id ${client} belongs to another connection`,
      CloseCode.conflict,
    )
  }

  async #claimAcross(connection: RelayConnection, clients: number[]): Promise<void> {
    for (const client of clients) {
      const outcome = await this.cluster!.claim(this.room, client, connection, this.staleOwnerMs())
      if (outcome.kind === 'conflict') {
        throw new RelayRejection(
          RejectionCode.clientIdConflict,
          `client id ${client} belongs to another connection`,
          CloseCode.conflict,
        )
      }
      if (outcome.kind === 'undecided') {
        throw new RelayRejection(
          RejectionCode.clientIdConflict,
          `client id ${client} belongs to a connection on another instance that did not answer, try again`,
          CloseCode.tryAgainLater,
        )
      }
    }
  }
}
