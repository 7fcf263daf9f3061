import type { PendingTracker } from '@loupe/sync-protocol'
import type { TabLiveness } from './tabs'

/**
 * Where each room's PendingTracker snapshot is kept between page loads: localStorage, one entry
 * per room and tab (`loupe.pending.v2:<room>#<tabId>`), written at the end of the task that
 * changed the count, so a reload right after an edit while offline still shows the right count.
 *
 * Two tabs on one room each count their own changes in their own entry (one shared entry made
 * them overwrite each other, and a tab whose count fell to 0 deleted the other's). When a tab is
 * gone (TabLiveness), a tab with the room open takes its entry over; at start, entries of tabs
 * that are gone are taken over by the tab that reopens their rooms (`roomsWithPending`).
 */
const PREFIX = 'loupe.pending.v2:'
/** Before per-tab entries: one entry per room. Taken over by the first tab that opens the room. */
const LEGACY_PREFIX = 'loupe.pending.v1:'

const keyOf = (room: string, tabId: string) => `${PREFIX}${room}#${tabId}`

function parseKey(key: string): { room: string; tabId: string | null } | null {
  if (key.startsWith(LEGACY_PREFIX)) return { room: key.slice(LEGACY_PREFIX.length), tabId: null }
  if (!key.startsWith(PREFIX)) return null
  const rest = key.slice(PREFIX.length)
  const hash = rest.lastIndexOf('#')
  if (hash <= 0) return null
  return { room: rest.slice(0, hash), tabId: rest.slice(hash + 1) }
}

function keysOf(storage: Storage): string[] {
  const keys: string[] = []
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)
    if (key !== null) keys.push(key)
  }
  return keys
}

function readJson(storage: Storage, key: string): unknown {
  try {
    return JSON.parse(storage.getItem(key) ?? 'null')
  } catch {
    return null
  }
}

/** Rooms with changes still waiting for the server, in any tab, as last saved. */
export function roomsWithPending(storage: Storage): string[] {
  const rooms = new Set<string>()
  for (const key of keysOf(storage)) {
    const parsed = parseKey(key)
    if (parsed) rooms.add(parsed.room)
  }
  return [...rooms].sort()
}

export class PendingStore {
  constructor(
    private readonly storage: Storage,
    private readonly tabs: TabLiveness,
    private readonly win?: Window,
  ) {}

  get tabId(): string {
    return this.tabs.id
  }

  /** Saves this tab's count of `room` (removes the entry at 0). */
  save(room: string, tracker: PendingTracker): void {
    const key = keyOf(room, this.tabs.id)
    try {
      if (tracker.pending === 0) this.storage.removeItem(key)
      else this.storage.setItem(key, JSON.stringify(tracker.toJSON()))
    } catch (error) {
      console.warn('could not save the pending count', error)
    }
  }

  /**
   * Feeds `tracker` (this tab's, for `room`) with what other tabs leave behind: the legacy
   * shared entry now, and each other tab's entry once that tab is gone, then calls `onAdopt`.
   * Returns a detach.
   */
  attach(room: string, tracker: PendingTracker, onAdopt?: () => void): () => void {
    const watched = new Map<string, () => void>()
    const adopt = (key: string) => {
      const json = readJson(this.storage, key)
      if (json === null) return
      tracker.adopt(json)
      this.save(room, tracker)
      try {
        this.storage.removeItem(key)
      } catch {
        // nothing else to do: it will be adopted again (and confirmed again) next time
      }
      onAdopt?.()
    }
    const consider = (key: string) => {
      const parsed = parseKey(key)
      if (!parsed || parsed.room !== room || parsed.tabId === this.tabs.id) return
      if (parsed.tabId === null) {
        adopt(key)
      } else if (!watched.has(parsed.tabId)) {
        watched.set(
          parsed.tabId,
          this.tabs.whenGone(parsed.tabId, () => {
            watched.delete(parsed.tabId!)
            adopt(key)
          }),
        )
      }
    }
    // This tab's own entry (a reload keeps the tab's id): counted again at once.
    let own: unknown = readJson(this.storage, keyOf(room, this.tabs.id))
    if (own !== null) tracker.adopt(own)
    const stopRename = this.tabs.onIdChange((previousId) => {
      // that id belongs to another live tab (this one is a duplicate) or to the page this one
      // replaced: what was read from its entry is that tab's, taken over only once it is gone
      if (own !== null) tracker.forget(own)
      own = null
      this.save(room, tracker)
      consider(keyOf(room, previousId))
    })
    for (const key of keysOf(this.storage)) consider(key)
    const onStorage = (event: StorageEvent) => {
      if (event.key && event.newValue !== null && event.storageArea === this.storage) {
        consider(event.key)
      }
    }
    this.win?.addEventListener('storage', onStorage)
    return () => {
      stopRename()
      this.win?.removeEventListener('storage', onStorage)
      for (const cancel of watched.values()) cancel()
      watched.clear()
    }
  }
}
