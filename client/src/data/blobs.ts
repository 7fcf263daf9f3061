import { reportStorageError } from '../sync/storage-errors'
import type { LoupeDatabase } from './db'

export class BlobDownloadError extends Error {
  override name = 'BlobDownloadError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Image bytes by hash: from Dexie when this device has them, else downloaded once from
 * `GET /api/blobs/:sha256` and kept for offline use. Concurrent requests share one download.
 */
export class BlobStore {
  #inFlight = new Map<string, Promise<Blob>>()

  constructor(
    private readonly db: LoupeDatabase,
    private readonly token: string,
    private readonly base = '',
  ) {}

  async has(sha256: string): Promise<boolean> {
    return (await this.db.blobs.where('sha256').equals(sha256).count()) > 0
  }

  /** Which of these hashes are stored on this device. */
  async stored(hashes: readonly string[]): Promise<Set<string>> {
    const keys = await this.db.blobs
      .where('sha256')
      .anyOf([...hashes])
      .primaryKeys()
    return new Set(keys)
  }

  get(sha256: string, signal?: AbortSignal): Promise<Blob> {
    let pending = this.#inFlight.get(sha256)
    if (!pending) {
      pending = this.#get(sha256, signal).finally(() => this.#inFlight.delete(sha256))
      this.#inFlight.set(sha256, pending)
    }
    return pending
  }

  async #get(sha256: string, signal?: AbortSignal): Promise<Blob> {
    const stored = await this.db.blobs.get(sha256)
    if (stored) return stored.blob
    const response = await fetch(`${this.base}/api/blobs/${sha256}`, {
      headers: { Authorization: `Bearer ${this.token}` },
      signal,
    })
    if (!response.ok) {
      throw new BlobDownloadError(
        response.status,
        response.status === 404
          ? 'the server does not have this image (yet): it may still be uploading from another device'
          : `download failed with ${response.status}`,
      )
    }
    const blob = await response.blob()
    try {
      await this.db.blobs.put({
        sha256,
        blob,
        size: blob.size,
        type: blob.type,
        storedAt: Date.now(),
      })
    } catch (error) {
      reportStorageError(error, 'a downloaded image')
    }
    return blob
  }
}
