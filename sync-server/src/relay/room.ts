import * as Y from 'yjs'
import { CloseCode, RejectionCode, encodeDurableAck } from '@loupe/sync-protocol'
import type { RoomName } from '@loupe/sync-protocol'
import type { FanOutMessage, RoomChannel } from '../cluster/fanout'
import { REMOTE_ORIGIN } from '../cluster/room-cluster'
import type { RoomCluster } from '../cluster/room-cluster'
import { SeqTracker } from '../cluster/seq-tracker'
import type { Logger } from '../logger'
import type { DocumentStore } from '../storage/types'
import type { RelayConnection } from './connection'
import { ClientOwners, SERVER_OWNER } from './client-owners'
import { RoomAwareness } from './room-awareness'
import { RelayRejection, corruptUpdate, malformed } from './errors'
import { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './protocol'
import type { DecodedUpdate, InboundMessage } from './protocol'
import { isNoop, updateEffect } from './update-effect'
import type { UpdateEffect } from './update-effect'
import { checkWrite } from './write-policy'

export interface RoomSettings {
  /** Compact the update log once it holds more entries than this. */
  compactAfterEntries: number
  /** Flush and unload a room this long after its last connection left. */
  roomIdleMs: number
  /** A client id's owner silent this long is presumed dead when another connection writes as it. */
  staleOwnerMs: number
  /** Pause reading a connection while this many of its messages wait in the room's queue. */
  maxQueuedPerConnection: number
}

export interface RoomDeps {
  store: DocumentStore
  logger: Logger
  settings: RoomSettings
  /** Called when the room has been idle for `roomIdleMs`. */
  onIdle: (room: RelayRoom) => void
  /** Cluster mode: other instances serve the same room (null or absent: this is the only one). */
  cluster?: RoomCluster | null
}

type Work =
  | { kind: 'join'; connection: RelayConnection }
  | { kind: 'message'; connection: RelayConnection; message: InboundMessage }
  | { kind: 'task'; run: () => Promise<void> }
  | { kind: 'remote'; message: FanOutMessage }

interface PendingAck {
  count: number
  clients: Set<number>
}

/**
 * One live document. Everything that reads or changes the document runs through one ordered
 * queue: the stored state is loaded first, then messages are processed in arrival order in
 * batches (all that arrived in one event-loop turn). A batch's accepted updates are applied to the
 * document, appended to storage in one transaction, and only then relayed to the other
 * connections and acknowledged to their senders; replies that reveal document state (sync step 2,
 * the greeting) are also sent only after that commit.
 *
 * In cluster mode the room is one replica among the instances that have it loaded: it subscribes
 * to the room's fan-out channel before loading (what arrives meanwhile waits in the queue), publishes
 * each batch after it is durable, and applies and relays the other instances' batches, which are
 * already durable. A gap in the sequence numbers received (a lost or late message) is filled from
 * storage; reads and server-side changes catch up from storage first.
 */
export class RelayRoom {
  doc = new Y.Doc()
  readonly presence: RoomAwareness
  readonly connections = new Set<RelayConnection>()
  /** Leases held by server code (`change`/`read`) that keep the room loaded. */
  leases = 0
  evicted = false
  readonly #owners: ClientOwners
  readonly #inbox: Work[] = []
  #running = false
  #scheduled = false
  #lastSeq = 0
  #entries = 0
  #compactionQueued = false
  #idleTimer: NodeJS.Timeout | null = null
  readonly #loaded: Promise<void>
  // cluster mode
  readonly #seqs = new SeqTracker()
  #channel: RoomChannel | null = null
  #gapTimer: NodeJS.Timeout | null = null
  // state of the batch being processed
  #pending: Array<{ connection: RelayConnection; update: DecodedUpdate }> = []
  #acks = new Map<RelayConnection, PendingAck>()
  #after: Array<() => void> = []

  constructor(
    readonly name: string,
    readonly roomName: RoomName,
    readonly deps: RoomDeps,
  ) {
    this.#owners = new ClientOwners(
      name,
      deps.logger,
      () => deps.settings.staleOwnerMs,
      deps.cluster?.owners ?? null,
    )
    this.presence = new RoomAwareness(
      () => this.connections,
      deps.cluster ? (update) => this.#publish({ kind: 'awareness', update }) : null,
    )
    this.#loaded = this.#open()
    this.#loaded.catch(() => {})
    this.#kick()
  }

  get entries(): number {
    return this.#entries
  }

  get lastSeq(): number {
    return this.#lastSeq
  }

  /** Resolves once the stored state is in memory (rejects if it cannot be loaded). */
  get loaded(): Promise<void> {
    return this.#loaded
  }

  join(connection: RelayConnection): void {
    this.#clearIdle()
    this.connections.add(connection)
    this.#enqueue({ kind: 'join', connection })
  }

  receive(connection: RelayConnection, message: InboundMessage): void {
    connection.queued++
    if (connection.queued > this.deps.settings.maxQueuedPerConnection) connection.pause('queue')
    this.#enqueue({ kind: 'message', connection, message })
  }

  leave(connection: RelayConnection): void {
    if (!this.connections.delete(connection)) return
    this.#owners.release(connection, connection.ownedClients)
    this.presence.leave(connection)
    this.armIdle()
  }

  /** Runs `fn` in one transaction; the update it makes is persisted, then relayed. */
  change<T>(fn: (doc: Y.Doc) => T): Promise<T> {
    return this.#task(async () => {
      await this.#catchUp()
      const updates: Uint8Array[] = []
      const collect = (update: Uint8Array) => updates.push(update)
      const doc = this.doc
      doc.on('update', collect)
      let result: T
      try {
        result = doc.transact(() => fn(doc), SERVER_OWNER)
      } catch (error) {
        await this.#rebuild([])
        throw error
      } finally {
        doc.off('update', collect)
      }
      if (updates.length > 0) {
        const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
        let seq: number
        try {
          seq = await this.deps.store.append(this.name, [update])
          this.#stored(seq, 1)
        } catch (error) {
          await this.#rebuild([])
          throw error
        }
        const frame = encodeUpdate(update)
        for (const connection of this.connections) connection.send(frame)
        this.#publish({ kind: 'update', firstSeq: seq, lastSeq: seq, update })
        this.#maybeCompact()
      }
      return result
    })
  }

  /** Runs `fn` on the room's durable state. */
  read<T>(fn: (doc: Y.Doc) => T): Promise<T> {
    return this.#task(async () => {
      await this.#catchUp()
      return fn(this.doc)
    })
  }

  /** Resolves when everything queued so far has been processed. */
  flush(): Promise<void> {
    return this.#task(async () => {})
  }

  /** Replaces the log by one snapshot of the current state. */
  compact(): Promise<void> {
    return this.#task(() => this.#compactNow())
  }

  /** Processes what is queued, closes every connection with `code`, compacts. */
  shutdown(code: number, reason: string): Promise<void> {
    return this.#task(async () => {
      for (const connection of [...this.connections]) connection.close(code, reason)
      await this.#compactNow()
      this.#destroy()
    })
  }

  /**
   * Compacts and unloads the room if it is still unused; `onEvicted` runs synchronously at the
   * moment the room stops accepting connections. Resolves whether it was evicted.
   */
  evict(onEvicted: () => void): Promise<boolean> {
    return this.#task(async () => {
      if (!this.#unused()) return false
      await this.#compactNow()
      if (!this.#unused()) return false
      onEvicted()
      this.#destroy()
      return true
    })
  }

  armIdle(): void {
    if (!this.#unused() || this.evicted) return
    this.#clearIdle()
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null
      if (this.#unused()) this.deps.onIdle(this)
    }, this.deps.settings.roomIdleMs)
    this.#idleTimer.unref()
  }

  #unused(): boolean {
    return this.connections.size === 0 && this.leases === 0
  }

  #clearIdle(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer)
    this.#idleTimer = null
  }

  #destroy(): void {
    this.evicted = true
    this.#clearIdle()
    if (this.#gapTimer !== null) clearTimeout(this.#gapTimer)
    this.#gapTimer = null
    this.#leaveChannel()
    this.#owners.dispose()
    this.presence.destroy()
    this.doc.destroy()
  }

  #task<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#enqueue({
        kind: 'task',
        run: () => run().then(resolve, reject),
      })
    })
  }

  #enqueue(work: Work): void {
    this.#inbox.push(work)
    this.#kick()
  }

  /** Starts processing on the next turn, so what arrives together is committed together. */
  #kick(): void {
    if (this.#scheduled || this.#running) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      void this.#run()
    })
  }

  async #run(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      try {
        await this.#loaded
      } catch (error) {
        this.#failLoad(error)
        return
      }
      while (this.#inbox.length > 0) {
        const batch = this.#inbox.splice(0)
        try {
          await this.#process(batch)
        } catch (error) {
          // Storage failed beyond recovery for now: clients come back and resync.
          this.deps.logger.error('relay: room failed', { room: this.name, error: String(error) })
          for (const connection of [...this.connections]) {
            connection.close(CloseCode.tryAgainLater, 'room failed, try again')
          }
        }
      }
    } finally {
      this.#running = false
      if (this.#inbox.length > 0) this.#kick()
    }
  }

  #failLoad(error: unknown): void {
    this.deps.logger.error('relay: room could not be loaded', {
      room: this.name,
      error: String(error),
    })
    this.#leaveChannel()
    for (const work of this.#inbox.splice(0)) {
      if (work.kind === 'task') void work.run()
    }
    for (const connection of [...this.connections]) {
      connection.close(CloseCode.tryAgainLater, 'room could not be loaded')
    }
  }

  async #process(batch: Work[]): Promise<void> {
    for (const work of batch) {
      if (work.kind === 'remote') {
        this.#applyRemote(work.message)
        continue
      }
      if (work.kind === 'task') {
        await this.#commit()
        await work.run()
        continue
      }
      const { connection } = work
      if (this.evicted) {
        // Arrived after shutdown or eviction: the connection is closed; its client resends.
        if (work.kind === 'message') connection.queued--
        continue
      }
      if (work.kind === 'join') {
        if (!connection.closed) this.#after.push(() => this.#greet(connection))
        continue
      }
      connection.queued--
      if (connection.queued <= this.deps.settings.maxQueuedPerConnection >> 1) {
        connection.resume('queue')
      }
      if (connection.refused) continue
      try {
        await this.#handle(connection, work.message)
      } catch (error) {
        if (error instanceof RelayRejection) {
          connection.refuse(error)
        } else {
          this.deps.logger.error('relay: message could not be processed', {
            room: this.name,
            connection: connection.id,
            error: String((error as Error).stack ?? error),
          })
          connection.refuse(malformed('message could not be processed'))
        }
      }
    }
    await this.#commit()
  }

  async #handle(connection: RelayConnection, message: InboundMessage): Promise<void> {
    switch (message.kind) {
      case 'syncStep1': {
        const { stateVector } = message
        this.#after.push(() => connection.send(encodeSyncStep2(this.doc, stateVector)))
        return
      }
      case 'queryAwareness':
        this.presence.sendAll(connection)
        return
      case 'awareness':
        this.presence.apply(connection, message.update)
        return
      case 'update':
        await this.#handleUpdate(connection, message.update)
        return
    }
  }

  async #handleUpdate(connection: RelayConnection, update: DecodedUpdate): Promise<void> {
    let effect = updateEffect(this.doc, update)
    if (this.deps.cluster && [...effect.writers].some((c) => !connection.ownedClients.has(c))) {
      // A client may carry other clients' structs that reached it through another instance and
      // are not here yet: they are durable, so catch up before deciding who writes as whom.
      await this.#catchUp()
      effect = updateEffect(this.doc, update)
    }
    if (isNoop(effect)) {
      this.#ack(connection, effect.clients)
      return
    }
    for (const client of effect.writers) {
      const earlier = connection.tainted.get(client)
      if (earlier) {
        throw new RelayRejection(
          earlier.code,
          `depends on a rejected write (${earlier.message})`,
          earlier.close,
        )
      }
    }
    try {
      checkWrite(connection.access, this.doc, update, effect)
    } catch (error) {
      if (error instanceof RelayRejection) {
        for (const client of effect.writers) connection.tainted.set(client, error)
      }
      throw error
    }
    const writers = this.deps.cluster ? this.#contiguousWriters(effect) : effect.writers
    const claiming = this.#owners.check(connection, writers)
    if (claiming) await claiming
    try {
      Y.applyUpdate(this.doc, update.bytes, connection)
    } catch (error) {
      // Yjs may have applied part of it: rebuild from storage plus this batch's accepted updates.
      await this.#rebuild(this.#pending.map((entry) => entry.update.bytes))
      throw corruptUpdate(`update could not be applied (${(error as Error).message})`)
    }
    if (!connection.closed) this.#owners.claim(connection, writers)
    this.#pending.push({ connection, update })
    this.#ack(connection, effect.clients)
  }

  /**
   * Cluster mode: the writers whose new structs continue this replica's state. Structs beyond a
   * gap are ones the client got through another instance while this one misses an earlier part
   * (they stay pending here until it arrives): the client carries them, it does not write as them.
   */
  #contiguousWriters(effect: UpdateEffect): Set<number> {
    const writers = new Set<number>()
    for (const struct of effect.newStructs) {
      const client = struct.id.client
      if (struct.id.clock <= Y.getState(this.doc.store, client)) writers.add(client)
    }
    return writers
  }

  #ack(connection: RelayConnection, clients: Set<number>): void {
    let ack = this.#acks.get(connection)
    if (!ack) this.#acks.set(connection, (ack = { count: 0, clients: new Set() }))
    ack.count++
    for (const client of clients) ack.clients.add(client)
  }

  /** Persists the batch's accepted updates, then relays them, acks, and sends deferred replies. */
  async #commit(): Promise<void> {
    const pending = this.#pending
    const acks = this.#acks
    const after = this.#after
    if (pending.length === 0 && acks.size === 0 && after.length === 0) return
    this.#pending = []
    this.#acks = new Map()
    this.#after = []
    if (pending.length > 0) {
      let lastSeq = 0
      try {
        lastSeq = await this.deps.store.append(
          this.name,
          pending.map((entry) => entry.update.bytes),
        )
        this.#stored(lastSeq, pending.length)
      } catch (error) {
        this.deps.logger.error('relay: storing updates failed', {
          room: this.name,
          error: String(error),
        })
        const failed = new RelayRejection(
          RejectionCode.storageFailed,
          'the server could not store the update',
          CloseCode.tryAgainLater,
        )
        for (const { connection } of pending) {
          acks.delete(connection)
          if (!connection.closed) connection.refuse(failed)
        }
        await this.#rebuild([])
        pending.length = 0
      }
      const merged = this.#relay(pending)
      if (merged !== null) {
        this.#publish({
          kind: 'update',
          firstSeq: lastSeq - pending.length + 1,
          lastSeq,
          update: merged,
        })
      }
    }
    for (const [connection, ack] of acks) {
      if (!connection.loupe || connection.closed) continue
      const clocks = new Map<number, number>()
      for (const client of ack.clients) clocks.set(client, Y.getState(this.doc.store, client))
      connection.send(encodeDurableAck({ count: ack.count, clocks }))
    }
    for (const send of after) send()
    this.#maybeCompact()
  }

  /**
   * Relays a batch's accepted updates as ONE merged frame per connection (one socket write per
   * peer per batch instead of one per update per peer). When the batch has a single sender, that
   * sender is skipped; with several, each gets the merged frame too: applying its own structs again
   * is a no-op for Yjs and far cheaper than a merge per sender.
   */
  #relay(
    pending: readonly { connection: RelayConnection; update: DecodedUpdate }[],
  ): Uint8Array | null {
    if (pending.length === 0) return null
    const senders = new Set(pending.map((entry) => entry.connection))
    const merged =
      pending.length === 1
        ? pending[0]!.update.bytes
        : Y.mergeUpdates(pending.map((entry) => entry.update.bytes))
    const frame = encodeUpdate(merged)
    const sole = senders.size === 1 ? pending[0]!.connection : null
    for (const connection of this.connections) {
      if (connection !== sole) connection.send(frame)
    }
    return merged
  }

  #maybeCompact(): void {
    if (this.#compactionQueued || this.#entries <= this.deps.settings.compactAfterEntries) return
    this.#compactionQueued = true
    void this.#task(async () => {
      this.#compactionQueued = false
      await this.#compactNow()
    }).catch((error: unknown) => {
      this.deps.logger.error('relay: compaction failed', { room: this.name, error: String(error) })
    })
  }

  /** Must run between batches: then the document is exactly the stored log up to `lastSeq`. */
  async #compactNow(): Promise<void> {
    if (this.#entries <= 1 || this.evicted) return
    const cluster = this.deps.cluster
    if (!cluster) {
      const snapshot = Y.encodeStateAsUpdate(this.doc)
      await this.deps.store.compact(this.name, snapshot, this.#lastSeq)
      this.#entries = 1
      return
    }
    // One instance at a time; the store merges exactly the rows it replaces, so a replica that
    // lags behind cannot write a stale state over a newer one either way.
    this.#entries = 1
    let lock
    try {
      lock = await cluster.lock.tryAcquire(`compact:${this.name}`, cluster.compactionLockMs)
    } catch (error) {
      this.deps.logger.warn('relay: compaction lock unavailable', {
        room: this.name,
        error: String(error),
      })
      return
    }
    if (!lock) return
    try {
      await this.deps.store.compact(this.name, Y.encodeStateAsUpdate(this.doc), this.#seqs.known)
    } finally {
      await lock.release()
    }
  }

  /** Subscribes to the room's fan-out channel (cluster mode), then loads the stored state. */
  async #open(): Promise<void> {
    const cluster = this.deps.cluster
    if (cluster) {
      this.#channel = await cluster.fanout.join(this.name, {
        message: (message) => this.#enqueue({ kind: 'remote', message }),
        resync: () => {
          void this.#task(() => this.#catchUp()).catch((error: unknown) =>
            this.#catchUpFailed(error),
          )
        },
      })
    }
    await this.#rebuild([])
  }

  #leaveChannel(): void {
    const channel = this.#channel
    this.#channel = null
    channel?.leave().catch(() => undefined)
  }

  #publish(message: FanOutMessage): void {
    this.#channel?.publish(message)
  }

  /** Our own append of `count` entries ended at `lastSeq`. */
  #stored(lastSeq: number, count: number): void {
    this.#lastSeq = Math.max(this.#lastSeq, lastSeq)
    this.#entries += count
    if (this.deps.cluster) {
      this.#seqs.mark(lastSeq - count + 1, lastSeq)
      this.#watchGap()
    }
  }

  /** Applies and relays what another instance stored (or its awareness change). */
  #applyRemote(message: FanOutMessage): void {
    if (this.evicted) return
    if (message.kind === 'awareness') {
      this.presence.applyRemote(message.update)
      return
    }
    if (message.lastSeq <= this.#seqs.known) return // already loaded or caught up
    try {
      Y.applyUpdate(this.doc, message.update, REMOTE_ORIGIN)
    } catch (error) {
      this.deps.logger.error('relay: a remote update could not be applied', {
        room: this.name,
        error: String(error),
      })
      this.#watchGap(0)
      return
    }
    this.#seqs.mark(message.firstSeq, message.lastSeq)
    this.#lastSeq = Math.max(this.#lastSeq, message.lastSeq)
    this.#entries += message.lastSeq - message.firstSeq + 1
    const frame = encodeUpdate(message.update)
    for (const connection of this.connections) connection.send(frame)
    this.#watchGap()
    this.#maybeCompact()
  }

  /** Fills a gap in the received entries from storage if it is still there after `gapMs`. */
  #watchGap(delay?: number): void {
    const cluster = this.deps.cluster
    if (!cluster || this.#gapTimer !== null || this.evicted) return
    if (delay === undefined && !this.#seqs.hasGap) return
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = null
      if (this.evicted) return
      void this.#task(async () => {
        if (delay !== undefined || this.#seqs.hasGap) await this.#catchUp()
      }).catch((error: unknown) => this.#catchUpFailed(error))
    }, delay ?? cluster.gapMs)
    this.#gapTimer.unref()
  }

  #catchUpFailed(error: unknown): void {
    this.deps.logger.error('relay: catching up from storage failed', {
      room: this.name,
      error: String(error),
    })
    this.#watchGap(this.deps.cluster?.gapMs ?? 0)
  }

  /**
   * Cluster mode: applies every entry stored after the last contiguous one this replica holds,
   * and relays what was new to the local connections. Must run between batches.
   */
  async #catchUp(): Promise<void> {
    const cluster = this.deps.cluster
    if (!cluster || this.evicted) return
    const stored = await cluster.loadSince(this.name, this.#seqs.known)
    if (this.evicted) return
    const changes: Uint8Array[] = []
    const collect = (update: Uint8Array) => changes.push(update)
    this.doc.on('update', collect)
    try {
      this.doc.transact(() => {
        for (const update of stored.updates) Y.applyUpdate(this.doc, update)
      }, REMOTE_ORIGIN)
    } finally {
      this.doc.off('update', collect)
    }
    this.#seqs.reset(stored.lastSeq)
    this.#lastSeq = Math.max(this.#lastSeq, stored.lastSeq)
    this.#entries += stored.updates.length
    for (const change of changes) {
      const frame = encodeUpdate(change)
      for (const connection of this.connections) connection.send(frame)
    }
  }

  /** (Re)builds the document from storage, then applies `extra` updates not yet stored. */
  async #rebuild(extra: Uint8Array[]): Promise<void> {
    const stored = await this.deps.store.load(this.name)
    const doc = new Y.Doc()
    doc.transact(() => {
      for (const update of stored.updates) Y.applyUpdate(doc, update)
      for (const update of extra) Y.applyUpdate(doc, update)
    }, SERVER_OWNER)
    const previous = this.doc
    this.#owners.release(SERVER_OWNER, [previous.clientID])
    this.#owners.claim(SERVER_OWNER, [doc.clientID])
    this.doc = doc
    previous.destroy()
    this.#lastSeq = stored.lastSeq
    this.#entries = stored.updates.length
    this.#seqs.reset(stored.lastSeq)
  }

  #greet(connection: RelayConnection): void {
    connection.send(encodeSyncStep1(this.doc))
    this.presence.sendAll(connection)
  }
}
