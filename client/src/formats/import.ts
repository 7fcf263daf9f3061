// An import in the browser: the worker reads the files and plans every change on scratch copies
// of the documents (all validation happens there); only a complete plan is applied here, to the
// live documents, so they persist to IndexedDB and sync. A malformed file, a cancel, or a job
// this device lacks leaves the project exactly as it was.

import * as Y from 'yjs'
import { Origin } from '@loupe/model'
import type { ProjectDocument } from '@loupe/model'
import { jobRoom, projectRoom } from '@loupe/sync-protocol'
import type { ImportPlan, ImportSummary } from '@loupe/formats'
import { permissions } from '../app/session'
import type { Role } from '../app/session'
import type { ImageServices } from '../data/services'
import type { DocumentHub } from '../sync/hub'
import type { DetectedFormat, ImportSource } from '../../../worker/src/formats-protocol'
import { FormatsTaskError } from './client'
import type { FormatsClient, JobState, TaskProgress } from './client'
import { openJobDocument } from './documents'
import { formatBytes } from './files'
import type { JobDocumentHandle } from './documents'

export interface ImportDeps {
  hub: DocumentHub
  images: Pick<ImageServices, 'db' | 'uploads' | 'thumbnails'>
  client: FormatsClient
  projectId: string
  /** The live project document (the one the page shows). */
  project: ProjectDocument
  role: Role
}

export interface ImportRequest {
  source: ImportSource
  format: DetectedFormat['id'] | 'auto'
}

export interface ImportOutcome {
  format: DetectedFormat
  summary: ImportSummary
  report: string[]
  /** False when the project already held everything in the files. */
  changed: boolean
}

/** The job documents an import opened, kept until its plan is applied. */
class OpenedJobs {
  #handles = new Map<string, JobDocumentHandle>()

  constructor(
    private readonly deps: ImportDeps,
    private readonly names: ReadonlyMap<string, string>,
  ) {}

  /** The state of a job's document for the worker (an empty one for a job the import creates). */
  async load(jobId: string, signal: AbortSignal): Promise<JobState> {
    if (!this.names.has(jobId)) return { state: Y.encodeStateAsUpdate(new Y.Doc()) }
    const handle = await this.open(jobId, signal)
    if (handle.state === 'missing') {
      const name = this.names.get(jobId) ?? jobId
      return {
        state: null,
        reason: `${name} is ${handle.reason ?? 'not on this device'}, so the import cannot tell what it already holds: connect once, or make the project available offline, and import again`,
      }
    }
    return { state: Y.encodeStateAsUpdate(handle.session.doc) }
  }

  /** Opens a job's room; a job new to this import (`local`) needs only its (empty) local copy. */
  async open(jobId: string, signal?: AbortSignal, local = false): Promise<JobDocumentHandle> {
    let handle = this.#handles.get(jobId)
    if (!handle) {
      handle = await openJobDocument(this.deps.hub, this.deps.projectId, jobId, {
        ...(signal ? { signal } : {}),
        ...(local ? { serverWaitMs: 0 } : {}),
      })
      const existing = this.#handles.get(jobId)
      if (existing) {
        handle.release()
        return existing
      }
      this.#handles.set(jobId, handle)
    }
    return handle
  }

  releaseAll(): void {
    for (const handle of this.#handles.values()) handle.release()
    this.#handles.clear()
  }
}

/** Why this role may not apply this plan (the relay would refuse it), or null. */
export function refusal(role: Role, plan: ImportPlan): string | null {
  const can = permissions(role)
  if (can.readOnly) return 'This link is read-only: importing needs an annotator or manager link.'
  if (can.manage) return null
  const { labelsAdded, jobsCreated } = plan.summary
  if (labelsAdded > 0 || jobsCreated > 0) {
    const what = [
      labelsAdded > 0 ? `${labelsAdded} new ${labelsAdded === 1 ? 'label' : 'labels'}` : '',
      jobsCreated > 0 ? `${jobsCreated} new ${jobsCreated === 1 ? 'job' : 'jobs'}` : '',
    ]
      .filter(Boolean)
      .join(' and ')
    return `These files need ${what} in the project, which only a manager can add. Ask a manager to import them, or to add the labels first.`
  }
  return null
}

/**
 * The relay's default cap on one message (LOUPE_MAX_MESSAGE_BYTES, 16 MiB), less room for the
 * frame around the update: a room's update is sent as one message, and one the relay refuses
 * would stay on this device for good.
 */
export const MAX_UPDATE_BYTES = 16 * 1024 * 1024 - 1024

/** Why a plan is too large to send, or null. */
export function tooLarge(plan: ImportPlan, jobNames: ReadonlyMap<string, string>): string | null {
  const big = plan.updates.find((u) => u.update.byteLength > MAX_UPDATE_BYTES)
  if (!big) return null
  const where = big.jobId ? (jobNames.get(big.jobId) ?? 'a new job') : 'the project'
  return `This import would write ${formatBytes(big.update.byteLength)} into ${where} in one change, more than the server accepts at once (16 MB). Import the annotations in smaller parts, e.g. one subset at a time.`
}

/**
 * Imports files into the project: plan in the worker, store new images, apply the plan. Rejects
 * with FormatsTaskError (`format` for a malformed file) or a plain Error; nothing is changed then.
 */
export async function runImport(
  deps: ImportDeps,
  request: ImportRequest,
  options: { signal?: AbortSignal; onProgress?: (progress: TaskProgress) => void } = {},
): Promise<ImportOutcome> {
  const { project } = deps
  const { signal } = options
  if (project.readOnly) {
    throw new Error('This project was made by a newer Loupe: it is read-only here.')
  }
  if (permissions(deps.role).readOnly) {
    throw new Error('This link is read-only: importing needs an annotator or manager link.')
  }
  const names = new Map(project.listJobs().map((job) => [job.id, job.name]))
  const jobs = new OpenedJobs(deps, names)
  try {
    const result = await deps.client.run(
      {
        kind: 'import',
        source: request.source,
        format: request.format,
        projectId: deps.projectId,
        project: Y.encodeStateAsUpdate(project.doc),
        userId: deps.hub.user.name,
      },
      {
        ...(signal ? { signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        loadJob: (jobId, jobSignal) => jobs.load(jobId, jobSignal),
      },
    )
    const plan = result.plan
    const refused = refusal(deps.role, plan) ?? tooLarge(plan, names)
    if (refused) throw new Error(refused)

    // Every room the plan writes is open (and loaded) before anything is written.
    const targets = await Promise.all(
      plan.updates.map(async (update) => ({
        doc: await targetDoc(deps, jobs, names, update, signal),
        update: update.update,
      })),
    )
    signal?.throwIfAborted()

    // Image bytes first: once the project names an image, this device has it.
    await storeImages(deps, plan, signal, options.onProgress)
    signal?.throwIfAborted()

    // The point of no return: every update, in order (project first), one room per task so the
    // page can paint between rooms (a room of 5,000 new shapes takes about half a second). An
    // observer that throws (a view of one document) must not keep the others from their update.
    const report = [...plan.report]
    for (let i = 0; i < targets.length; i++) {
      const { doc, update } = targets[i]!
      try {
        Y.applyUpdate(doc, update, Origin.import)
      } catch (error) {
        console.error(error)
        report.push(`A view failed to refresh after the import: ${String(error)}`)
      }
      options.onProgress?.({ done: i + 1, total: targets.length, phase: 'apply' })
      if (i + 1 < targets.length) await new Promise((resolve) => setTimeout(resolve, 0))
    }

    if (plan.newImages.length > 0) {
      // Applied already: a problem from here on is told, not thrown (the import stands).
      try {
        await deps.images.uploads.enqueue(
          deps.projectId,
          plan.newImages.map((image) => ({
            sha256: image.sha256,
            name: image.name,
            size: image.data.byteLength,
          })),
          true,
        )
      } catch (error) {
        report.push(
          `The new images are on this device but could not be queued for upload: ${error instanceof Error ? error.message : String(error)}`,
        )
      }
      for (const image of plan.newImages) {
        deps.images.thumbnails.ensure(image.sha256).catch((error: unknown) => console.warn(error))
      }
    }
    return {
      format: result.format,
      summary: plan.summary,
      report,
      changed: plan.updates.length > 0,
    }
  } catch (error) {
    if (signal?.aborted) throw new FormatsTaskError('cancelled', 'cancelled')
    throw error
  } finally {
    jobs.releaseAll()
  }
}

async function targetDoc(
  deps: ImportDeps,
  jobs: OpenedJobs,
  names: ReadonlyMap<string, string>,
  update: ImportPlan['updates'][number],
  signal: AbortSignal | undefined,
): Promise<Y.Doc> {
  if (update.room === projectRoom(deps.projectId)) return deps.project.doc
  if (!update.jobId || update.room !== jobRoom(deps.projectId, update.jobId)) {
    throw new Error(`the import plan names an unknown room ${update.room}`)
  }
  // A job the import creates has a new id: no one else can have written its document.
  const handle = await jobs.open(update.jobId, signal, !names.has(update.jobId))
  return handle.session.doc
}

async function storeImages(
  deps: ImportDeps,
  plan: ImportPlan,
  signal: AbortSignal | undefined,
  onProgress: ((progress: TaskProgress) => void) | undefined,
): Promise<void> {
  const total = plan.newImages.length
  for (let i = 0; i < total; i++) {
    signal?.throwIfAborted()
    const image = plan.newImages[i]!
    const blob = new Blob([image.data as Uint8Array<ArrayBuffer>], { type: image.mime })
    try {
      await deps.images.db.blobs.put({
        sha256: image.sha256,
        blob,
        size: blob.size,
        type: blob.type,
        storedAt: Date.now(),
      })
    } catch (error) {
      throw new Error(
        `${image.name} could not be stored on this device (${error instanceof Error ? error.message : String(error)}); nothing was imported`,
        { cause: error },
      )
    }
    onProgress?.({ done: i + 1, total, phase: 'store' })
  }
}
