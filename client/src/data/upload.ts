/** What the server answers for each uploaded file (DESIGN.md §4). */
export interface UploadedImage {
  id: string
  name: string
  sha256: string
  width: number
  height: number
  jobId: string
}

export class UploadError extends Error {
  override name = 'UploadError'
  constructor(
    /** HTTP status; 0 for a network failure or abort. */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface UploadRequest {
  projectId: string
  token: string
  files: { name: string; blob: Blob }[]
  base?: string
  onProgress?: (sent: number, total: number) => void
  signal?: AbortSignal
}

/**
 * `POST /api/projects/:id/images` with one multipart part `files` per image, through
 * XMLHttpRequest so upload progress is reported (fetch has no upload progress).
 */
export function uploadImages(request: UploadRequest): Promise<UploadedImage[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    const form = new FormData()
    for (const file of request.files) form.append('files', file.blob, file.name)
    xhr.open(
      'POST',
      `${request.base ?? ''}/api/projects/${encodeURIComponent(request.projectId)}/images`,
    )
    xhr.setRequestHeader('Authorization', `Bearer ${request.token}`)
    xhr.responseType = 'json'
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) request.onProgress?.(event.loaded, event.total)
    }
    xhr.onload = () => {
      const body = xhr.response as {
        images?: UploadedImage[]
        error?: { code?: string; message?: string }
      } | null
      if (xhr.status === 201 && body?.images) return resolve(body.images)
      reject(
        new UploadError(
          xhr.status,
          body?.error?.code ?? 'http_error',
          body?.error?.message ?? `upload failed with ${xhr.status}`,
        ),
      )
    }
    xhr.onerror = () => reject(new UploadError(0, 'network', 'the server could not be reached'))
    xhr.onabort = () => reject(new UploadError(0, 'aborted', 'upload cancelled'))
    xhr.ontimeout = () => reject(new UploadError(0, 'timeout', 'upload timed out'))
    request.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(form)
  })
}
