/** How one room's socket stands. `denied`: the server closed it for good (4401/4403/...). */
export type Connection = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'denied'

/** Someone else in a room, from awareness. */
export interface Peer {
  /** The person's stable id (LocalUser.id), so one person in two rooms shows once. */
  userId: string
  name: string
  color: string
  /** The image they are looking at, when they are in a job. */
  image?: { id: string; name: string }
  /** Awareness client id (Yjs) of this state. */
  clientId: number
}

export interface RoomStatus {
  room: string
  connection: Connection
  /** Local changes the server has not confirmed as durable. */
  pending: number
  /** The IndexedDB copy is loaded into the document. */
  localSynced: boolean
  /** The document has synced with the server at least once since it was opened. */
  serverSynced: boolean
  peers: readonly Peer[]
  /** Why the server refused the connection (for `denied`), or the last rejected write. */
  error?: string
}

export interface SyncStatus {
  connection: Connection
  pending: number
  peers: readonly Peer[]
  rooms: readonly RoomStatus[]
  /** Refused connections (and, from the hub, rejected writes), newest last. */
  errors: readonly string[]
}

/** What a socket looks like from the provider's fields, plus the browser's online flag. */
export interface ConnectionFacts {
  browserOnline: boolean
  deniedReason: string | null
  wsConnected: boolean
  synced: boolean
  everSynced: boolean
  failedAttempts: number
}

/**
 * Failed attempts in a row after which a server that never answers counts as offline: with
 * y-websocket's backoff (100 ms doubling, capped at 2.5 s) that is about ten seconds of
 * "Reconnecting…" first.
 */
export const OFFLINE_AFTER_FAILURES = 8

export function connectionOf(facts: ConnectionFacts): Connection {
  if (facts.deniedReason !== null) return 'denied'
  if (!facts.browserOnline) return 'offline'
  if (facts.wsConnected && facts.synced) return 'online'
  if (facts.wsConnected) return facts.everSynced ? 'reconnecting' : 'connecting'
  if (facts.failedAttempts >= OFFLINE_AFTER_FAILURES) return 'offline'
  if (facts.everSynced || facts.failedAttempts > 0) return 'reconnecting'
  return 'connecting'
}

const SEVERITY: Record<Connection, number> = {
  online: 0,
  connecting: 1,
  reconnecting: 2,
  offline: 3,
  denied: 4,
}

/** The app-wide status: the worst connection, all pending changes, everyone else once. */
export function combineStatus(rooms: readonly RoomStatus[], browserOnline: boolean): SyncStatus {
  let connection: Connection = browserOnline ? 'online' : 'offline'
  let pending = 0
  const peers = new Map<string, Peer>()
  const errors: string[] = []
  for (const room of rooms) {
    if (SEVERITY[room.connection] > SEVERITY[connection]) connection = room.connection
    pending += room.pending
    for (const peer of room.peers) {
      const known = peers.get(peer.userId)
      // prefer the state that says which image they are on
      if (!known || (!known.image && peer.image)) peers.set(peer.userId, peer)
    }
    if (room.error && room.connection === 'denied') errors.push(room.error)
  }
  const sortedPeers = [...peers.values()].sort((a, b) => a.name.localeCompare(b.name))
  return { connection, pending, peers: sortedPeers, rooms, errors }
}

/** The indicator's words: "Online · all saved", "Offline · 3 changes waiting", ... */
export function describeStatus(status: Pick<SyncStatus, 'connection' | 'pending'>): string {
  const waiting =
    status.pending === 0
      ? 'all saved'
      : `${status.pending} ${status.pending === 1 ? 'change' : 'changes'} waiting`
  switch (status.connection) {
    case 'online':
      return status.pending === 0 ? 'Online · all saved' : `Online · saving ${status.pending}…`
    case 'connecting':
      return status.pending === 0 ? 'Connecting…' : `Connecting… · ${waiting}`
    case 'reconnecting':
      return status.pending === 0 ? 'Reconnecting…' : `Reconnecting… · ${waiting}`
    case 'offline':
      return status.pending === 0 ? 'Offline · all saved here' : `Offline · ${waiting}`
    case 'denied':
      return status.pending === 0 ? 'Access refused' : `Access refused · ${waiting}`
  }
}
