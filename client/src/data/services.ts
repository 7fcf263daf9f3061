import { projectRoom } from '@loupe/sync-protocol'
import type { DocumentHub } from '../sync/hub'
import { roomsWithPending } from '../sync/pending-store'
import { BlobStore } from './blobs'
import { imageDatabase } from './db'
import type { LoupeDatabase } from './db'
import { ThumbnailMaker } from './thumbnails'
import { UploadQueue } from './upload-queue'

/** The image side of the app: local store, downloads, thumbnails, background uploads. */
export interface ImageServices {
  db: LoupeDatabase
  blobs: BlobStore
  thumbnails: ThumbnailMaker
  uploads: UploadQueue
  destroy(): void
}

export function createImageServices(options: {
  token: string
  hub: DocumentHub
  storage: Storage
  window: Window
}): ImageServices {
  const { hub, storage, window: win } = options
  const db = imageDatabase()
  const registrationConfirmed = (projectId: string) => {
    const room = projectRoom(projectId)
    const session = hub.peek(room)
    if (session) return session.status.serverSynced && session.status.pending === 0
    // closed rooms linger until confirmed; one with a saved count is still waiting
    return !roomsWithPending(storage).includes(room)
  }
  const uploads = new UploadQueue({
    db,
    token: options.token,
    isOnline: () => win.navigator.onLine,
    registrationConfirmed,
  })
  const blobs = new BlobStore(db, options.token)
  const thumbnails = new ThumbnailMaker(db)

  // Uploads wait for the network and for project registrations to reach the server.
  let last = ''
  const unsubscribe = hub.subscribe(() => {
    const { pending, connection } = hub.status
    const key = `${connection}:${pending}`
    if (key !== last) {
      last = key
      void uploads.kick()
    }
  })
  const onOnline = () => void uploads.kick()
  win.addEventListener('online', onOnline)
  void uploads.kick()

  return {
    db,
    blobs,
    thumbnails,
    uploads,
    destroy() {
      unsubscribe()
      win.removeEventListener('online', onOnline)
      uploads.stop()
      thumbnails.terminate()
    },
  }
}
