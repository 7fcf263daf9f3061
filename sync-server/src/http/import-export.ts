import { Hono } from 'hono'
import * as Y from 'yjs'
import { z } from 'zod'
import {
  FileTree,
  FormatError,
  detectFormat,
  exportReport,
  getFormat,
  listFormats,
  planImport,
  projectToDataset,
  type ExportReport,
  type FormatModule,
  type ImportSummary,
} from '@loupe/formats'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { jobRoom, projectRoom } from '@loupe/sync-protocol'
import type { Logger } from '../logger'
import type { RoomAccess } from '../relay/room-access'
import type { BlobStore, MetaStore } from '../storage/types'
import type { AppDeps } from './app'
import { authenticate } from './auth'
import { readJsonBody } from './body'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode } from './errors'
import { MAX_UPLOAD_REQUEST_BYTES } from './images'
import { MultipartError, multipartBoundary, readMultipart } from './multipart'
import { runView } from './flow-views'
import { authorizeProject } from './project-access'

/**
 * Dataset import and export (DESIGN.md §4, §5): files in any registered format are read into the
 * neutral dataset and merged into a project's documents, or a project is written out as a zip.
 * The work is done by `importDataset` / `exportDataset` on storage interfaces, so the CLI runs the
 * same code on a data dir; the routes only add HTTP.
 */

export const ImportExportErrorCode = {
  /** The file is not what its format requires; the message is `file: where: expected`. */
  invalidFormat: 'invalid_format',
  /** No format recognises the files; `candidates` is empty. */
  unknownFormat: 'unknown_format',
  /** Several formats recognise the files equally; `candidates` names them. */
  ambiguousFormat: 'ambiguous_format',
} as const

/** What storage an import or export works on: live rooms (server) or a data dir (CLI). */
export interface DatasetDeps {
  rooms: RoomAccess
  blobs: BlobStore
  meta: MetaStore
  logger?: Logger
}

export interface ImportResult {
  format: string
  summary: ImportSummary
  report: string[]
}

export interface ExportResult {
  /** The zip. */
  bytes: Uint8Array
  /** Suggested file name, e.g. `birds-coco.zip`. */
  fileName: string
  /** What the format could not hold; `warnings` lists what the project could not name. */
  report: ExportReport & { warnings: string[] }
}

/** A format the caller cannot use: 400, with the formats that would fit. */
export class FormatChoiceError extends ApiError {
  override name = 'FormatChoiceError'
  constructor(
    code: string,
    message: string,
    readonly candidates: { format: string; confidence: number }[],
  ) {
    super(400, code, message)
  }
}

const knownFormats = () => listFormats().map((format) => format.id)

function formatById(id: string): FormatModule {
  try {
    return getFormat(id)
  } catch {
    throw new FormatChoiceError(
      ApiErrorCode.badRequest,
      `unknown format ${JSON.stringify(id)}: expected one of ${knownFormats().join(', ')}`,
      [],
    )
  }
}

/** The format of the files: the one named, else the one detection is surest of (a tie is an error). */
export function chooseFormat(files: FileTree, id?: string): FormatModule {
  if (id) return formatById(id)
  const detections = detectFormat(files)
  const candidates = detections.map((d) => ({ format: d.format.id, confidence: d.confidence }))
  const [best, second] = detections
  if (!best) {
    throw new FormatChoiceError(
      ImportExportErrorCode.unknownFormat,
      `no format recognises these files; name one (${knownFormats().join(', ')})`,
      candidates,
    )
  }
  if (second && second.confidence === best.confidence) {
    const tied = detections.filter((d) => d.confidence === best.confidence).map((d) => d.format.id)
    throw new FormatChoiceError(
      ImportExportErrorCode.ambiguousFormat,
      `these files fit several formats equally (${tied.join(', ')}); name one`,
      candidates,
    )
  }
  return best.format
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]

/** An uploaded file as a FileTree: a zip's entries, or the one file under its own name. */
export function fileTreeOf(name: string, bytes: Uint8Array): FileTree {
  const zip = ZIP_MAGIC.every((byte, i) => bytes[i] === byte)
  if (zip || /\.zip$/i.test(name)) return FileTree.fromZip(bytes)
  return new FileTree([[name.slice(name.search(/[^/\\]*$/)), bytes]])
}

async function snapshot(rooms: RoomAccess, room: string): Promise<Y.Doc> {
  const state = await rooms.read(room, (doc) => Y.encodeStateAsUpdate(doc))
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

/** One import at a time per project, so two concurrent imports cannot both add a label. */
const importQueues = new Map<string, Promise<unknown>>()

function serialized<T>(projectId: string, work: () => Promise<T>): Promise<T> {
  const previous = importQueues.get(projectId) ?? Promise.resolve()
  const next = previous.then(work, work)
  const settled = next.catch(() => undefined)
  importQueues.set(projectId, settled)
  void settled.then(() => {
    if (importQueues.get(projectId) === settled) importQueues.delete(projectId)
  })
  return next
}

/**
 * Merges `files` into a project, all or nothing: the plan is computed on copies of the documents
 * (a malformed file throws FormatError before anything is written), then new image bytes are
 * stored, then the project room and each job room get one update each through `rooms.change`,
 * so connected clients receive them live.
 */
export function importDataset(
  deps: DatasetDeps,
  projectId: string,
  files: FileTree,
  options: { format?: string; userId?: string; jobSize?: number } = {},
): Promise<ImportResult> {
  const format = chooseFormat(files, options.format)
  return serialized(projectId, async () => {
    const projectDoc = await snapshot(deps.rooms, projectRoom(projectId))
    const sizes = imageSizes(projectDoc)
    const dataset = await format.read(files, { imageSize: (name) => sizes(name) })
    const plan = await planImport(
      dataset,
      {
        projectId,
        projectDoc,
        jobDocs: (jobId) => snapshot(deps.rooms, jobRoom(projectId, jobId)),
      },
      { userId: options.userId, jobSize: options.jobSize },
    )
    const createdAt = new Date().toISOString()
    for (const image of plan.newImages) {
      await deps.blobs.put(image.sha256, image.data)
      await deps.meta.putBlob(
        {
          sha256: image.sha256,
          size: image.data.byteLength,
          mime: image.mime,
          width: image.width,
          height: image.height,
          createdAt,
        },
        projectId,
      )
    }
    // Project room first: job documents then never name an image the project lacks.
    for (const { room, update } of plan.updates) {
      await deps.rooms.change(room, (doc) => Y.applyUpdate(doc, update))
    }
    deps.logger?.info('dataset imported', { projectId, format: format.id, ...plan.summary })
    return { format: format.id, summary: plan.summary, report: plan.report }
  })
}

/** Image sizes by name and by base name (when unique), for formats without sizes (YOLO). */
function imageSizes(projectDoc: Y.Doc) {
  const byName = new Map<string, { width: number; height: number }>()
  const byBase = new Map<string, { width: number; height: number } | null>()
  for (const image of ProjectDocument.open(projectDoc).listImages()) {
    const size = { width: image.width, height: image.height }
    byName.set(image.name, size)
    const base = image.name.slice(image.name.lastIndexOf('/') + 1)
    byBase.set(base, byBase.has(base) ? null : size)
  }
  return (name: string) =>
    byName.get(name) ?? byBase.get(name.slice(name.lastIndexOf('/') + 1)) ?? undefined
}

/** Writes a project (or some of its jobs) in a format, as a zip, with the export report. */
export async function exportDataset(
  deps: DatasetDeps,
  projectId: string,
  options: { format: string; jobIds?: readonly string[]; includeImages?: boolean },
): Promise<ExportResult> {
  const format = formatById(options.format)
  const projectDoc = await snapshot(deps.rooms, projectRoom(projectId))
  const project = ProjectDocument.open(projectDoc)
  const jobIds = options.jobIds ?? project.listJobs().map((job) => job.id)
  checkJobs(project, projectId, jobIds)
  const jobs: JobDocument[] = []
  for (const jobId of jobIds) {
    const doc = await snapshot(deps.rooms, jobRoom(projectId, jobId))
    // A job nobody opened yet has no document, hence no annotations.
    if (doc.getMap('meta').size > 0) jobs.push(JobDocument.open(doc, project))
  }
  const warnings: string[] = []
  let missingBytes = 0
  const dataset = await projectToDataset(project, jobs, {
    jobIds: options.jobIds,
    onWarning: (warning) => warnings.push(warning),
    imageData: options.includeImages
      ? async (image) => {
          const bytes = await deps.blobs.read(image.sha256)
          if (!bytes) missingBytes++
          return bytes ?? undefined
        }
      : undefined,
  })
  if (missingBytes > 0) warnings.push(`${missingBytes} images have no stored bytes; not included`)
  const report = { ...exportReport(format, dataset), warnings }
  const files = await format.write(dataset, { includeImages: options.includeImages ?? false })
  const bytes = files.toZip()
  const stem = (project.getMeta().name || projectId).replace(/[^A-Za-z0-9._-]+/g, '_')
  deps.logger?.info('dataset exported', { projectId, format: format.id, bytes: bytes.length })
  return { bytes, fileName: `${stem}-${format.id}.zip`, report }
}

const ExportBody = z.strictObject({
  format: z.string().min(1),
  jobIds: z.array(z.string()).max(100_000).optional(),
  includeImages: z.boolean().optional(),
})

/** A FormatError is the file's fault: 422 naming file, place and expectation. */
function asApiError(error: unknown): unknown {
  if (error instanceof FormatError) {
    return new ApiError(422, ImportExportErrorCode.invalidFormat, error.message, { cause: error })
  }
  return error
}

/** 400 naming the jobs a project does not have. */
async function requireJobs(rooms: RoomAccess, projectId: string, jobIds: readonly string[]) {
  checkJobs(ProjectDocument.open(await snapshot(rooms, projectRoom(projectId))), projectId, jobIds)
}

function checkJobs(project: ProjectDocument, projectId: string, jobIds: readonly string[]): void {
  const unknown = jobIds.filter((id) => !project.getJob(id))
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      ApiErrorCode.badRequest,
      `no job ${unknown.map((id) => JSON.stringify(id)).join(', ')} in project ${projectId}`,
    )
  }
}

/**
 * `POST /api/projects/:id/import` (manager: labels and images change, not just annotations):
 * multipart with an optional field `format` and one file (a zip, or a single JSON/XML file).
 * `POST /api/projects/:id/export` (viewer: a read of what the token can already read): JSON
 * `{ format, jobIds?, includeImages? }` → 202 `{ run }`, an `export` flow run (DESIGN.md §4);
 * its file artifact is the zip, its `report` artifact the export report (and `result.report`).
 */
export function importExportRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { meta, tokens } = deps
  const routes = new Hono<ApiEnv>()
  const auth = authenticate({ tokens, meta })
  const storage: DatasetDeps = {
    rooms: deps.rooms,
    blobs: deps.blobs,
    meta: deps.meta,
    logger: deps.logger,
  }

  routes.post('/projects/:id/import', auth, async (c) => {
    const project = await authorizeProject(meta, c.get('principal'), c.req.param('id'), 'manager')
    const boundary = multipartBoundary(c.req.header('content-type'))
    if (!boundary) {
      throw new ApiError(
        415,
        ApiErrorCode.unsupportedMediaType,
        'expected multipart/form-data with a boundary',
      )
    }
    const body = c.req.raw.body
    if (!body) throw new ApiError(400, ApiErrorCode.badRequest, 'empty request body')
    const { format, file } = await readImportForm(body, boundary)
    try {
      const files = fileTreeOf(file.name, file.bytes)
      const result = await importDataset(storage, project.id, files, { format })
      return c.json(result)
    } catch (error) {
      if (error instanceof FormatChoiceError) {
        return c.json(
          { error: { code: error.code, message: error.message, candidates: error.candidates } },
          400,
        )
      }
      throw asApiError(error)
    }
  })

  routes.post('/projects/:id/export', auth, async (c) => {
    const project = await authorizeProject(meta, c.get('principal'), c.req.param('id'), 'viewer')
    const body = await readJsonBody(c, ExportBody)
    formatById(body.format)
    if (body.jobIds) await requireJobs(deps.rooms, project.id, body.jobIds)
    const flows = deps.flows
    if (!flows) throw new ApiError(503, 'flows_unavailable', 'flows are not running on this server')
    const { run } = await flows.runner.submit(flows.flows.require('export'), {
      projectId: project.id,
      ...body,
    })
    void flows.runner.claim().catch(() => undefined)
    return c.json({ run: runView(run) }, 202, { Location: `/api/flow-runs/${run.id}` })
  })

  return routes
}

async function readImportForm(body: ReadableStream<Uint8Array>, boundary: string) {
  let format: string | undefined
  let file: { name: string; bytes: Uint8Array } | undefined
  try {
    const parts = readMultipart(body, boundary, {
      maxPartBytes: MAX_UPLOAD_REQUEST_BYTES,
      maxTotalBytes: MAX_UPLOAD_REQUEST_BYTES,
      maxParts: 4,
    })
    for await (const part of parts) {
      if (part.name === 'format' && part.filename === undefined) {
        format = part.data.toString('utf8').trim() || undefined
      } else if (part.filename !== undefined && !file) {
        file = { name: part.filename, bytes: part.data }
      } else {
        throw new ApiError(
          400,
          ApiErrorCode.badRequest,
          `unexpected form field ${JSON.stringify(part.name)}: send \`format\` (optional) and one file`,
        )
      }
    }
  } catch (error) {
    if (!(error instanceof MultipartError)) throw error
    const status = error.kind === 'malformed' ? 400 : 413
    const code = status === 413 ? ApiErrorCode.payloadTooLarge : ApiErrorCode.badRequest
    throw new ApiError(status, code, error.message, { cause: error })
  }
  if (!file) {
    throw new ApiError(400, ApiErrorCode.badRequest, 'no file: send the dataset as a file part')
  }
  return { format, file }
}
