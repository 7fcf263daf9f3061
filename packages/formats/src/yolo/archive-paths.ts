// Paths inside YOLO lists and configs name files on the machine that made them
// (`data/obj_train_data/a.jpg`, `/home/me/darknet/data/obj/a.jpg`, `../train/images`); these
// helpers find what they name inside the archive.

import { normalizePath, stripExtension, type FileTree } from '../files'

/** The path without `..` segments at its start: `../train/images` → `train/images`. */
function withoutParents(path: string): string {
  const parts = path.split('/')
  let i = 0
  while (i < parts.length && parts[i] === '..') i++
  return parts.slice(i).join('/')
}

/**
 * The shortest-to-longest suffixes of a path: `a/b/c.txt` → `a/b/c.txt`, `b/c.txt`, `c.txt`
 * (longest first, so the most specific match wins).
 */
function* suffixes(path: string): Generator<string> {
  const parts = path.split('/')
  for (let i = 0; i < parts.length; i++) yield parts.slice(i).join('/')
}

/**
 * The archive path of a file a config or list names: as written (after normalizing and
 * dropping leading `..`), then its ever shorter suffixes (an absolute path from another
 * machine still ends in the archive's layout). Images and label files (`bare: false`) match
 * down to their last two parts when they have folders, so `obj_train_data/train.txt` never
 * matches the list `train.txt`; config-named files (`bare: true`) down to their base name.
 * Undefined when nothing matches.
 */
export function findFile(files: FileTree, written: string, bare = false): string | undefined {
  const path = withoutParents(normalizePath(written))
  const folders = path.includes('/')
  for (const candidate of suffixes(path)) {
    if (folders && !bare && !candidate.includes('/')) break
    if (candidate && files.has(candidate)) return candidate
  }
  return undefined
}

/** The folders of an archive (every parent of every file), for cheap folder lookups. */
export function folderSet(paths: readonly string[]): Set<string> {
  const folders = new Set<string>()
  for (const path of paths) {
    let end = path.lastIndexOf('/')
    while (end > 0) {
      const folder = path.slice(0, end)
      if (folders.has(folder)) break
      folders.add(folder)
      end = folder.lastIndexOf('/')
    }
  }
  return folders
}

/** Like `findFile`, for a folder. */
export function findFolder(folders: Set<string>, written: string): string | undefined {
  const path = withoutParents(normalizePath(written))
  if (path === '') return ''
  for (const candidate of suffixes(path)) if (candidate && folders.has(candidate)) return candidate
  return undefined
}

/**
 * The label file of an image by the Ultralytics / Darknet rule: the last `images` folder in
 * the path becomes `labels` and the extension `.txt` (`images/train/a.jpg` →
 * `labels/train/a.txt`); without an `images` folder, the label file sits beside the image.
 */
export function labelPathOf(imagePath: string): string {
  const parts = stripExtension(imagePath).split('/')
  const at = parts.lastIndexOf('images')
  if (at >= 0 && at < parts.length - 1) parts[at] = 'labels'
  return parts.join('/') + '.txt'
}
