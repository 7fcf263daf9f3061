import { expect } from 'vitest'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { jobRoom, projectRoom } from '@loupe/sync-protocol'
import * as Y from 'yjs'
import { createProject, upload } from '../api/harness'
import type { TestServer } from '../api/harness'
import { png } from '../api/image-bytes'

export interface SeededProject {
  id: string
  token: string
  jobId: string
  imageIds: string[]
  labels: Record<string, string>
}

/**
 * A project with labels gull (rectangles) and tern, three PNG images in one job, and shapes on
 * the first two: alice drew two gulls on image 0, bob one tern on image 1 (image 2 is bare).
 */
export async function seedProject(t: TestServer, name = 'Birds'): Promise<SeededProject> {
  const project = await createProject(t, {
    name,
    labels: [{ name: 'gull', type: 'rectangle' }, { name: 'tern' }],
  })
  const res = await upload(t, project.id, project.token, [
    { name: 'a.png', bytes: png(64, 48, 1) },
    { name: 'b.png', bytes: png(64, 48, 2) },
    { name: 'c.png', bytes: png(64, 48, 3) },
  ])
  expect(res.status).toBe(201)
  const imageIds: string[] = res.json.images.map((i: { id: string }) => i.id)
  const jobId: string = res.json.images[0].jobId
  const state = await t.server.relay.read(projectRoom(project.id), (doc) =>
    Y.encodeStateAsUpdate(doc),
  )
  const projectDoc = new Y.Doc()
  Y.applyUpdate(projectDoc, state)
  const model = ProjectDocument.open(projectDoc)
  const labels = Object.fromEntries(model.listLabels().map((l) => [l.name, l.id]))
  const draw = (userId: string, fn: (job: JobDocument) => void) =>
    t.server.relay.change(jobRoom(project.id, jobId), (doc) => {
      const job =
        doc.getMap('meta').size === 0
          ? JobDocument.create(doc, { projectId: project.id, jobId }, model, { userId })
          : JobDocument.open(doc, model, { userId })
      fn(job)
    })
  await draw('alice', (job) => {
    for (const x of [2, 20]) {
      job.addShape({
        imageId: imageIds[0]!,
        labelId: labels.gull!,
        type: 'rectangle',
        points: [x, 2, x + 10, 12],
      })
    }
  })
  await draw('bob', (job) => {
    job.addShape({
      imageId: imageIds[1]!,
      labelId: labels.tern!,
      type: 'polygon',
      points: [1, 1, 10, 1, 5, 9],
    })
  })
  return { id: project.id, token: project.token, jobId, imageIds, labels }
}
