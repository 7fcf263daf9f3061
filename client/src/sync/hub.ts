import type { Rejection } from '@loupe/sync-protocol'
import type { LocalUser } from './identity'
import { PendingStore, roomsWithPending } from './pending-store'
import { RoomSession } from './room'
import type { LocalStoreOptions } from './local-store'
import { tabLiveness } from './tabs'
import type { TabLiveness } from './tabs'
import { combineStatus } from './status'
import type { SyncStatus } from './status'

export interface HubOptions {
  /** `ws(s)://host/sync` */
  wsUrl: string
  token: string
  user: LocalUser
  storage: Storage
  /** The browser window (online/offline events); omitted in tests. */
  window?: Window
  /** How long a released room with nothing pending stays open, in case it is opened again. */
  lingerMs?: number
  /** Which tabs are open (default: Web Locks). */
  tabs?: TabLiveness
  /** Options of each room's IndexedDB copy. */
  localStore?: LocalStoreOptions
}

interface Entry {
  session: RoomSession
  refs: number
  timer: ReturnType<typeof setTimeout> | null
  unsubscribe: () => void
}

/**
 * Every open document of the app, by room name, reference-counted. A room released with
 * changes still waiting stays connected until the server confirms them; rooms that had waiting
 * changes when the page was last closed are reopened at start so they get sent.
 */
export class DocumentHub {
  #entries = new Map<string, Entry>()
  #listeners = new Set<() => void>()
  #status: SyncStatus
  #user: LocalUser
  #rejections: string[] = []
  #destroyed = false
  #cleanup: (() => void)[] = []
  readonly #tabs: TabLiveness
  readonly #pending: PendingStore

  constructor(private readonly options: HubOptions) {
    this.#user = options.user
    this.#tabs = options.tabs ?? tabLiveness()
    this.#pending = new PendingStore(options.storage, this.#tabs, options.window)
    this.#cleanup.push(() => this.#tabs.destroy())
    this.#status = combineStatus([], this.#browserOnline())
    const win = options.window
    if (win) {
      const onNetwork = () => {
        const online = this.#browserOnline()
        for (const { session } of this.#entries.values()) session.networkChanged(online)
        this.#recompute()
      }
      win.addEventListener('online', onNetwork)
      win.addEventListener('offline', onNetwork)
      this.#cleanup.push(() => {
        win.removeEventListener('online', onNetwork)
        win.removeEventListener('offline', onNetwork)
      })
    }
  }

  get user(): LocalUser {
    return this.#user
  }

  /** Opens (or shares) a room. Pair every call with `release(room)`. */
  acquire(room: string): RoomSession {
    if (this.#destroyed) throw new Error('the document hub is closed')
    let entry = this.#entries.get(room)
    if (!entry) {
      const session = new RoomSession({
        room,
        wsUrl: this.options.wsUrl,
        token: this.options.token,
        user: this.#user,
        pendingStore: this.#pending,
        ...(this.options.localStore ? { localStore: this.options.localStore } : {}),
        isBrowserOnline: () => this.#browserOnline(),
        onRejection: (r, rejection) => this.#rejected(r, rejection),
      })
      entry = {
        session,
        refs: 0,
        timer: null,
        unsubscribe: session.subscribe(() => this.#sessionChanged(room)),
      }
      this.#entries.set(room, entry)
      this.#recompute()
    }
    entry.refs++
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    return entry.session
  }

  release(room: string): void {
    const entry = this.#entries.get(room)
    if (!entry || entry.refs === 0) return
    entry.refs--
    this.#maybeClose(room, entry)
  }

  /** The session of a room if it is open (without taking a reference). */
  peek(room: string): RoomSession | undefined {
    return this.#entries.get(room)?.session
  }

  /** Reopens rooms whose changes were waiting when the page was closed, to send them. */
  resumePending(): string[] {
    const rooms = roomsWithPending(this.options.storage)
    for (const room of rooms) {
      this.acquire(room)
      this.release(room)
    }
    return rooms
  }

  /** Changes the name/colour others see, in every open room. */
  setUser(user: LocalUser): void {
    this.#user = user
    for (const { session } of this.#entries.values()) {
      session.awareness.setLocalStateField('user', {
        id: user.id,
        name: user.name,
        color: user.color,
      })
    }
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  get status(): SyncStatus {
    return this.#status
  }

  dismissErrors(): void {
    this.#rejections = []
    this.#recompute()
  }

  destroy(): void {
    this.#destroyed = true
    for (const entry of this.#entries.values()) {
      if (entry.timer) clearTimeout(entry.timer)
      entry.unsubscribe()
      entry.session.destroy()
    }
    this.#entries.clear()
    // last: other tabs may take over this tab's saved counts once its lock is released
    for (const fn of this.#cleanup) fn()
    this.#listeners.clear()
  }

  #browserOnline(): boolean {
    return this.options.window ? this.options.window.navigator.onLine : true
  }

  #rejected(room: string, rejection: Rejection): void {
    this.#rejections = [
      ...this.#rejections.slice(-4),
      `${room}: the server refused a change (${rejection.message})`,
    ]
    this.#recompute()
  }

  #sessionChanged(room: string): void {
    const entry = this.#entries.get(room)
    if (entry) this.#maybeClose(room, entry)
    this.#recompute()
  }

  #maybeClose(room: string, entry: Entry): void {
    if (entry.refs > 0 || entry.timer || entry.session.status.pending > 0) return
    entry.timer = setTimeout(() => {
      entry.timer = null
      if (entry.refs > 0 || entry.session.status.pending > 0) return
      entry.unsubscribe()
      entry.session.destroy()
      this.#entries.delete(room)
      this.#recompute()
    }, this.options.lingerMs ?? 3000)
  }

  #recompute(): void {
    if (this.#destroyed) return
    const rooms = [...this.#entries.values()].map((e) => e.session.status)
    const status = combineStatus(rooms, this.#browserOnline())
    const errors = [...status.errors, ...this.#rejections]
    this.#status = { ...status, errors }
    for (const fn of this.#listeners) fn()
  }
}
