import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react'
import type { ImageServices } from './services'
import type { ProjectUploadProgress } from './upload-queue'

export const ImagesContext = createContext<ImageServices | null>(null)

export function useImageServices(): ImageServices {
  const services = useContext(ImagesContext)
  if (!services) throw new Error('useImage* hooks need an <ImagesContext.Provider>')
  return services
}

/** Upload progress of one project (queued, failed, in flight, done since the page loaded). */
export function useUploadProgress(projectId: string): ProjectUploadProgress | undefined {
  const { uploads } = useImageServices()
  return useSyncExternalStore(
    (fn) => uploads.subscribe(fn),
    () => uploads.progress.get(projectId),
  )
}

/** An object URL for a Blob, revoked when it changes or the component unmounts. */
function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (!blob) return
    const next = URL.createObjectURL(blob)
    // eslint-disable-next-line react-hooks/set-state-in-effect -- mirrors the URL this effect owns
    setUrl(next)
    return () => {
      URL.revokeObjectURL(next)
      setUrl(null)
    }
  }, [blob])
  return url
}

export interface ImageUrlState {
  url: string | null
  state: 'loading' | 'ready' | 'missing' | 'error'
  error?: string
}

/**
 * A thumbnail URL for an image hash: from Dexie, else made from the stored blob. With
 * `download`, the full image is fetched first when this device lacks it.
 */
export function useThumbnailUrl(sha256: string, options: { download?: boolean } = {}) {
  const { db, blobs, thumbnails } = useImageServices()
  const [result, setResult] = useState<{
    sha: string
    blob: Blob | null
    state: ImageUrlState['state']
    error?: string
  }>({
    sha: '',
    blob: null,
    state: 'loading',
  })
  const download = options.download ?? false
  useEffect(() => {
    let cancelled = false
    const controller = new AbortController()
    void (async () => {
      try {
        let thumb = await db.thumbnails.get(sha256)
        if (!thumb && download) await blobs.get(sha256, controller.signal)
        thumb ??= (await thumbnails.ensure(sha256)) ?? undefined
        if (cancelled) return
        setResult({ sha: sha256, blob: thumb?.blob ?? null, state: thumb ? 'ready' : 'missing' })
      } catch (error) {
        if (cancelled) return
        setResult({
          sha: sha256,
          blob: null,
          state: 'error',
          error: error instanceof Error ? error.message : String(error),
        })
      }
    })()
    return () => {
      cancelled = true
      controller.abort()
    }
  }, [sha256, download, db, blobs, thumbnails])
  const current =
    result.sha === sha256 ? result : { sha: sha256, blob: null, state: 'loading' as const }
  const url = useObjectUrl(current.blob)
  return { url, state: current.state, error: 'error' in current ? current.error : undefined }
}

/**
 * The full image as an object URL, downloaded on demand (`GET /api/blobs/:sha256`) and kept in
 * Dexie for offline use. For the editor's image layer.
 */
export function useImageBlob(sha256: string | null): {
  blob: Blob | null
  url: string | null
  state: ImageUrlState['state']
  error?: string
} {
  const { blobs } = useImageServices()
  const [result, setResult] = useState<{ sha: string | null; blob: Blob | null; error?: string }>({
    sha: null,
    blob: null,
  })
  useEffect(() => {
    if (!sha256) return
    const controller = new AbortController()
    blobs.get(sha256, controller.signal).then(
      (blob) => setResult({ sha: sha256, blob }),
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setResult({
            sha: sha256,
            blob: null,
            error: error instanceof Error ? error.message : String(error),
          })
        }
      },
    )
    return () => controller.abort()
  }, [sha256, blobs])
  const current = result.sha === sha256 ? result : { sha: sha256, blob: null }
  const url = useObjectUrl(current.blob)
  const error = 'error' in current ? current.error : undefined
  return {
    blob: current.blob,
    url,
    state: current.blob ? 'ready' : error ? 'error' : 'loading',
    ...(error ? { error } : {}),
  }
}

/** Which of these image hashes are stored on this device (re-checked when `version` changes). */
export function useStoredHashes(hashes: readonly string[], version = 0): Set<string> | null {
  const { blobs } = useImageServices()
  const [stored, setStored] = useState<Set<string> | null>(null)
  const key = hashes.join(',')
  useEffect(() => {
    let cancelled = false
    blobs.stored(key ? key.split(',') : []).then(
      (set) => !cancelled && setStored(set),
      () => !cancelled && setStored(new Set()),
    )
    return () => {
      cancelled = true
    }
  }, [key, blobs, version])
  return stored
}
