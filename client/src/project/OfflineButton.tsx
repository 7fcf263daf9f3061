import { useRef, useState } from 'react'
import type { ProjectDocument } from '@loupe/model'
import { useImageServices } from '../data/hooks'
import { makeProjectAvailableOffline } from '../data/offline'
import type { OfflineProgress } from '../data/offline'
import { useHub } from '../sync/hooks'

/** "Make available offline": every job document and image onto this device, with progress. */
export function OfflineButton({
  projectId,
  project,
}: {
  projectId: string
  project: ProjectDocument
}) {
  const hub = useHub()
  const services = useImageServices()
  const [progress, setProgress] = useState<OfflineProgress | null>(null)
  const [error, setError] = useState<string | null>(null)
  const controller = useRef<AbortController | null>(null)
  const running =
    progress !== null && (progress.phase === 'documents' || progress.phase === 'images')

  const start = () => {
    const abort = new AbortController()
    controller.current = abort
    setError(null)
    makeProjectAvailableOffline({
      hub,
      blobs: services.blobs,
      thumbnails: services.thumbnails,
      projectId,
      project,
      signal: abort.signal,
      onProgress: setProgress,
    }).catch((e: unknown) => {
      setProgress(null)
      setError(e instanceof Error ? e.message : String(e))
    })
  }

  const total = progress ? progress.jobsTotal + progress.imagesTotal : 0
  const done = progress ? progress.jobsDone + progress.imagesDone : 0

  return (
    <div className="offline-box" data-testid="offline">
      {running ? (
        <>
          <div className="progress-line">
            <span data-testid="offline-progress">
              {progress.phase === 'documents'
                ? `Jobs ${progress.jobsDone} / ${progress.jobsTotal}`
                : `Images ${progress.imagesDone} / ${progress.imagesTotal}`}
            </span>
            <progress
              value={done}
              max={Math.max(1, total)}
              aria-label="Offline download progress"
            />
          </div>
          <button type="button" className="secondary" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <button type="button" className="secondary" onClick={start} disabled={!navigator.onLine}>
            {progress?.phase === 'done' ? 'Update offline copy' : 'Make available offline'}
          </button>
          {progress?.phase === 'done' && (
            <span className="muted" data-testid="offline-done">
              {progress.failed.length === 0
                ? '✓ Available offline'
                : `Available offline except ${progress.failed.length} ${progress.failed.length === 1 ? 'image' : 'images'} not on the server yet`}
            </span>
          )}
          {progress?.phase === 'cancelled' && <span className="muted">Cancelled</span>}
        </>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  )
}
