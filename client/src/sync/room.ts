import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'
import { PendingTracker, attachPendingTracker, parseRoomName } from '@loupe/sync-protocol'
import type { Rejection, TrackedProvider } from '@loupe/sync-protocol'
import { announceToOtherTabsLazily } from './cross-tab'
import { sendWhenDurable } from './durable-sending'
import type { LocalUser } from './identity'
import { LocalDocumentStore } from './local-store'
import type { LocalStoreOptions } from './local-store'
import type { PendingStore } from './pending-store'
import {
  keepShapeSnapshots,
  previewHint,
  readShapeSnapshot,
  rememberPreviewHint,
  snapshotKey,
} from './shape-snapshot'
import type { PreviewShape } from './shape-snapshot'
import { connectionOf } from './status'
import type { Peer, RoomStatus } from './status'
import { reportStorageError } from './storage-errors'

export interface RoomOptions {
  room: string
  /** `ws(s)://host/sync` */
  wsUrl: string
  token: string
  user: LocalUser
  /** This tab's pending counts in localStorage (shared by the hub's rooms). */
  pendingStore: PendingStore
  /** Options of the IndexedDB copy (tests: idle scheduling, compaction threshold). */
  localStore?: LocalStoreOptions
  /** Tests: the WebSocket class (y-websocket's `WebSocketPolyfill`), and no BroadcastChannel. */
  webSocket?: { WebSocketPolyfill: typeof WebSocket; disableBc?: boolean }
  /** Whether the browser reports a network (navigator.onLine). */
  isBrowserOnline: () => boolean
  /** A write the server refused: shown to the user. */
  onRejection?: (room: string, rejection: Rejection) => void
}

/** What others see of this user in a room (awareness `user` and `image` fields). */
export interface PresenceState {
  user: { id: string; name: string; color: string }
  image?: { id: string; name: string } | null
  [field: string]: unknown
}

/** IndexedDB database name of a room's y-indexeddb store. */
export const localDatabaseName = (room: string) => `loupe:${room}`

/**
 * One open document: a Y.Doc loaded from IndexedDB first (LocalDocumentStore, y-indexeddb's
 * layout), then connected to the relay (stock y-websocket with Loupe acks; local changes are sent
 * once durable in IndexedDB), with its pending-change count and presence.
 */
export class RoomSession {
  readonly room: string
  readonly doc = new Y.Doc()
  readonly awareness: Awareness
  readonly persistence: LocalDocumentStore
  readonly provider: WebsocketProvider
  readonly tracker = new PendingTracker()
  /** Resolves once the IndexedDB copy is in the document. */
  readonly whenLocal: Promise<void>
  /** Model wrappers and other per-document singletons (see hooks). */
  readonly cache = new Map<string, unknown>()
  #status: RoomStatus
  #listeners = new Set<() => void>()
  #everSynced = false
  #deniedReason: string | null = null
  #lastRejection: string | undefined
  #saveQueued = false
  #destroyed = false
  #detach: () => void
  #detachSending: () => void
  #detachAnnounce: () => void
  #detachPending: () => void
  #stopSnapshots: () => void = () => {}
  #previewHolds = new Set<Promise<void>>()

  constructor(private readonly options: RoomOptions) {
    this.room = options.room
    this.awareness = new Awareness(this.doc)
    this.awareness.setLocalState({
      user: { id: options.user.id, name: options.user.name, color: options.user.color },
      image: null,
    } satisfies PresenceState)
    const isJob = parseRoomName(this.room)?.kind === 'job'
    const hint = isJob ? previewHint(this.room) : null
    this.persistence = new LocalDocumentStore(localDatabaseName(this.room), this.doc, {
      onError: (error, what) => reportStorageError(error, `${what} in ${this.room}`),
      readFirst: hint ? [snapshotKey(hint)] : [],
      // a shape preview asked for while the stored bytes were read is painted first
      beforeApply: () => this.#previewsPainted(),
      ...options.localStore,
    })
    if (isJob) {
      this.#stopSnapshots = keepShapeSnapshots(this.persistence)
    }
    this.provider = new WebsocketProvider(options.wsUrl, this.room, this.doc, {
      connect: false,
      awareness: this.awareness,
      params: { token: options.token, loupe: '1' },
      ...options.webSocket,
    })
    this.#detach = attachPendingTracker(this.provider as unknown as TrackedProvider, this.tracker, {
      remoteOrigins: [this.persistence],
      sendsLater: true,
      onRejection: (rejection) => {
        this.#lastRejection = `The server refused a change (${rejection.code}): ${rejection.message}`
        this.options.onRejection?.(this.room, rejection)
        this.#update()
      },
    })
    this.#detachSending = sendWhenDurable(this.provider, this.persistence, this.tracker)
    this.#detachAnnounce = announceToOtherTabsLazily(this.provider)
    // Changes another tab of this room left waiting when it closed: count them here, read them
    // from the shared local copy, and resync so that the server gets them now.
    this.#detachPending = options.pendingStore.attach(this.room, this.tracker, () => {
      void this.persistence.catchUp().then(() => {
        if (this.#destroyed || !this.provider.wsconnected) return
        this.provider.disconnect()
        this.provider.connect()
      })
    })
    this.#status = this.#compute()

    this.tracker.onChange(() => {
      this.#queueSave()
      this.#update()
    })
    this.provider.on('status', () => this.#update())
    this.provider.on('sync', (synced: boolean) => {
      if (synced) this.#everSynced = true
      this.#update()
    })
    this.provider.on('connection-close', () => this.#update())
    this.provider.on('closed', ({ code, reason }) => {
      this.#deniedReason =
        code === 4401
          ? `Your link is no longer valid (${reason || 'unauthorized'}).`
          : code === 4403
            ? `This link does not give access to ${this.room} (${reason || 'forbidden'}).`
            : `The server closed ${this.room}: ${reason || code}`
      this.#update()
    })
    this.awareness.on('change', () => this.#update())

    // Local first: the stored copy is in the document before anything goes to the server.
    this.whenLocal = this.persistence.whenSynced.then(
      () => {
        if (this.#destroyed) return
        this.#update()
        if (this.options.isBrowserOnline()) this.provider.connect()
      },
      (error: unknown) => {
        reportStorageError(error, `the local copy of ${this.room}`)
        if (!this.#destroyed && this.options.isBrowserOnline()) this.provider.connect()
      },
    )
  }

  get status(): RoomStatus {
    return this.#status
  }

  get destroyed(): boolean {
    return this.#destroyed
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** Sets presence fields (e.g. `image`, and the editor's `cursor`) for others to see. */
  setPresence(fields: Partial<Omit<PresenceState, 'user'>>): void {
    for (const [key, value] of Object.entries(fields)) {
      this.awareness.setLocalStateField(key, value)
    }
  }

  /**
   * While the document is still loading: the stored preview of an image's shapes (a plain copy
   * written when the page was idle; it may be a little behind the document). Null once the
   * document is loaded (read it instead) or when no preview is stored. Applying the document
   * waits until `painted()` is called (at most 1 s), so the preview reaches the screen first.
   * Nothing can be edited from a preview: edits go through the document, once loaded.
   */
  async shapePreview(
    imageId: string,
  ): Promise<{ shapes: PreviewShape[]; painted: () => void } | null> {
    rememberPreviewHint(this.room, imageId)
    if (this.persistence.synced || this.#destroyed) return null
    const painted = this.holdLoad()
    const shapes = await readShapeSnapshot(this.persistence, imageId)
    if (!shapes || this.persistence.synced) {
      painted()
      return null
    }
    return { shapes, painted }
  }

  /**
   * Holds applying the stored document (at most `maxMs`) until the returned function is called:
   * for a caller that will ask for a `shapePreview` as soon as it knows which image to show
   * (e.g. once the project document names the job's images), or whose first paint of a preview
   * takes longer than `shapePreview`'s own 1 s (software WebGL). Nothing to hold once loaded.
   */
  holdLoad(maxMs = 1000): () => void {
    if (this.persistence.synced || this.#destroyed) return () => {}
    let release = () => {}
    const hold = new Promise<void>((resolve) => {
      release = resolve
      setTimeout(resolve, maxMs)
    })
    this.#previewHolds.add(hold)
    void hold.then(() => this.#previewHolds.delete(hold))
    return release
  }

  async #previewsPainted(): Promise<void> {
    while (this.#previewHolds.size > 0) await Promise.all([...this.#previewHolds])
  }

  /** Called by the hub when the browser goes on- or offline. */
  networkChanged(online: boolean): void {
    if (this.#destroyed) return
    if (online && this.#deniedReason === null) {
      void this.whenLocal.then(() => {
        if (!this.#destroyed) this.provider.connect()
      })
    } else if (!online) {
      this.provider.disconnect()
    }
    this.#update()
  }

  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.options.pendingStore.save(this.room, this.tracker)
    this.#detachPending()
    this.#stopSnapshots()
    this.#detachSending()
    this.#detachAnnounce()
    this.#detach()
    this.provider.destroy()
    this.awareness.destroy()
    void this.persistence.destroy()
    this.doc.destroy()
    this.#listeners.clear()
  }

  #queueSave(): void {
    if (this.#saveQueued) return
    this.#saveQueued = true
    queueMicrotask(() => {
      this.#saveQueued = false
      if (!this.#destroyed) this.options.pendingStore.save(this.room, this.tracker)
    })
  }

  #compute(): RoomStatus {
    const provider = this.provider
    const peers: Peer[] = []
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.doc.clientID) continue
      const user = (state as Partial<PresenceState>).user
      if (!user || typeof user.id !== 'string' || user.id === this.options.user.id) continue
      const image = (state as Partial<PresenceState>).image
      peers.push({
        userId: user.id,
        name: typeof user.name === 'string' ? user.name : 'Someone',
        color: typeof user.color === 'string' ? user.color : '#888888',
        clientId,
        ...(image && typeof image.id === 'string' ? { image } : {}),
      })
    }
    return {
      room: this.room,
      connection: connectionOf({
        browserOnline: this.options.isBrowserOnline(),
        deniedReason: this.#deniedReason,
        wsConnected: provider.wsconnected,
        synced: provider.synced,
        everSynced: this.#everSynced,
        failedAttempts: provider.wsUnsuccessfulReconnects,
      }),
      pending: this.tracker.pending,
      localSynced: this.persistence.synced,
      serverSynced: this.#everSynced,
      peers,
      ...((this.#deniedReason ?? this.#lastRejection)
        ? { error: this.#deniedReason ?? this.#lastRejection }
        : {}),
    }
  }

  #update(): void {
    if (this.#destroyed) return
    const next = this.#compute()
    const prev = this.#status
    if (
      prev.connection === next.connection &&
      prev.pending === next.pending &&
      prev.localSynced === next.localSynced &&
      prev.serverSynced === next.serverSynced &&
      prev.error === next.error &&
      samePeers(prev.peers, next.peers)
    ) {
      return
    }
    this.#status = next
    for (const fn of this.#listeners) fn()
  }
}

function samePeers(a: readonly Peer[], b: readonly Peer[]): boolean {
  if (a.length !== b.length) return false
  return a.every((p, i) => {
    const q = b[i]!
    return (
      p.clientId === q.clientId &&
      p.userId === q.userId &&
      p.name === q.name &&
      p.color === q.color &&
      p.image?.id === q.image?.id
    )
  })
}
