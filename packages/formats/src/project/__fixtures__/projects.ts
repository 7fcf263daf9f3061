// Projects for the glue tests: real Yjs documents written through the model, and helpers to
// apply an import plan the way the server does (project room first, then job rooms).

import { encode } from 'fast-png'
import * as Y from 'yjs'
import { JobDocument, ProjectDocument, type LabelInput } from '@loupe/model'
import { sha256Hex } from '@loupe/imaging'
import type { ImportPlan } from '../types'

export const PROJECT_ID = 'p1'

/** A small real PNG (solid colour, so different seeds give different bytes). */
export function png(width: number, height: number, seed = 0): Uint8Array {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = (seed * 37 + i) % 251
  return encode({ width, height, data, channels: 3, depth: 8 })
}

export async function sha(bytes: Uint8Array): Promise<string> {
  return sha256Hex(bytes)
}

export interface TestProject {
  projectDoc: Y.Doc
  jobDocs: Map<string, Y.Doc>
  project: ProjectDocument
  /** The job document wrapper of a job (opened on its doc, creating the doc if needed). */
  job(jobId: string): JobDocument
}

export async function makeProject(
  options: {
    labels?: LabelInput[]
    images?: { name: string; width?: number; height?: number; bytes?: Uint8Array }[]
    jobSize?: number
  } = {},
): Promise<TestProject> {
  const projectDoc = new Y.Doc()
  const project = ProjectDocument.create(projectDoc, { name: 'Test', labels: options.labels ?? [] })
  const images = await Promise.all(
    (options.images ?? []).map(async (image, i) => ({
      name: image.name,
      sha256: await sha(image.bytes ?? png(4, 4, 1000 + i)),
      width: image.width ?? 100,
      height: image.height ?? 80,
    })),
  )
  if (images.length > 0) project.addImages(images, { jobSize: options.jobSize })
  const jobDocs = new Map<string, Y.Doc>()
  for (const job of project.listJobs()) {
    const doc = new Y.Doc()
    JobDocument.create(doc, { projectId: PROJECT_ID, jobId: job.id }, project)
    jobDocs.set(job.id, doc)
  }
  return {
    projectDoc,
    jobDocs,
    project,
    job(jobId) {
      let doc = jobDocs.get(jobId)
      if (!doc) {
        doc = new Y.Doc()
        jobDocs.set(jobId, doc)
        return JobDocument.create(doc, { projectId: PROJECT_ID, jobId }, project)
      }
      return JobDocument.open(doc, project)
    },
  }
}

/** Applies a plan's updates to the test project's documents (new job rooms get new docs). */
export function applyPlan(target: TestProject, plan: ImportPlan): void {
  for (const { room, update, jobId } of plan.updates) {
    if (room === `project/${PROJECT_ID}`) {
      Y.applyUpdate(target.projectDoc, update)
      continue
    }
    if (!jobId || room !== `job/${PROJECT_ID}/${jobId}`) throw new Error(`unexpected room ${room}`)
    let doc = target.jobDocs.get(jobId)
    if (!doc) target.jobDocs.set(jobId, (doc = new Y.Doc()))
    Y.applyUpdate(doc, update)
  }
}

/** Every document's full state, to assert that nothing changed. */
export function snapshot(target: TestProject): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [['project', Y.encodeStateAsUpdate(target.projectDoc)]]
  for (const [id, doc] of [...target.jobDocs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push([id, Y.encodeStateAsUpdate(doc)])
  }
  return out
}
