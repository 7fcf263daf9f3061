/**
 * A socket that may own Yjs client ids, as the cluster-wide ownership registry sees it (the
 * relay's connection fits it).
 */
export interface OwnerSocket {
  /** Unique within this instance. */
  readonly id: number
  readonly closed: boolean
  /** When it last sent anything (ms since the epoch): a socket silent too long may be superseded. */
  readonly lastReceivedAt: number
  /** Ends it without a handshake: another socket superseded it. */
  terminate(): void
  /** Ends it with a close code (its ownership was lost; 1013 brings its client back). */
  close(code: number, reason: string): void
}

/**
 * What a claim of a client id by a socket came to:
 * - `claimed`: the socket owns the id across the cluster now (it was free, already its own, held
 *   by a socket that is gone or was superseded, or the registry could not be asked: see
 *   `RedisClientOwnership` on failing open);
 * - `conflict`: a live socket on another instance owns it (final: 4409);
 * - `undecided`: held on another instance that did not answer in time; the client should try
 *   again (1013) — the owner's record expires if its instance is gone.
 */
export type ClaimOutcome =
  { kind: 'claimed' } | { kind: 'conflict'; owner: string } | { kind: 'undecided'; owner: string }

/**
 * Which socket, on which instance, owns each (room, Yjs client id) across a cluster (DESIGN.md
 * §3: a connection may not write as a client id another connection introduced). The relay asks
 * only when a connection first writes as an id it has not claimed; afterwards the claim is kept
 * alive by the registry until `release`.
 */
export interface ClientOwnership {
  /**
   * Claims `client` in `room` for `socket`. An owner on another instance that has been silent for
   * longer than `staleMs` is superseded: its instance terminates it and gives the id up.
   */
  claim(room: string, client: number, socket: OwnerSocket, staleMs: number): Promise<ClaimOutcome>
  /** Gives up every id `socket` holds (it closed). Never throws. */
  release(socket: OwnerSocket): void
  /** Stops renewing and gives up every id still held. */
  close(): Promise<void>
}
