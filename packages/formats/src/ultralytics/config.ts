// The dataset YAML of Ultralytics (`data.yaml`): class names as a list or an index → name map,
// `path`, subset entries (`train`, `val`, `test`, each a folder, an image list or a list of
// those), and for pose datasets `kpt_shape: [keypoints, 2|3]` and optional `kpt_names`.

import { parseDocument, stringify } from 'yaml'
import { FormatError } from '../errors'
import { basename, decodeText, type FileTree } from '../files'
import { checkClassNames } from '../yolo/label-rows'

/** Keys of data.yaml that are not subsets. */
const RESERVED_KEYS = new Set([
  'path',
  'names',
  'nc',
  'kpt_shape',
  'kpt_names',
  'flip_idx',
  'download',
  'yaml_file',
  'channels',
  'kpt_oks_sigmas',
])

/** Subset keys that must point at something in the archive (Ultralytics: `test` is optional). */
export const REQUIRED_SUBSETS = new Set(['train', 'val', 'valid'])

/** Subset folder names, stripped from image names (`images/train/a.jpg` → `a.jpg`). */
export const SUBSET_FOLDERS = new Set(['train', 'val', 'valid', 'test', 'minival'])

export interface UltralyticsConfig {
  file: string
  /** Class names by index. */
  names: string[]
  /** `path` when it is relative (an absolute path names the machine that made the file). */
  path: string
  /** Subset key → the entries it names, in file order. */
  subsets: { key: string; entries: string[] }[]
  kptShape?: [number, number]
  /** Class index → keypoint names. */
  kptNames: Map<number, string[]>
}

/** The dataset YAML: `data.yaml`, else the one top-level `.yaml`/`.yml` file with `names`. */
export function findConfig(files: FileTree): string | undefined {
  if (files.has('data.yaml')) return 'data.yaml'
  if (files.has('data.yml')) return 'data.yml'
  return files
    .paths()
    .filter((path) => !path.includes('/') && /\.ya?ml$/i.test(path))
    .find((path) => /^names\s*:/m.test(decodeText(files.get(path)!)))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const scalar = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

function readNames(file: string, value: unknown, nc: unknown): string[] {
  let names: string[]
  if (Array.isArray(value)) {
    value.forEach((name, i) => {
      if (!scalar(name)) throw new FormatError(file, `names[${i}]`, 'expected a class name')
    })
    names = value.map(String)
  } else if (isRecord(value)) {
    names = []
    for (const [key, name] of Object.entries(value)) {
      if (!/^\d+$/.test(key)) {
        throw new FormatError(
          file,
          'names',
          `expected class indexes as keys, got ${JSON.stringify(key)}`,
        )
      }
      if (!scalar(name)) throw new FormatError(file, `names[${key}]`, 'expected a class name')
      names[Number(key)] = String(name)
    }
    for (let i = 0; i < names.length; i++) {
      if (names[i] === undefined) {
        throw new FormatError(
          file,
          'names',
          `expected class indexes 0 to ${names.length - 1}, ${i} is missing`,
        )
      }
    }
  } else {
    throw new FormatError(
      file,
      'names',
      'expected a list of class names or a map of class index to name',
    )
  }
  checkClassNames(file, names, (i) => `names[${i}]`)
  if (nc !== undefined && nc !== null && nc !== names.length) {
    throw new FormatError(
      file,
      'nc',
      `expected ${names.length} (the number of names), got ${JSON.stringify(nc)}`,
    )
  }
  return names
}

function readKptShape(file: string, value: unknown): [number, number] | undefined {
  if (value === undefined || value === null) return undefined
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isInteger(value[0]) &&
    value[0] > 0 &&
    (value[1] === 2 || value[1] === 3)
  if (!ok) {
    throw new FormatError(file, 'kpt_shape', 'expected [number of keypoints, 2 or 3]')
  }
  return [value[0] as number, value[1] as number]
}

function readKptNames(file: string, value: unknown, shape: [number, number] | undefined) {
  const out = new Map<number, string[]>()
  if (value === undefined || value === null) return out
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((names, i) => [String(i), names])
    : isRecord(value)
      ? Object.entries(value)
      : []
  if (entries.length === 0 && !Array.isArray(value)) {
    throw new FormatError(file, 'kpt_names', 'expected a map of class index to keypoint names')
  }
  for (const [key, names] of entries) {
    const valid =
      /^\d+$/.test(key) &&
      Array.isArray(names) &&
      names.every(scalar) &&
      (!shape || names.length <= shape[0])
    if (!valid) {
      throw new FormatError(
        file,
        `kpt_names[${key}]`,
        `expected a list of at most ${shape?.[0] ?? 'kpt_shape'} keypoint names`,
      )
    }
    out.set(Number(key), (names as unknown[]).map(String))
  }
  return out
}

export function readConfig(files: FileTree, file: string): UltralyticsConfig {
  const text = decodeText(files.bytes(file))
  const doc = parseDocument(text)
  const error = doc.errors[0]
  if (error) {
    const pos = error.linePos?.[0]
    const where = pos ? `line ${pos.line}, column ${pos.col}` : ''
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new FormatError(file, where, `expected valid YAML (${message})`)
  }
  const data: unknown = doc.toJS()
  if (!isRecord(data)) throw new FormatError(file, '', 'expected a YAML map (names, train, val, …)')
  const names = readNames(file, data.names, data.nc)
  const kptShape = readKptShape(file, data.kpt_shape)
  const kptNames = readKptNames(file, data.kpt_names, kptShape)
  if (kptNames.size > 0 && !kptShape) {
    throw new FormatError(
      file,
      'kpt_shape',
      'expected [number of keypoints, 2 or 3] beside kpt_names',
    )
  }
  let path = ''
  if (typeof data.path === 'string' && !/^([/\\]|[A-Za-z]:)/.test(data.path)) path = data.path
  const subsets: UltralyticsConfig['subsets'] = []
  for (const [key, value] of Object.entries(data)) {
    if (RESERVED_KEYS.has(key) || value === null || value === undefined) continue
    if (typeof value === 'string') subsets.push({ key, entries: [value] })
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      subsets.push({ key, entries: value as string[] })
    } else if (SUBSET_FOLDERS.has(key)) {
      throw new FormatError(file, key, 'expected a folder, an image list file, or a list of those')
    }
  }
  return { file: basename(file), names, path, subsets, kptShape, kptNames }
}

/** A YAML scalar as PyYAML (YAML 1.1, which Ultralytics uses) reads it back as the same string. */
export function yamlString(value: string): string {
  return stringify(value, { version: '1.1' }).trimEnd()
}
