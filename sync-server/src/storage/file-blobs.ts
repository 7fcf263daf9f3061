// STUB — the REST helper replaces this file.
import type { BlobStore } from './types'

export class FileBlobStore implements BlobStore {
  constructor(readonly dir: string) {}
  async put(_sha256: string, _bytes: Uint8Array): Promise<void> {}
  async has(_sha256: string): Promise<boolean> {
    return false
  }
  async read(_sha256: string): Promise<Uint8Array | null> {
    return null
  }
  async size(_sha256: string): Promise<number | null> {
    return null
  }
}
