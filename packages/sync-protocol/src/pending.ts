import * as Y from 'yjs'
import type { DurableAck } from './messages'
import { RejectionCode } from './messages'

/**
 * One local transaction still waiting for the server: the clocks its inserts end at (client id →
 * clock after the transaction) and whether it deleted anything. Inserts are confirmed by clocks;
 * deletes leave no clock behind, so they are confirmed by the durable-ack count of the message
 * that carried them on the current connection (`seq`).
 */
interface PendingTransaction {
  clocks: Map<number, number>
  deletes: boolean
  /** Index (1-based, per connection) of the outgoing message that carried the deletes. */
  seq: number | null
}

/** What `toJSON` writes: enough to show the right count after a reload while offline. */
export interface PendingSnapshot {
  version: 1
  /** Unconfirmed local transactions, oldest first: `[[client, clock], ...]` and `deletes`. */
  transactions: { clocks: [number, number][]; deletes: boolean }[]
  /** What the server is known to hold, as a state vector `[[client, clock], ...]`. */
  confirmed: [number, number][]
}

/** What a local update contains: clocks its inserts end at, and whether it deletes. */
export interface UpdateSummary {
  clocks: Map<number, number>
  deletes: boolean
}

/** Reads the insert ranges and the delete set of a (v1) update. */
export function summarizeUpdate(update: Uint8Array): UpdateSummary {
  const meta = Y.parseUpdateMeta(update)
  const clocks = new Map<number, number>()
  for (const [client, to] of meta.to) {
    if (to > (meta.from.get(client) ?? 0)) clocks.set(client, to)
  }
  const { ds } = Y.decodeUpdate(update)
  let deletes = false
  for (const ranges of ds.clients.values()) {
    if (ranges.length > 0) deletes = true
  }
  return { clocks, deletes }
}

/** Rejections of update-carrying messages: they consume one place in the ack count. */
const UPDATE_REJECTIONS: ReadonlySet<string> = new Set([
  RejectionCode.readOnly,
  RejectionCode.forbiddenField,
  RejectionCode.corruptUpdate,
])

const isClock = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0

/**
 * Counts the local transactions of one room that the server has not yet confirmed as durable
 * (DESIGN.md §3). Feed it:
 * - `local(update, sent)` for each `update` event with a local origin (`sent`: the provider had
 *   an open socket and sent it right away), and `sent(updates)` when local updates recorded
 *   with `sent = false` go out later, together in one message (after they are durable locally);
 * - `connected()` / `disconnected()` as the socket opens and closes;
 * - `serverStateVector(sv)` when the server's sync step 1 arrives (the provider answers it with
 *   a sync step 2 that carries every local change the server lacks);
 * - `serverUpdate(update)` for sync step 2 and updates received from the server (the relay
 *   persists before it relays);
 * - `ack(ack)` for each durable ack and `rejected(code)` for each rejection.
 * No DOM, no timers: the caller decides where the snapshot is kept.
 */
export class PendingTracker {
  #transactions: PendingTransaction[] = []
  #confirmed = new Map<number, number>()
  /** Update-carrying messages sent / acknowledged (or rejected) on the current connection. */
  #sent = 0
  #acked = 0
  #listeners = new Set<(pending: number) => void>()
  #last = 0
  /** Local updates recorded as not sent yet → their transaction, for `sent`. */
  #unsent = new WeakMap<Uint8Array, PendingTransaction>()

  /** Restores a tracker from `toJSON()` output; anything malformed is skipped. */
  static fromJSON(json: unknown): PendingTracker {
    const tracker = new PendingTracker()
    if (!json || typeof json !== 'object') return tracker
    const snapshot = json as Partial<PendingSnapshot>
    if (snapshot.version !== 1) return tracker
    if (Array.isArray(snapshot.confirmed)) {
      for (const entry of snapshot.confirmed) {
        if (Array.isArray(entry) && isClock(entry[0]) && isClock(entry[1])) {
          tracker.#confirmed.set(entry[0], entry[1])
        }
      }
    }
    if (Array.isArray(snapshot.transactions)) {
      for (const t of snapshot.transactions) {
        if (!t || typeof t !== 'object' || !Array.isArray(t.clocks)) continue
        const clocks = new Map<number, number>()
        for (const entry of t.clocks) {
          if (Array.isArray(entry) && isClock(entry[0]) && isClock(entry[1])) {
            clocks.set(entry[0], entry[1])
          }
        }
        const deletes = t.deletes === true
        if (clocks.size > 0 || deletes) tracker.#transactions.push({ clocks, deletes, seq: null })
      }
    }
    tracker.#prune()
    tracker.#last = tracker.pending
    return tracker
  }

  /**
   * Takes over the unconfirmed transactions of another tracker's snapshot (another tab's, after
   * it closed): they count here from now on, and are confirmed like this tracker's own (their
   * changes are in the shared local copy, so the next sync step 2 carries them).
   */
  adopt(json: unknown): void {
    const other = PendingTracker.fromJSON(json)
    for (const [client, clock] of other.#confirmed) this.#confirm(client, clock)
    this.#transactions.push(...other.#transactions)
    this.#prune()
    this.#changed()
  }

  /**
   * Drops the transactions of a snapshot that `adopt` took in (one each, matched by clocks and
   * deletes): when they turn out to be counted by a live tab after all.
   */
  forget(json: unknown): void {
    const other = PendingTracker.fromJSON(json)
    for (const t of other.#transactions) {
      const i = this.#transactions.findIndex(
        (own) =>
          own.deletes === t.deletes &&
          own.clocks.size === t.clocks.size &&
          [...t.clocks].every(([client, clock]) => own.clocks.get(client) === clock),
      )
      if (i >= 0) this.#transactions.splice(i, 1)
    }
    this.#changed()
  }

  toJSON(): PendingSnapshot {
    const clients = new Set<number>()
    for (const t of this.#transactions) for (const client of t.clocks.keys()) clients.add(client)
    return {
      version: 1,
      transactions: this.#transactions.map((t) => ({ clocks: [...t.clocks], deletes: t.deletes })),
      confirmed: [...this.#confirmed].filter(([client]) => clients.has(client)),
    }
  }

  /** Local transactions not yet fully confirmed by the server. */
  get pending(): number {
    return this.#transactions.length
  }

  /** Calls `fn` whenever `pending` changes; returns an unsubscribe. */
  onChange(fn: (pending: number) => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** Records a local transaction. `sent`: it went out on the open connection as one message. */
  local(update: Uint8Array, sent: boolean): void {
    const { clocks, deletes } = summarizeUpdate(update)
    if (clocks.size === 0 && !deletes) return
    if (sent) this.#sent++
    const transaction = { clocks, deletes, seq: sent && deletes ? this.#sent : null }
    this.#transactions.push(transaction)
    if (!sent) this.#unsent.set(update, transaction)
    this.#changed()
  }

  /**
   * These local updates (recorded with `sent = false`) went out together as one update-carrying
   * message on the current connection: the next durable ack of that message confirms their
   * deletes. Call it only when the message was handed to an open socket.
   */
  sent(updates: readonly Uint8Array[]): void {
    this.#sent++
    for (const update of updates) {
      const t = this.#unsent.get(update)
      if (!t) continue
      this.#unsent.delete(update)
      if (t.deletes && t.seq === null) t.seq = this.#sent
    }
  }

  /** A new connection opened: message counts start again. */
  connected(): void {
    this.#resetConnection()
  }

  /** The connection closed: deletes sent on it and not acknowledged must be confirmed again. */
  disconnected(): void {
    this.#resetConnection()
  }

  /**
   * The server's sync step 1: it holds everything up to this state vector. The provider answers
   * with a sync step 2 (one update-carrying message holding all local deletes).
   */
  serverStateVector(stateVector: Uint8Array | Map<number, number>): void {
    const sv = stateVector instanceof Map ? stateVector : Y.decodeStateVector(stateVector)
    for (const [client, clock] of sv) this.#confirm(client, clock)
    this.#sent++
    for (const t of this.#transactions) {
      if (t.deletes && t.seq === null) t.seq = this.#sent
    }
    this.#prune()
    this.#changed()
  }

  /**
   * An update from the server (sync step 2 or a relayed update): the server stored it. Confirms
   * a client's range only where it continues what is already known to be confirmed.
   */
  serverUpdate(update: Uint8Array): void {
    const meta = Y.parseUpdateMeta(update)
    for (const [client, to] of meta.to) {
      const from = meta.from.get(client) ?? 0
      if (from <= (this.#confirmed.get(client) ?? 0)) this.#confirm(client, to)
    }
    this.#prune()
    this.#changed()
  }

  /** A durable ack: `count` more messages of this connection are durable, up to `clocks`. */
  ack(ack: DurableAck): void {
    this.#acked += ack.count
    for (const [client, clock] of ack.clocks) this.#confirm(client, clock)
    this.#prune()
    this.#changed()
  }

  /** A rejection: when it refused an update, that message will never be acknowledged. */
  rejected(code: string): void {
    if (UPDATE_REJECTIONS.has(code)) this.#acked++
  }

  #resetConnection(): void {
    this.#sent = 0
    this.#acked = 0
    for (const t of this.#transactions) t.seq = null
  }

  #confirm(client: number, clock: number): void {
    if (clock > (this.#confirmed.get(client) ?? 0)) this.#confirmed.set(client, clock)
  }

  #isConfirmed(t: PendingTransaction): boolean {
    for (const [client, clock] of t.clocks) {
      if ((this.#confirmed.get(client) ?? 0) < clock) return false
    }
    return !t.deletes || (t.seq !== null && t.seq <= this.#acked)
  }

  #prune(): void {
    this.#transactions = this.#transactions.filter((t) => !this.#isConfirmed(t))
  }

  #changed(): void {
    const pending = this.pending
    if (pending === this.#last) return
    this.#last = pending
    for (const fn of this.#listeners) fn(pending)
  }
}
