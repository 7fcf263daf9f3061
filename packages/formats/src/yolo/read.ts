// Reads YOLO 1.1 (Darknet) as CVAT and Datumaro write it:
//   obj.names                  class names, one per line (line i = class i)
//   obj.data                   `classes = 2`, `train = data/train.txt`, `names = data/obj.names`, …
//   train.txt                  image paths, one per line: `data/obj_train_data/a.jpg`
//   obj_train_data/a.txt       `class cx cy w h` per box, normalized to the image size
//   obj_train_data/a.jpg       the image (optional: sizes then come from the project)
// Other subsets follow the same pattern (`valid = data/valid.txt`, `obj_valid_data/`).

import { DEFAULT_SUBSET, type Dataset, type DatasetImage, type DatasetLabel } from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import { basename, isImagePath, normalizePath, stripExtension, type FileTree } from '../files'
import type { ReadOptions } from '../format'
import { findFile } from './archive-paths'
import { imageSizeOf } from './image-size'
import { boxFromCenter, checkClassNames, parseLabelRows, textLines } from './label-rows'

/** Keys of obj.data that are not subset lists. */
const RESERVED_KEYS = new Set(['classes', 'names', 'backup', 'eval', 'results', 'map'])

interface ObjData {
  /** key → value and the line it is on. */
  entries: Map<string, { value: string; line: number }>
}

function parseObjData(files: FileTree): ObjData {
  const entries = new Map<string, { value: string; line: number }>()
  const bytes = files.get('obj.data')
  if (!bytes) return { entries }
  textLines(bytes).forEach((raw, i) => {
    const text = raw.trim()
    if (text === '' || text.startsWith('#')) return
    const eq = text.indexOf('=')
    if (eq <= 0) throw new FormatError('obj.data', `line ${i + 1}`, 'expected `key = value`')
    entries.set(text.slice(0, eq).trim(), { value: text.slice(eq + 1).trim(), line: i + 1 })
  })
  const classes = entries.get('classes')
  if (classes && !/^\d+$/.test(classes.value)) {
    throw new FormatError(
      'obj.data',
      `line ${classes.line}`,
      `expected classes = a number, got ${JSON.stringify(classes.value)}`,
    )
  }
  return { entries }
}

function readNames(files: FileTree, config: ObjData): { file: string; names: string[] } {
  const written = config.entries.get('names')?.value ?? 'obj.names'
  const file = findFile(files, written, true) ?? findFile(files, 'obj.names')
  if (!file) {
    throw new FormatError(
      normalizePath(basename(written)),
      '',
      'missing: expected the class names file (one name per line)',
    )
  }
  const names = textLines(files.bytes(file)).map((line) => line.trim())
  checkClassNames(file, names, (i) => `line ${i + 1}`)
  return { file, names }
}

/** The subsets and their list files: from obj.data, else `<subset>.txt` beside `obj_<subset>_data/`. */
function subsetLists(files: FileTree, config: ObjData): { subset: string; list: string }[] {
  const out: { subset: string; list: string }[] = []
  for (const [key, { value, line }] of config.entries) {
    if (RESERVED_KEYS.has(key)) continue
    const list = findFile(files, value, true)
    if (!list) {
      throw new FormatError(
        'obj.data',
        `line ${line}`,
        `expected the image list ${value} in the archive`,
      )
    }
    out.push({ subset: key, list })
  }
  if (out.length > 0) return out
  for (const path of files.paths()) {
    const match = /^([^/]+)\.txt$/.exec(path)
    if (match && match[1] !== 'obj' && files.paths(`obj_${match[1]}_data`).length > 0) {
      out.push({ subset: match[1]!, list: path })
    }
  }
  return out
}

/** The dataset's name for an image path: what follows its `obj_<subset>_data/` folder. */
function imageName(path: string): string {
  const parts = path.split('/')
  for (let i = parts.length - 2; i >= 0; i--) {
    if (/^obj_.+_data$/.test(parts[i]!)) return parts.slice(i + 1).join('/')
  }
  return basename(path)
}

export function readYolo(files: FileTree, options?: ReadOptions): Dataset {
  const config = parseObjData(files)
  const { names } = readNames(files, config)
  const labels: DatasetLabel[] = names.map((name, i) => ({ name, attributes: [], sourceId: i }))
  const lists = subsetLists(files, config)
  if (lists.length === 0) {
    throw new FormatError(
      'obj.data',
      '',
      'expected image lists (`train = data/train.txt`) or train.txt beside obj_train_data/',
    )
  }

  const entries: { subset: string; list: string; line: number; written: string }[] = []
  for (const { subset, list } of lists) {
    textLines(files.bytes(list)).forEach((raw, i) => {
      const written = raw.trim()
      if (written !== '') entries.push({ subset, list, line: i + 1, written })
    })
  }

  const images: DatasetImage[] = []
  for (const [index, entry] of entries.entries()) {
    throwIfCancelled(options?.signal)
    const { subset, list, line, written } = entry
    if (!isImagePath(written)) {
      throw new FormatError(
        list,
        `line ${line}`,
        `expected an image path, got ${JSON.stringify(written)}`,
      )
    }
    const normalized = normalizePath(written)
    const imagePath = findFile(files, normalized)
    const name = imageName(imagePath ?? normalized.replace(/^data\//, ''))
    const labelPath =
      findFile(files, stripExtension(imagePath ?? normalized) + '.txt') ??
      findFile(files, stripExtension(normalized.replace(/(^|\/)images\//, '$1labels/')) + '.txt')
    const data = imagePath ? files.get(imagePath) : undefined
    const { width, height } = imageSizeOf(name, data, imagePath ?? name, labelPath ?? list, options)
    const image: DatasetImage = {
      name,
      width,
      height,
      subset: subset || DEFAULT_SUBSET,
      annotations: [],
      tags: [],
    }
    if (data) image.data = data
    if (labelPath) {
      for (const row of parseLabelRows(labelPath, files.bytes(labelPath), labels.length)) {
        if (row.values.length !== 4) {
          throw new FormatError(
            labelPath,
            `line ${row.line}`,
            `expected 5 numbers (class cx cy w h), got ${row.values.length + 1}`,
          )
        }
        image.annotations.push({
          type: 'rectangle',
          label: labels[row.classIndex]!.name,
          points: boxFromCenter(labelPath, row, row.values, width, height),
          attributes: {},
        })
      }
    }
    images.push(image)
    options?.onProgress?.({ done: index + 1, total: entries.length, phase: 'read' })
  }
  return { labels, images }
}
