import { DEFAULT_JOB_SIZE } from '@loupe/model'
import type { ImageInput, ProjectDocument } from '@loupe/model'
import { permissions } from '../app/session'
import type { Role } from '../app/session'
import { reportStorageError } from '../sync/storage-errors'
import type { LoupeDatabase } from './db'
import { sha256Hex } from './hash'
import type { ThumbnailMaker } from './thumbnails'
import type { UploadQueue } from './upload-queue'

const IMAGE_NAME = /\.(jpe?g|png|webp|gif|bmp|tiff?|avif|heic)$/i

export interface AddImagesDeps {
  db: LoupeDatabase
  queue: UploadQueue
  thumbnails: ThumbnailMaker
  projectId: string
  project: ProjectDocument
  role: Role
}

export interface AddImagesProgress {
  total: number
  processed: number
  skipped: { name: string; reason: string }[]
}

export interface AddImagesResult extends AddImagesProgress {
  /** Images now in the project document (new or already there). */
  registered: number
  /** Images that will appear once the server registers them (uploads by annotators). */
  registeredByServer: number
}

/** Width and height as displayed (EXIF orientation applied, as the server reads them). */
export async function readImageSize(blob: Blob): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(blob)
  try {
    return { width: bitmap.width, height: bitmap.height }
  } finally {
    bitmap.close()
  }
}

/**
 * Whether these images can be registered in the local project document under this role: a
 * manager always; an annotator may write only `images`, so only when the newest job has room
 * (a new job would be refused by the relay) — otherwise the server registers them on upload.
 */
export function canRegisterLocally(project: ProjectDocument, role: Role, count: number): boolean {
  if (permissions(role).manage) return true
  if (!permissions(role).addImages) return false
  const jobs = project.listJobs()
  const newest = jobs[jobs.length - 1]
  if (!newest) return false
  return project.jobImages(newest.id).length + count <= DEFAULT_JOB_SIZE
}

/**
 * Adds image files: hash, measure, store the bytes in Dexie at once, register them in the
 * project document (works offline), queue the upload and make thumbnails in the worker.
 */
export async function addImageFiles(
  files: readonly File[],
  deps: AddImagesDeps,
  onProgress?: (progress: AddImagesProgress) => void,
): Promise<AddImagesResult> {
  const progress: AddImagesProgress = { total: files.length, processed: 0, skipped: [] }
  const ready: (ImageInput & { size: number })[] = []
  const seen = new Set<string>()
  for (const file of files) {
    try {
      if (!file.type.startsWith('image/') && !IMAGE_NAME.test(file.name)) {
        throw new Error('not an image file')
      }
      const sha256 = await sha256Hex(file)
      let size: { width: number; height: number }
      try {
        size = await readImageSize(file)
      } catch {
        throw new Error('this browser cannot decode it')
      }
      try {
        await deps.db.blobs.put({
          sha256,
          blob: file,
          size: file.size,
          type: file.type,
          storedAt: Date.now(),
        })
      } catch (error) {
        reportStorageError(error, `the image ${file.name}`)
        throw new Error('it could not be stored on this device')
      }
      const name = file.name.trim().slice(0, 256) || `${sha256.slice(0, 12)}.img`
      if (!seen.has(`${sha256}/${name}`)) {
        seen.add(`${sha256}/${name}`)
        ready.push({ name, sha256, width: size.width, height: size.height, size: file.size })
      }
    } catch (error) {
      progress.skipped.push({
        name: file.name,
        reason: error instanceof Error ? error.message : String(error),
      })
    }
    progress.processed++
    onProgress?.({ ...progress, skipped: [...progress.skipped] })
  }

  const local = ready.length > 0 && canRegisterLocally(deps.project, deps.role, ready.length)
  if (local) {
    deps.project.addImages(
      ready.map(({ name, sha256, width, height }) => ({ name, sha256, width, height })),
    )
  }
  if (ready.length > 0) {
    await deps.queue.enqueue(
      deps.projectId,
      ready.map(({ sha256, name, size }) => ({ sha256, name, size })),
      local,
    )
  }
  for (const image of ready) {
    deps.thumbnails.ensure(image.sha256).catch((error: unknown) => console.warn(error))
  }
  return {
    ...progress,
    registered: local ? ready.length : 0,
    registeredByServer: local ? 0 : ready.length,
  }
}
