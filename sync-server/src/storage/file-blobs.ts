import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobStore } from './types'

const SHA256 = /^[0-9a-f]{64}$/

function assertSha256(sha256: string): void {
  if (!SHA256.test(sha256))
    throw new Error(`not a lowercase hex SHA-256: ${JSON.stringify(sha256)}`)
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT'

/**
 * Content-addressed blobs on disk: `<dir>/<first two hex digits>/<sha256>`. A blob is written to a
 * temporary file in the same folder and renamed into place, so readers never see a partial file
 * and storing the same bytes twice (even concurrently) is harmless.
 */
export class FileBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    assertSha256(sha256)
    return join(this.dir, sha256.slice(0, 2), sha256)
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(sha256)
    if (await this.has(sha256)) return
    const folder = join(this.dir, sha256.slice(0, 2))
    await mkdir(folder, { recursive: true })
    const temp = join(folder, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await writeFile(temp, bytes, { flush: true })
      await rename(temp, target)
    } catch (error) {
      await unlink(temp).catch(() => undefined)
      throw error
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null
  }

  async read(sha256: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(sha256))
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(sha256))).size
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }
}
