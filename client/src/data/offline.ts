import type { ProjectDocument } from '@loupe/model'
import { jobRoom } from '@loupe/sync-protocol'
import type { DocumentHub } from '../sync/hub'
import type { BlobStore } from './blobs'
import type { ThumbnailMaker } from './thumbnails'

export interface OfflineProgress {
  jobsDone: number
  jobsTotal: number
  imagesDone: number
  imagesTotal: number
  /** Images that could not be fetched (e.g. not uploaded yet by whoever added them). */
  failed: { name: string; reason: string }[]
  phase: 'documents' | 'images' | 'done' | 'cancelled'
}

export interface OfflineDeps {
  hub: DocumentHub
  blobs: BlobStore
  thumbnails: ThumbnailMaker
  projectId: string
  project: ProjectDocument
  signal: AbortSignal
  onProgress: (progress: OfflineProgress) => void
  /** Parallel image downloads. */
  concurrency?: number
}

const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })

/** Resolves when a room has synced with the server (or rejects when it is refused). */
function whenServerSynced(hub: DocumentHub, room: string, signal: AbortSignal): Promise<void> {
  const session = hub.acquire(room)
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      const { status } = session
      if (status.serverSynced && status.localSynced) done(resolve)
      else if (status.connection === 'denied') done(() => reject(new Error(status.error)))
    }
    const onAbort = () => done(() => reject(signal.reason))
    const unsubscribe = session.subscribe(check)
    const done = (fn: () => void) => {
      unsubscribe()
      signal.removeEventListener('abort', onAbort)
      hub.release(room)
      fn()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    if (signal.aborted) return onAbort()
    check()
  })
}

/**
 * "Make this project available offline": syncs every job document into IndexedDB and
 * downloads every image blob (and thumbnail), with progress; stops when `signal` aborts.
 */
export async function makeProjectAvailableOffline(deps: OfflineDeps): Promise<OfflineProgress> {
  const { hub, project, signal } = deps
  const jobs = project.listJobs()
  const images = project.listImages()
  const progress: OfflineProgress = {
    jobsDone: 0,
    jobsTotal: jobs.length,
    imagesDone: 0,
    imagesTotal: images.length,
    failed: [],
    phase: 'documents',
  }
  const report = () => deps.onProgress({ ...progress, failed: [...progress.failed] })
  report()
  try {
    for (const job of jobs) {
      await Promise.race([
        whenServerSynced(hub, jobRoom(deps.projectId, job.id), signal),
        aborted(signal),
      ])
      progress.jobsDone++
      report()
    }
    progress.phase = 'images'
    report()
    let next = 0
    const worker = async () => {
      while (next < images.length) {
        signal.throwIfAborted()
        const image = images[next++]!
        try {
          await deps.blobs.get(image.sha256, signal)
          await deps.thumbnails.ensure(image.sha256).catch(() => null)
        } catch (error) {
          if (signal.aborted) throw error
          progress.failed.push({
            name: image.name,
            reason: error instanceof Error ? error.message : String(error),
          })
        }
        progress.imagesDone++
        report()
      }
    }
    await Promise.all(Array.from({ length: deps.concurrency ?? 4 }, worker))
    progress.phase = 'done'
  } catch (error) {
    if (!signal.aborted) throw error
    progress.phase = 'cancelled'
  }
  report()
  return progress
}
