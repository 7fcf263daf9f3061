import type { StoredRoom } from '../storage/types'
import type { ClientOwnership } from './client-ownership'
import type { FanOut } from './fanout'
import type { ClusterLock } from './lock'

/** What a relay room needs to be one replica among several instances (cluster mode). */
export interface RoomCluster {
  fanout: FanOut
  lock: ClusterLock
  /** Which socket owns each Yjs client id of a room, across the instances. */
  owners: ClientOwnership
  /** Log entries stored after `afterSeq` (`lastSeq` is `afterSeq` when there are none). */
  loadSince(room: string, afterSeq: number): Promise<StoredRoom>
  /** A gap in the received sequence numbers lasting this long is filled from storage. */
  gapMs: number
  /** Expiry of the compaction lock (a holder that dies frees it after this). */
  compactionLockMs: number
}

/** The origin of document and awareness changes that came from another instance. */
export const REMOTE_ORIGIN = 'remote' as const
