// ImageSets: `ImageSets/<task>/<subset>.txt` lists image ids one per line; the per-class lists
// `ImageSets/Main/<class>_<subset>.txt` say per id whether the class is present (1), present
// only in difficult objects (0) or absent (-1).

import { FormatError } from '../errors'
import { decodeText, type FileTree } from '../files'

/** Lists read for subsets (Layout and Action lists repeat Main's ids, with other columns). */
const TASKS = ['Main', 'Segmentation']

export interface ImageSets {
  /** Subset per image id. Lists are assigned smallest first, so `trainval` (the union of
   * `train` and `val`) names no image when those are there. */
  subsetOf: Map<string, string>
  /** Ids in list order (lists by file name), for a stable image order. */
  order: string[]
  /** Per-class presence: id → class names marked 1 or 0. */
  present: Map<string, Set<string>>
}

function lines(files: FileTree, path: string): string[] {
  return decodeText(files.bytes(path))
    .split(/\r?\n/)
    .map((line) => line.trim())
}

export function readImageSets(files: FileTree, root: string, paths: readonly string[]): ImageSets {
  const plain: { subset: string; ids: string[] }[] = []
  const perClass: { path: string; rows: { id: string; value: number }[] }[] = []
  for (const task of TASKS) {
    const folder = `${root}ImageSets/${task}/`
    for (const path of paths) {
      if (!path.startsWith(folder) || !path.endsWith('.txt')) continue
      const name = path.slice(folder.length, -4)
      if (name.includes('/')) continue
      const text = lines(files, path)
      const rows = text.filter(Boolean)
      // per-class lists: `<class>_<subset>.txt` with `<id> 1|0|-1` rows (ids may hold spaces)
      const perClassRow = /^(.+?)\s+(-1|0|1)$/
      if (
        task === 'Main' &&
        name.includes('_') &&
        rows.length > 0 &&
        rows.every((r) => perClassRow.test(r))
      ) {
        perClass.push({
          path,
          rows: rows.map((row) => {
            const match = perClassRow.exec(row)!
            return { id: match[1]!, value: Number(match[2]) }
          }),
        })
      } else {
        plain.push({ subset: name, ids: rows })
      }
    }
  }
  const subsetOf = new Map<string, string>()
  const bySize = [...plain].sort(
    (a, b) => a.ids.length - b.ids.length || (a.subset < b.subset ? -1 : 1),
  )
  for (const { subset, ids } of bySize)
    for (const id of ids) if (!subsetOf.has(id)) subsetOf.set(id, subset)

  // per-class lists: `<class>_<subset>.txt`, the subset being one of the plain lists' if it can
  const subsets = new Set(plain.map((p) => p.subset))
  const present = new Map<string, Set<string>>()
  for (const { path, rows } of perClass) {
    const base = path.slice(path.lastIndexOf('/') + 1, -4)
    let cls = base.slice(0, base.lastIndexOf('_'))
    let subset = base.slice(base.lastIndexOf('_') + 1)
    for (const s of subsets) {
      if (base.endsWith(`_${s}`) && base.length > s.length + 1) {
        cls = base.slice(0, -(s.length + 1))
        subset = s
        break
      }
    }
    if (!cls)
      throw new FormatError(path, '', 'expected a per-class list named <class>_<subset>.txt')
    for (const { id, value } of rows) {
      if (!subsetOf.has(id)) subsetOf.set(id, subset)
      if (value >= 0) {
        let set = present.get(id)
        if (!set) present.set(id, (set = new Set()))
        set.add(cls)
      }
    }
  }

  const order: string[] = []
  const seen = new Set<string>()
  const all = [...plain].sort((a, b) => (a.subset < b.subset ? -1 : a.subset > b.subset ? 1 : 0))
  for (const { ids } of all) {
    for (const id of ids) {
      if (seen.has(id)) continue
      seen.add(id)
      order.push(id)
    }
  }
  for (const { rows } of perClass) {
    for (const { id } of rows) {
      if (seen.has(id)) continue
      seen.add(id)
      order.push(id)
    }
  }
  return { subsetOf, order, present }
}
