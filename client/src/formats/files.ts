// Files chosen for an import: from a file input (a zip, annotation files, or a whole folder with
// `webkitdirectory`) or dropped (files and folders, walked through the entries API).

import type { ImportSource, SourceFile } from '../../../worker/src/formats-protocol'

let sources = 0

/** An import source with a key of its own (the worker reuses what it unpacked for it). */
export function importSource(files: SourceFile[]): ImportSource {
  sources++
  return { key: `${Date.now()}-${sources}`, files }
}

/** Files of an `<input type=file>`: a folder's files keep their path inside the folder. */
export function filesFromInput(list: FileList | readonly File[]): SourceFile[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, data: file }))
}

/** What was dropped: files as they are, folders walked (paths relative to the drop). */
export async function filesFromDrop(transfer: DataTransfer): Promise<SourceFile[]> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.())
    .filter((entry): entry is FileSystemEntry => !!entry)
  if (entries.length === 0) return filesFromInput(transfer.files)
  const out: SourceFile[] = []
  for (const entry of entries) await walk(entry, out)
  return out
}

async function walk(entry: FileSystemEntry, out: SourceFile[]): Promise<void> {
  if (isFile(entry)) {
    const file = await new Promise<File>((resolve, reject) => entry.file(resolve, reject))
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), data: file })
  } else if (isDirectory(entry)) {
    for (const child of await readAll(entry.createReader())) await walk(child, out)
  }
}

const isFile = (entry: FileSystemEntry): entry is FileSystemFileEntry => entry.isFile
const isDirectory = (entry: FileSystemEntry): entry is FileSystemDirectoryEntry => entry.isDirectory

/** `readEntries` returns a directory in batches (100 in Chromium) until an empty one. */
async function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = []
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    )
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

/** A short description of a choice: `dataset.zip`, `annotations.json`, `my-dataset/ (120 files)`. */
export function describeFiles(files: readonly SourceFile[]): string {
  if (files.length === 0) return 'nothing'
  if (files.length === 1) return files[0]!.path
  const tops = new Set(files.map((f) => f.path.split('/')[0]))
  const [top] = tops
  const folder = tops.size === 1 && files.every((f) => f.path.includes('/')) ? `${top}/ ` : ''
  return `${folder}(${files.length} files)`
}

/** Bytes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

/** Starts the download of a Blob under a file name. */
export function downloadBlob(blob: Blob, fileName: string): string {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  return url
}
