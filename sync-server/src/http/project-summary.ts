import { ProjectDocument } from '@loupe/model'
import { projectRoom } from '@loupe/sync-protocol'
import type { RoomAccess } from '../relay/room-access'

/** What `GET /api/projects/:id` adds to the project record, read from the project document. */
export function readProjectSummary(rooms: RoomAccess, projectId: string) {
  return rooms.read(projectRoom(projectId), (doc) => {
    const project = ProjectDocument.open(doc)
    const images = project.listImages()
    const perJob = new Map<string, number>()
    for (const image of images) perJob.set(image.jobId, (perJob.get(image.jobId) ?? 0) + 1)
    return {
      labels: project.listLabels(),
      imageCount: images.length,
      jobs: project.listJobs().map((job) => ({ ...job, imageCount: perJob.get(job.id) ?? 0 })),
    }
  })
}
