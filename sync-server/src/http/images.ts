import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { projectRoom } from '@loupe/sync-protocol'
import type { AppDeps } from './app'
import { authenticate } from './auth'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode } from './errors'
import { probeImage } from '@loupe/imaging'
import type { ImageInfo } from '@loupe/imaging'
import { MultipartError, multipartBoundary, readMultipart } from './multipart'
import { authorizeProject } from './project-access'
import { registerImages } from './project-images'

/** Most files in one upload request; clients send bigger folders in batches. */
export const MAX_FILES_PER_REQUEST = 1000
/** Most bytes one upload request may carry (unless one image alone is allowed to be bigger). */
export const MAX_UPLOAD_REQUEST_BYTES = 2 * 1024 ** 3
/** Room for a part's headers and delimiters. */
const PART_OVERHEAD_BYTES = 64 * 1024

export interface UploadedFile {
  name: string
  sha256: string
  size: number
  bytes: Uint8Array
  image: ImageInfo
}

const MULTIPART_STATUS = {
  malformed: 400,
  too_many_parts: 413,
  too_large: 413,
  part_too_large: 413,
} as const

/**
 * Reads and checks every file of the request before anything is stored: a file that is not an
 * accepted image (415) or is too large (413) fails the whole request, naming the file.
 */
async function readUploads(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  maxPartBytes: number,
): Promise<UploadedFile[]> {
  const maxTotalBytes = requestLimit(maxPartBytes)
  const files: UploadedFile[] = []
  try {
    const parts = readMultipart(body, boundary, {
      maxPartBytes,
      maxTotalBytes,
      maxParts: MAX_FILES_PER_REQUEST,
    })
    for await (const part of parts) {
      if (part.name !== 'files') {
        throw new ApiError(
          400,
          ApiErrorCode.badRequest,
          `unknown form field ${JSON.stringify(part.name)}; send each image as a part named "files"`,
        )
      }
      const name = part.filename
      if (!name) {
        throw new ApiError(
          400,
          ApiErrorCode.badRequest,
          `files[${files.length}]: a file part needs a filename`,
        )
      }
      const probe = probeImage(part.data)
      if (!probe.ok) {
        throw new ApiError(
          415,
          ApiErrorCode.unsupportedMediaType,
          `${JSON.stringify(name)} is not an accepted image: ${probe.reason}`,
        )
      }
      const sha256 = createHash('sha256').update(part.data).digest('hex')
      files.push({ name, sha256, size: part.data.length, bytes: part.data, image: probe.image })
    }
  } catch (error) {
    if (!(error instanceof MultipartError)) throw error
    const status = MULTIPART_STATUS[error.kind]
    const code = status === 413 ? ApiErrorCode.payloadTooLarge : ApiErrorCode.badRequest
    throw new ApiError(status, code, error.message, { cause: error })
  }
  if (files.length === 0) {
    throw new ApiError(
      400,
      ApiErrorCode.badRequest,
      'no files: send each image as a part named "files"',
    )
  }
  return files
}

/** The largest request body accepted, given the largest image. */
export function requestLimit(maxImageBytes: number): number {
  const perFile = maxImageBytes + PART_OVERHEAD_BYTES
  return Math.max(perFile, Math.min(MAX_UPLOAD_REQUEST_BYTES, MAX_FILES_PER_REQUEST * perFile))
}

/** `POST /api/projects/:id/images` (annotator+): multipart upload of many images. */
export function imageRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { meta, tokens, blobs, rooms } = deps
  const routes = new Hono<ApiEnv>()
  const auth = authenticate({ tokens, meta })

  routes.post('/projects/:id/images', auth, async (c) => {
    const project = await authorizeProject(meta, c.get('principal'), c.req.param('id'), 'annotator')
    const boundary = multipartBoundary(c.req.header('content-type'))
    if (!boundary) {
      throw new ApiError(
        415,
        ApiErrorCode.unsupportedMediaType,
        'expected multipart/form-data with a boundary',
      )
    }
    const declared = Number(c.req.header('content-length'))
    const body = c.req.raw.body
    if (!body) throw new ApiError(400, ApiErrorCode.badRequest, 'empty request body')
    // The cheap check first: a declared length over the request limit is refused unread.
    const limit = requestLimit(deps.config.maxImageBytes)
    if (Number.isFinite(declared) && declared > limit) {
      throw new ApiError(
        413,
        ApiErrorCode.payloadTooLarge,
        `request body of ${declared} bytes exceeds ${limit} bytes`,
      )
    }
    const files = await readUploads(body, boundary, deps.config.maxImageBytes)

    const createdAt = new Date().toISOString()
    const stored = new Set<string>()
    for (const file of files) {
      if (stored.has(file.sha256)) continue
      stored.add(file.sha256)
      await blobs.put(file.sha256, file.bytes)
      await meta.putBlob(
        {
          sha256: file.sha256,
          size: file.size,
          mime: file.image.mime,
          width: file.image.width,
          height: file.image.height,
          createdAt,
        },
        project.id,
      )
    }
    const images = await registerImages(rooms, projectRoom(project.id), files)
    deps.logger.info('images uploaded', {
      projectId: project.id,
      files: files.length,
      blobs: stored.size,
    })
    return c.json({ images }, 201)
  })

  return routes
}
