// A dataset on the move: a set of files by `/`-separated relative path, read from or written to
// a zip (fflate) or a folder (by the caller, who owns the file system).

import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate'
import type { z } from 'zod'
import { FormatError, jsonPath } from './errors'

/** Normalizes a path: `\` → `/`, no leading `./` or `/`, no empty or `.` segments. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
}

const IMAGE_EXTENSIONS = new Set([
  'jpg',
  'jpeg',
  'png',
  'gif',
  'bmp',
  'webp',
  'tif',
  'tiff',
  'avif',
  'heic',
  'heif',
])

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase()
}

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extensionOf(path))
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The name without its extension: `a/b/c.jpg` → `a/b/c`. */
export function stripExtension(path: string): string {
  const ext = extensionOf(path)
  return ext ? path.slice(0, -(ext.length + 1)) : path
}

/** Folder names that belong to dataset layouts, never stripped as a wrapper folder. */
const DATASET_FOLDERS = new Set([
  'annotations',
  'images',
  'labels',
  'jpegimages',
  'imagesets',
  'segmentationclass',
  'segmentationobject',
  'train',
  'valid',
  'val',
  'test',
  'default',
])

export class FileTree {
  private readonly files = new Map<string, Uint8Array>()

  constructor(entries?: Iterable<readonly [string, Uint8Array | string]>) {
    if (entries) for (const [path, data] of entries) this.set(path, data)
  }

  /**
   * Reads a zip. Folders and macOS metadata (`__MACOSX/`, `._*`, `.DS_Store`) are skipped; when
   * every file sits under one top folder, that folder is stripped (zips made by "compress folder").
   */
  static fromZip(bytes: Uint8Array): FileTree {
    let entries: Record<string, Uint8Array>
    try {
      entries = unzipSync(bytes)
    } catch (error) {
      throw new FormatError('(archive)', '', `expected a zip file (${(error as Error).message})`)
    }
    const tree = new FileTree()
    for (const [path, data] of Object.entries(entries)) {
      const clean = normalizePath(path)
      const base = basename(clean)
      if (!clean || path.endsWith('/')) continue
      if (clean.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store') continue
      tree.set(clean, data)
    }
    return tree.stripCommonRoot()
  }

  /**
   * The same files without a single top folder that holds all of them (a zip made by "compress
   * folder"), unless that folder is one a dataset layout names itself (`annotations/`, `train/`,
   * `JPEGImages/`, `obj_train_data/`, ...): a CVAT COCO export without images holds nothing but
   * `annotations/instances_default.json`, and Roboflow's single-subset zip nothing but `train/`.
   */
  stripCommonRoot(): FileTree {
    const paths = this.paths()
    if (paths.length === 0) return this
    const first = paths[0]!.split('/')[0]!
    if (!paths.every((path) => path.startsWith(first + '/'))) return this
    if (DATASET_FOLDERS.has(first.toLowerCase()) || /^obj_/i.test(first)) return this
    const tree = new FileTree()
    for (const [path, data] of this.files) tree.set(path.slice(first.length + 1), data)
    return tree
  }

  toZip(): Uint8Array {
    const entries: Zippable = {}
    for (const [path, data] of this.files) {
      // images are compressed already; deflating them again costs time for nothing
      entries[path] = isImagePath(path) ? [data, { level: 0 }] : data
    }
    return zipSync(entries, { level: 6 })
  }

  set(path: string, data: Uint8Array | string): void {
    this.files.set(normalizePath(path), typeof data === 'string' ? strToU8(data) : data)
  }

  has(path: string): boolean {
    return this.files.has(normalizePath(path))
  }

  get(path: string): Uint8Array | undefined {
    return this.files.get(normalizePath(path))
  }

  get size(): number {
    return this.files.size
  }

  /** All paths, sorted; with `prefix` (a folder, no trailing `/` needed) only those under it. */
  paths(prefix?: string): string[] {
    const all = [...this.files.keys()]
    const folder = prefix === undefined ? '' : normalizePath(prefix)
    const under = folder ? all.filter((path) => path.startsWith(folder + '/')) : all
    return under.sort()
  }

  entries(): IterableIterator<[string, Uint8Array]> {
    return this.files.entries()
  }

  /** A file's bytes, or a FormatError naming the missing file. */
  bytes(path: string, why = 'expected this file'): Uint8Array {
    const data = this.get(path)
    if (!data) throw new FormatError(normalizePath(path), '', `missing: ${why}`)
    return data
  }

  /** A file as UTF-8 text (a leading byte-order mark is dropped). */
  text(path: string): string {
    return decodeText(this.bytes(path))
  }

  /** A file parsed as JSON; a syntax error names the line and column. */
  json(path: string): unknown {
    return parseJson(normalizePath(path), this.text(path))
  }
}

export function decodeText(bytes: Uint8Array): string {
  const text = strFromU8(bytes)
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: offset - start + 1 }
}

export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    // V8 names the offset only for some errors; find it ourselves otherwise.
    const position = /position (\d+)/.exec(message)
    const offset = position ? Number(position[1]) : jsonErrorOffset(text)
    const { line, column } = lineColumn(text, offset)
    throw new FormatError(
      file,
      `line ${line}, column ${column}`,
      `expected valid JSON (${message})`,
    )
  }
}

/**
 * The offset of the first JSON syntax error in `text` (its length when the text ends too early),
 * by a small recursive scanner; only called after JSON.parse has failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0
  const fail = (at = i): never => {
    throw at
  }
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail()
      i++
    }
  }
  const string = () => {
    i++
    while (i < text.length) {
      const ch = text.charCodeAt(i)
      if (ch === 34) return void i++
      if (ch < 32) fail()
      if (ch === 92) {
        i++
        const esc = text[i]
        if (esc === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) fail(i + k)
          i += 4
        } else if (esc === undefined || !'"\\/bfnrt'.includes(esc)) fail()
      }
      i++
    }
    fail()
  }
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (!match || match[0] === '-') fail()
    i += match![0].length
  }
  const value = (): void => {
    space()
    const ch = text[i]
    if (ch === '{') {
      i++
      space()
      if (text[i] === '}') return void i++
      for (;;) {
        space()
        if (text[i] !== '"') fail()
        string()
        space()
        if (text[i] !== ':') fail()
        i++
        value()
        space()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else fail()
      }
    } else if (ch === '[') {
      i++
      space()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        space()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else fail()
      }
    } else if (ch === '"') string()
    else if (ch === 't') literal('true')
    else if (ch === 'f') literal('false')
    else if (ch === 'n') literal('null')
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number()
    else fail()
  }
  try {
    value()
    space()
    if (i < text.length) fail()
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length)
    throw offset
  }
  return text.length
}

/**
 * Validates parsed data with a zod schema; the first problem becomes a FormatError with its JSON
 * path, e.g. `annotations[3].bbox: expected 4 numbers` (write schemas with `error` messages that
 * say what was expected).
 */
export function parseWithSchema<T extends z.ZodType>(
  file: string,
  data: unknown,
  schema: T,
): z.output<T> {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  throw new FormatError(file, jsonPath(issue.path), issue.message)
}
