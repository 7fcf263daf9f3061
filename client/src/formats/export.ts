// An export in the browser: job documents from this device (synced first when online), image
// bytes from the device's store (downloaded when online and missing), then the worker builds the
// dataset, writes the format and zips it. Works offline for everything this device holds.

import * as Y from 'yjs'
import type { ImageRecord, ProjectDocument } from '@loupe/model'
import type { ExportReport, FormatId, SubsetMode } from '@loupe/formats'
import type { BlobStore } from '../data/blobs'
import type { DocumentHub } from '../sync/hub'
import { FormatsTaskError } from './client'
import type { FormatsClient, TaskProgress } from './client'
import { openJobDocuments } from './documents'

export interface ExportDeps {
  hub: DocumentHub
  blobs: Pick<BlobStore, 'get'>
  client: FormatsClient
  projectId: string
  project: ProjectDocument
}

export interface ExportRequest {
  format: FormatId
  /** The jobs to export (all of the project's when they are all chosen). */
  jobIds: readonly string[]
  includeImages: boolean
  subsets: SubsetMode
}

export interface ExportOutcome {
  file: Blob
  fileName: string
  report: ExportReport
  warnings: string[]
  /** Names of images whose files this device does not have (left out of the archive). */
  missingImages: string[]
}

/** Jobs an export needs that this device does not have. */
export class JobsNotAvailableError extends Error {
  override name = 'JobsNotAvailableError'
  constructor(readonly jobs: readonly { id: string; name: string; reason: string }[]) {
    super(
      `Not on this device: ${jobs.map((j) => j.name).join(', ')}. Connect to the server once (or use “Make available offline”), or leave ${jobs.length === 1 ? 'this job' : 'these jobs'} out of the export.`,
    )
  }
}

/** A file name from the project's name: letters, digits, `-` and `_` only. */
export function exportFileName(projectName: string, format: string): string {
  const base = projectName
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${base || 'project'}-${format}`
}

export async function runExport(
  deps: ExportDeps,
  request: ExportRequest,
  options: { signal?: AbortSignal; onProgress?: (progress: TaskProgress) => void } = {},
): Promise<ExportOutcome> {
  const { project, signal, onProgress } = { ...deps, ...options }
  const jobs = project.listJobs().filter((job) => request.jobIds.includes(job.id))
  const allJobs = jobs.length === project.listJobs().length
  try {
    onProgress?.({ done: 0, total: jobs.length, phase: 'documents' })
    const handles = await openJobDocuments(
      deps.hub,
      deps.projectId,
      jobs.map((job) => job.id),
      {
        ...(signal ? { signal } : {}),
        onOpened: (done, total) => onProgress?.({ done, total, phase: 'documents' }),
      },
    )
    let states: { jobId: string; state: Uint8Array }[]
    try {
      const missing = handles.filter((h) => h.state === 'missing')
      if (missing.length > 0) {
        throw new JobsNotAvailableError(
          missing.map((h) => ({
            id: h.jobId,
            name: project.getJob(h.jobId)?.name ?? h.jobId,
            reason: h.reason ?? 'not on this device',
          })),
        )
      }
      states = handles
        .filter((h) => h.state === 'ready')
        .map((h) => ({ jobId: h.jobId, state: Y.encodeStateAsUpdate(h.session.doc) }))
    } finally {
      for (const handle of handles) handle.release()
    }

    const wanted = new Set(request.jobIds)
    const images = project.listImages().filter((image) => wanted.has(image.jobId))
    const collected = request.includeImages
      ? await collectImages(deps.blobs, images, signal, onProgress)
      : null

    const result = await deps.client.run(
      {
        kind: 'export',
        format: request.format,
        project: Y.encodeStateAsUpdate(project.doc),
        jobs: states,
        ...(allJobs ? {} : { jobIds: [...request.jobIds] }),
        images: collected?.found ?? null,
        subsets: request.subsets,
        fileName: exportFileName(project.getMeta().name, request.format),
      },
      { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) },
    )
    return {
      file: new Blob([result.zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }),
      fileName: result.fileName,
      report: result.report,
      warnings: result.warnings,
      missingImages: collected?.missing ?? [],
    }
  } catch (error) {
    if (signal?.aborted) throw new FormatsTaskError('cancelled', 'cancelled')
    throw error
  }
}

/** The images' bytes from this device (or the server, when online), a few at a time. */
async function collectImages(
  blobs: Pick<BlobStore, 'get'>,
  images: readonly ImageRecord[],
  signal: AbortSignal | undefined,
  onProgress: ((progress: TaskProgress) => void) | undefined,
): Promise<{ found: { sha256: string; data: Blob }[]; missing: string[] }> {
  const found: { sha256: string; data: Blob }[] = []
  const missing: string[] = []
  const seen = new Set<string>()
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < images.length) {
      signal?.throwIfAborted()
      const image = images[next++]!
      try {
        const data = await blobs.get(image.sha256, signal)
        if (!seen.has(image.sha256)) {
          seen.add(image.sha256)
          found.push({ sha256: image.sha256, data })
        }
      } catch (error) {
        if (signal?.aborted) throw error
        missing.push(image.name)
      }
      onProgress?.({ done: ++done, total: images.length, phase: 'images' })
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, images.length) }, worker))
  return { found, missing }
}
