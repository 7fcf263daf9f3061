// What `loupe import` reads: one file (a zip, or a single JSON/XML annotation file) or a folder.
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, join, relative, sep } from 'node:path'
import { FileTree } from '@loupe/formats'
import { usageError } from './errors'

export interface ImportInput {
  /** The file's own name (a folder becomes `<folder>.zip`). */
  name: string
  /** The bytes to upload: the file as it is, or a folder zipped. */
  bytes(): Uint8Array
  /** The files as the formats read them. */
  tree: FileTree
}

/** Hidden files and folders (`.git`, `.DS_Store`, macOS `._*`) are not part of a dataset. */
const hidden = (name: string) => name.startsWith('.') || name === '__MACOSX'

async function readFolder(root: string): Promise<FileTree> {
  const tree = new FileTree()
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (hidden(entry.name)) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile())
        tree.set(relative(root, path).split(sep).join('/'), await readFile(path))
    }
  }
  await walk(root)
  return tree
}

export async function readImportInput(
  path: string,
  fileTreeOf: (name: string, bytes: Uint8Array) => FileTree,
): Promise<ImportInput> {
  const info = await stat(path).catch(() => null)
  if (!info) throw usageError(`import: no such file or folder: ${path}`)
  const name = basename(path)
  if (info.isDirectory()) {
    const tree = await readFolder(path)
    if (tree.size === 0) throw usageError(`import: the folder ${path} holds no files`)
    return { name: `${name}.zip`, tree, bytes: () => tree.toZip() }
  }
  const bytes = await readFile(path)
  return { name, tree: fileTreeOf(name, bytes), bytes: () => bytes }
}
