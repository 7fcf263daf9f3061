import Dexie from 'dexie'
import type { EntityTable } from 'dexie'

/** An image's bytes, by content address. */
export interface StoredBlob {
  sha256: string
  blob: Blob
  size: number
  type: string
  storedAt: number
}

/** A small preview of an image (made in the thumbnail worker). */
export interface StoredThumbnail {
  sha256: string
  blob: Blob
  width: number
  height: number
}

export type UploadState = 'queued' | 'failed'

/** One image waiting to be uploaded to a project (the queue survives reloads). */
export interface UploadTask {
  /** `<projectId>:<sha256>` */
  id: string
  projectId: string
  sha256: string
  name: string
  size: number
  state: UploadState
  attempts: number
  /** Epoch ms before which it is not retried. */
  nextAttemptAt: number
  /** Registered in the local project document: upload only once the server confirmed that. */
  registeredLocally: boolean
  createdAt: number
  error?: string
  /** Send alone: a batch it was in was refused as a whole. */
  solo?: boolean
}

/** Loupe's image store (documents live in y-indexeddb's own databases). */
export class LoupeDatabase extends Dexie {
  blobs!: EntityTable<StoredBlob, 'sha256'>
  thumbnails!: EntityTable<StoredThumbnail, 'sha256'>
  uploads!: EntityTable<UploadTask, 'id'>

  constructor(name = 'loupe-images') {
    super(name)
    this.version(1).stores({
      blobs: 'sha256',
      thumbnails: 'sha256',
      uploads: 'id, projectId, nextAttemptAt',
    })
  }
}

let shared: LoupeDatabase | null = null

/** The app's database (one per page). */
export function imageDatabase(): LoupeDatabase {
  shared ??= new LoupeDatabase()
  return shared
}

export const uploadTaskId = (projectId: string, sha256: string) => `${projectId}:${sha256}`
