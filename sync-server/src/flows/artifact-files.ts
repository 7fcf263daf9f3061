import { mkdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import type { ArtifactFiles } from '@loupe/flows'

/** The `data` of a file artifact (see `Artifacts.file`). */
export interface FileArtifactData {
  name: string
  mimeType: string
  size: number
  ref: string
}

export function isFileArtifactData(data: unknown): data is FileArtifactData {
  const d = data as Partial<FileArtifactData> | null
  return typeof d?.ref === 'string' && typeof d.name === 'string' && typeof d.mimeType === 'string'
}

const safeName = (name: string) =>
  name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200) || 'file'

/**
 * Bytes of file artifacts in a folder (`LOUPE_ARTIFACT_DIR`): `<run id>/<name>`, the ref being
 * that relative path. Files can be removed (backup retention); the artifact record stays and its
 * download answers 410.
 */
export class DirArtifactFiles implements ArtifactFiles {
  constructor(readonly dir: string) {}

  async put(rootId: string, name: string, data: Uint8Array): Promise<string> {
    const folder = join(this.dir, safeName(rootId))
    await mkdir(folder, { recursive: true })
    let file = safeName(name)
    for (let i = 1; await exists(join(folder, file)); i++) file = `${i}-${safeName(name)}`
    await writeFile(join(folder, file), data)
    return `${safeName(rootId)}/${file}`
  }

  /** The absolute path of a ref, refusing anything outside the folder. */
  pathOf(ref: string): string {
    const path = resolve(this.dir, ref)
    if (!path.startsWith(resolve(this.dir) + sep)) throw new Error(`bad artifact ref ${ref}`)
    return path
  }

  async read(ref: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(ref))
    } catch {
      return null
    }
  }

  async exists(ref: string): Promise<boolean> {
    return exists(this.pathOf(ref))
  }

  /** Deletes the file, and its run's folder once that is empty. */
  async remove(ref: string): Promise<boolean> {
    const path = this.pathOf(ref)
    if (!(await exists(path))) return false
    await rm(path, { force: true })
    await rmdir(dirname(path)).catch(() => undefined) // not empty: other files of the run
    return true
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
