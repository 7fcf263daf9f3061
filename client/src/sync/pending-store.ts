import { PendingTracker } from '@loupe/sync-protocol'

/**
 * Where each room's PendingTracker snapshot is kept between page loads: localStorage, written
 * synchronously (well, at the end of the current task) so a reload right after an edit while
 * offline still shows the right count.
 */
const PREFIX = 'loupe.pending.v1:'

export function loadTracker(storage: Storage, room: string): PendingTracker {
  try {
    return PendingTracker.fromJSON(JSON.parse(storage.getItem(PREFIX + room) ?? 'null'))
  } catch {
    return new PendingTracker()
  }
}

export function saveTracker(storage: Storage, room: string, tracker: PendingTracker): void {
  try {
    if (tracker.pending === 0) storage.removeItem(PREFIX + room)
    else storage.setItem(PREFIX + room, JSON.stringify(tracker.toJSON()))
  } catch (error) {
    console.warn('could not save the pending count', error)
  }
}

/** Rooms whose changes were still waiting for the server when the page last saved them. */
export function roomsWithPending(storage: Storage): string[] {
  const rooms: string[] = []
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)
    if (key?.startsWith(PREFIX)) rooms.push(key.slice(PREFIX.length))
  }
  return rooms.sort()
}
