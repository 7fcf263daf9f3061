// Job documents for import and export, through the document hub: a room is opened (its IndexedDB
// copy loads first), then given time to sync with the server when there is one. Offline, what
// this device holds is what there is; a job it never received is reported by name.

import { jobRoom } from '@loupe/sync-protocol'
import type { DocumentHub } from '../sync/hub'
import type { RoomSession } from '../sync/room'
import type { RoomStatus } from '../sync/status'

/**
 * `ready`: the document is here (synced, or this device's copy when offline); `empty`: the server
 * confirmed that nobody has written this job's document yet; `missing`: this device does not
 * have it and cannot get it now (offline, or refused).
 */
export type JobDocumentState = 'ready' | 'empty' | 'missing'

export interface JobDocumentHandle {
  jobId: string
  session: RoomSession
  state: JobDocumentState
  /** For `missing`: why. */
  reason?: string
  /** Gives the room back to the hub (which keeps it open while changes wait for the server). */
  release(): void
}

export interface OpenOptions {
  signal?: AbortSignal
  /** How long to wait for the server when online (default 15 s); then the local copy is used. */
  serverWaitMs?: number
}

const hasSchema = (session: RoomSession) => session.doc.getMap('meta').has('schemaVersion')

/** Loaded locally and synced, or unable to sync (offline, refused). */
export function settled(status: RoomStatus): boolean {
  if (!status.localSynced) return false
  return status.serverSynced || status.connection === 'offline' || status.connection === 'denied'
}

/** Opens a job's room and waits until it has come as far as it can. */
export async function openJobDocument(
  hub: DocumentHub,
  projectId: string,
  jobId: string,
  options: OpenOptions = {},
): Promise<JobDocumentHandle> {
  const room = jobRoom(projectId, jobId)
  const session = hub.acquire(room)
  let released = false
  const release = () => {
    if (released) return
    released = true
    hub.release(room)
  }
  try {
    await waitUntil(session, settled, options)
  } catch (error) {
    release()
    throw error
  }
  const status = session.status
  const base = { jobId, session, release }
  if (hasSchema(session)) return { ...base, state: 'ready' }
  if (status.serverSynced) return { ...base, state: 'empty' }
  return {
    ...base,
    state: 'missing',
    reason:
      status.connection === 'denied'
        ? (status.error ?? 'the server refused access')
        : 'not on this device',
  }
}

/** Resolves when `done(status)` holds, the wait times out, or rejects when `signal` aborts. */
function waitUntil(
  session: RoomSession,
  done: (status: RoomStatus) => boolean,
  options: OpenOptions,
): Promise<void> {
  const { signal } = options
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let finished = false
    const finish = (fn: () => void) => {
      if (finished) return
      finished = true
      unsubscribe()
      if (timer) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const check = () => {
      if (done(session.status)) finish(resolve)
    }
    const onAbort = () => finish(() => reject(signal?.reason ?? new Error('cancelled')))
    const unsubscribe = session.subscribe(check)
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    // The local copy always loads; only the wait for the server is bounded.
    void session.whenLocal.then(() => {
      if (finished) return
      timer = setTimeout(() => finish(resolve), options.serverWaitMs ?? 15_000)
      check()
    })
    check()
  })
}

/** Opens several jobs' documents, a few at a time, reporting each one done. */
export async function openJobDocuments(
  hub: DocumentHub,
  projectId: string,
  jobIds: readonly string[],
  options: OpenOptions & { onOpened?: (done: number, total: number) => void } = {},
): Promise<JobDocumentHandle[]> {
  const handles: JobDocumentHandle[] = new Array<JobDocumentHandle>(jobIds.length)
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < jobIds.length) {
      options.signal?.throwIfAborted()
      const index = next++
      handles[index] = await openJobDocument(hub, projectId, jobIds[index]!, options)
      options.onOpened?.(++done, jobIds.length)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(4, jobIds.length) }, worker))
  } catch (error) {
    for (const handle of handles) handle?.release()
    throw error
  }
  return handles
}
