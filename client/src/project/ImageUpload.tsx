import { useRef, useState } from 'react'
import type { DragEvent } from 'react'
import type { ProjectDocument } from '@loupe/model'
import { addImageFiles } from '../data/add-images'
import type { AddImagesProgress, AddImagesResult } from '../data/add-images'
import { useImageServices, useUploadProgress } from '../data/hooks'
import { useSession } from '../sync/hooks'

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

/**
 * Adding images: drop zone, file picker and the phone camera. Images are stored on this device
 * at once and registered in the project (offline too); uploads run in the background.
 */
export function ImageUpload({
  projectId,
  project,
}: {
  projectId: string
  project: ProjectDocument
}) {
  const services = useImageServices()
  const { role } = useSession()
  const upload = useUploadProgress(projectId)
  const [dragging, setDragging] = useState(false)
  const [adding, setAdding] = useState<AddImagesProgress | null>(null)
  const [result, setResult] = useState<AddImagesResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const pickRef = useRef<HTMLInputElement>(null)
  const cameraRef = useRef<HTMLInputElement>(null)

  const add = (files: File[]) => {
    if (files.length === 0) return
    setError(null)
    setResult(null)
    setAdding({ total: files.length, processed: 0, skipped: [] })
    addImageFiles(
      files,
      {
        db: services.db,
        queue: services.uploads,
        thumbnails: services.thumbnails,
        projectId,
        project,
        role,
      },
      setAdding,
    ).then(
      (done) => {
        setAdding(null)
        setResult(done)
      },
      (e: unknown) => {
        setAdding(null)
        setError(e instanceof Error ? e.message : String(e))
      },
    )
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setDragging(false)
    add([...event.dataTransfer.files])
  }

  const inFlight = upload && upload.uploading > 0
  const percent =
    inFlight && upload.bytesTotal > 0
      ? Math.round((100 * upload.bytesSent) / upload.bytesTotal)
      : null

  return (
    <section className="card upload" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Add images</h2>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop images here</strong>
          <span className="muted">
            {' '}
            — they are kept on this device at once and uploaded when online.
          </span>
        </p>
        <div className="row">
          <button type="button" onClick={() => pickRef.current?.click()}>
            Choose images…
          </button>
          <button type="button" className="secondary" onClick={() => cameraRef.current?.click()}>
            Take a photo
          </button>
        </div>
        <input
          ref={pickRef}
          type="file"
          accept="image/*"
          multiple
          hidden
          aria-label="Choose images"
          data-testid="image-input"
          onChange={(e) => {
            add([...(e.target.files ?? [])])
            e.target.value = ''
          }}
        />
        <input
          ref={cameraRef}
          type="file"
          accept="image/*"
          capture="environment"
          hidden
          aria-label="Take a photo"
          onChange={(e) => {
            add([...(e.target.files ?? [])])
            e.target.value = ''
          }}
        />
      </div>

      <div className="upload-status" data-testid="upload-progress" aria-live="polite">
        {adding && (
          <div className="progress-line">
            <span>
              Reading images {adding.processed} / {adding.total}…
            </span>
            <progress value={adding.processed} max={adding.total} />
          </div>
        )}
        {result && (
          <p className="muted">
            {result.registered > 0 && `Added ${result.registered} to the project. `}
            {result.registeredByServer > 0 &&
              `${result.registeredByServer} will appear in the project once uploaded. `}
            {result.skipped.length > 0 &&
              `Skipped ${result.skipped.length}: ${result.skipped
                .slice(0, 3)
                .map((s) => `${s.name} (${s.reason})`)
                .join(', ')}${result.skipped.length > 3 ? '…' : ''}`}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {upload && (upload.queued > 0 || upload.failed > 0 || upload.done > 0) && (
          <div className="progress-line">
            <span data-testid="upload-summary">
              {upload.queued > 0
                ? inFlight
                  ? `Uploading ${upload.uploading} of ${upload.queued} waiting · ${formatBytes(upload.bytesSent)} / ${formatBytes(upload.bytesTotal)}`
                  : !navigator.onLine
                    ? `${upload.queued} waiting to upload when online`
                    : upload.waitingForSync
                      ? `${upload.queued} waiting for the project to sync first`
                      : upload.retryAt
                        ? `${upload.queued} waiting · retrying ${new Date(upload.retryAt).toLocaleTimeString()}`
                        : `${upload.queued} waiting to upload`
                : `All ${upload.done} uploaded`}
              {upload.failed > 0 && ` · ${upload.failed} failed`}
            </span>
            {upload.queued > 0 && (
              <progress
                value={percent ?? undefined}
                max={100}
                aria-label="Upload progress"
                data-testid="upload-bar"
              />
            )}
            {upload.failed > 0 && (
              <button
                type="button"
                className="secondary"
                onClick={() => void services.uploads.retry(projectId)}
              >
                Retry
              </button>
            )}
          </div>
        )}
        {upload?.lastError && upload.queued + upload.failed > 0 && (
          <p className="muted">Last problem: {upload.lastError}</p>
        )}
      </div>
    </section>
  )
}
