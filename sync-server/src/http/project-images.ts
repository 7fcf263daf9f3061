import { Origin, ProjectDocument } from '@loupe/model'
import type { ImageRecord } from '@loupe/model'
import type { RoomAccess } from '../relay/room-access'

export interface ImageUpload {
  name: string
  sha256: string
  image: { width: number; height: number }
}

export type UploadedImage = Pick<
  ImageRecord,
  'id' | 'name' | 'sha256' | 'width' | 'height' | 'jobId'
>

/**
 * Registers uploaded images in the project document, one change: an image whose bytes the
 * project already has (same SHA-256) is not added again; its existing record is returned.
 * The result lists one record per upload, in upload order.
 */
export function registerImages(
  rooms: RoomAccess,
  room: string,
  uploads: readonly ImageUpload[],
): Promise<UploadedImage[]> {
  return rooms.change(room, (doc) => {
    const project = ProjectDocument.open(doc, { origin: Origin.server })
    const bySha = new Map<string, ImageRecord>()
    for (const image of project.listImages()) bySha.set(image.sha256, image)
    const fresh = new Map<string, ImageUpload>()
    for (const upload of uploads) {
      if (!bySha.has(upload.sha256) && !fresh.has(upload.sha256)) fresh.set(upload.sha256, upload)
    }
    const added = project.addImages(
      [...fresh.values()].map((u) => ({
        name: u.name,
        sha256: u.sha256,
        width: u.image.width,
        height: u.image.height,
      })),
    )
    for (const image of added) bySha.set(image.sha256, image)
    return uploads.map((upload) => {
      const { id, name, sha256, width, height, jobId } = bySha.get(upload.sha256)!
      return { id, name, sha256, width, height, jobId }
    })
  })
}
