// Reads LabelMe JSON: every `.json` file with a `shapes` list is one image's annotations; the
// image is `imagePath` relative to the JSON file (or `imageData`, base64, when embedded).

import { probeImage } from '@loupe/imaging'
import { bitmapToRle } from '@loupe/masks'
import type { AttributeValue } from '@loupe/model'
import { z } from 'zod'
import {
  DEFAULT_SUBSET,
  type Dataset,
  type DatasetAnnotation,
  type DatasetAttribute,
  type DatasetImage,
  type DatasetLabel,
} from '../dataset'
import { FormatError, jsonPath, throwIfCancelled } from '../errors'
import {
  basename,
  extensionOf,
  isImagePath,
  parseWithSchema,
  stripExtension,
  type FileTree,
} from '../files'
import type { ReadOptions } from '../format'
import { base64Decode } from './base64'
import { maskFromBase64Png } from './mask-png'

const point = z.tuple([z.number({ error: 'expected x' }), z.number({ error: 'expected y' })], {
  error: 'expected a point [x, y]',
})

const flags = z
  .record(z.string(), z.boolean({ error: 'expected true or false' }), {
    error: 'expected an object of true/false flags',
  })
  .nullish()

const shapeSchema = z.looseObject(
  {
    label: z.string({ error: 'expected a label name' }),
    points: z.array(point, { error: 'expected a list of [x, y] points' }),
    group_id: z.int({ error: 'expected an integer or null' }).nullish(),
    description: z.string({ error: 'expected a string or null' }).nullish(),
    shape_type: z.string({ error: 'expected a shape type' }).nullish(),
    flags,
    mask: z.string({ error: 'expected a base64 PNG or null' }).nullish(),
    // Loupe's attributes that LabelMe has no field for (labelme keeps unknown shape keys)
    attributes: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], {
          error: 'expected a string, number or boolean',
        }),
        { error: 'expected an object of attribute values' },
      )
      .optional(),
  },
  { error: 'expected a shape object' },
)

const fileSchema = z.looseObject(
  {
    version: z.string({ error: 'expected a version string' }).nullish(),
    flags,
    shapes: z.array(shapeSchema, { error: 'expected a list of shapes' }),
    imagePath: z.string({ error: "expected the image's path" }),
    imageData: z.string({ error: 'expected base64 image data or null' }).nullish(),
    imageHeight: z.int({ error: 'expected a positive integer' }).positive().nullish(),
    imageWidth: z.int({ error: 'expected a positive integer' }).positive().nullish(),
  },
  { error: 'expected a LabelMe object' },
)

type LabelmeShape = z.output<typeof shapeSchema>

export const SHAPE_TYPES = [
  'polygon',
  'rectangle',
  'circle',
  'line',
  'linestrip',
  'point',
  'points',
  'mask',
  'oriented_rectangle',
] as const

/** Whether parsed JSON is a LabelMe file (an object with `shapes`). */
export function isLabelmeJson(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && 'shapes' in data
}

/** The image a LabelMe file names: `imagePath` relative to the JSON file's folder. */
export function resolveImagePath(jsonFile: string, imagePath: string): string {
  const path = imagePath.replace(/\\/g, '/')
  // an absolute path (`C:/data/a.jpg`, `/home/me/a.jpg`) can only mean the file beside the JSON
  const relative = /^([a-zA-Z]:)?\//.test(path) ? basename(path) : path
  const parts = jsonFile.includes('/')
    ? jsonFile.slice(0, jsonFile.lastIndexOf('/')).split('/')
    : []
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') parts.pop()
    else parts.push(segment)
  }
  return parts.join('/')
}

type ValueKind = 'string' | 'number' | 'boolean'

/** Labels by name, and what kinds of values each attribute has held. */
class Labels {
  readonly list: DatasetLabel[] = []
  private readonly byName = new Map<
    string,
    { label: DatasetLabel; kinds: Map<string, Set<ValueKind>> }
  >()

  get(name: string): DatasetLabel {
    return this.entry(name).label
  }

  private entry(name: string) {
    let entry = this.byName.get(name)
    if (!entry) {
      entry = { label: { name, type: 'any', attributes: [] }, kinds: new Map() }
      this.byName.set(name, entry)
      this.list.push(entry.label)
    }
    return entry
  }

  /** Notes an attribute value of a label's shape, declaring the attribute on first sight. */
  note(labelName: string, name: string, value: AttributeValue): void {
    const entry = this.entry(labelName)
    const kind = typeof value as ValueKind
    let kinds = entry.kinds.get(name)
    if (!kinds) {
      kinds = new Set()
      entry.kinds.set(name, kinds)
      const type = kind === 'boolean' ? 'checkbox' : kind === 'number' ? 'number' : 'text'
      const attribute: DatasetAttribute = {
        name,
        type,
        values: [],
        default: type === 'checkbox' ? false : type === 'number' ? 0 : '',
        mutable: false,
      }
      entry.label.attributes.push(attribute)
    }
    kinds.add(kind)
  }

  /** Attributes that held values of several kinds become text, and their values strings. */
  settle(images: DatasetImage[]): void {
    const mixed = new Map<string, Set<string>>()
    for (const [labelName, entry] of this.byName) {
      for (const [name, kinds] of entry.kinds) {
        if (kinds.size < 2) continue
        const attribute = entry.label.attributes.find((a) => a.name === name)!
        attribute.type = 'text'
        attribute.default = ''
        let names = mixed.get(labelName)
        if (!names) mixed.set(labelName, (names = new Set()))
        names.add(name)
      }
    }
    if (mixed.size === 0) return
    for (const image of images) {
      for (const ann of image.annotations) {
        const names = mixed.get(ann.label)
        if (!names) continue
        for (const name of names) {
          const value = ann.attributes[name]
          if (value !== undefined) ann.attributes[name] = String(value)
        }
      }
    }
  }
}

export function readLabelme(files: FileTree, options: ReadOptions = {}): Dataset {
  const documents: { path: string; data: unknown }[] = []
  for (const path of files.paths()) {
    if (extensionOf(path) !== 'json') continue
    const data = files.json(path)
    if (isLabelmeJson(data)) documents.push({ path, data })
  }
  if (documents.length === 0) {
    throw new FormatError(
      '(archive)',
      '',
      'expected LabelMe JSON files (one per image, with "shapes" and "imagePath")',
    )
  }
  const labels = new Labels()
  const images: DatasetImage[] = []
  const byName = new Map<string, DatasetImage>()
  let done = 0
  for (const { path, data } of documents) {
    throwIfCancelled(options.signal)
    const file = parseWithSchema(path, data, fileSchema)
    const name = imageName(files, path, file.imagePath)
    const annotations = file.shapes.map((shape, i) => readShape(path, shape, i, labels))
    const tags = []
    for (const [flag, on] of Object.entries(file.flags ?? {})) {
      labels.get(flag)
      if (on) tags.push({ label: flag, attributes: {} })
    }
    const known = byName.get(name)
    if (known) {
      // two label files for one image: their shapes and tags add up
      known.annotations.push(...annotations)
      for (const tag of tags) {
        if (!known.tags.some((t) => t.label === tag.label)) known.tags.push(tag)
      }
    } else {
      let bytes = files.get(name)
      if (!bytes && file.imageData) {
        bytes = base64Decode(file.imageData) ?? undefined
        if (!bytes) throw new FormatError(path, 'imageData', 'expected base64 image data')
      }
      const size = imageSize(path, file, name, bytes, options)
      const image: DatasetImage = { name, ...size, subset: DEFAULT_SUBSET, annotations, tags }
      if (bytes) image.data = bytes
      byName.set(name, image)
      images.push(image)
    }
    options.onProgress?.({ done: ++done, total: documents.length, phase: 'read' })
  }
  labels.settle(images)
  return { labels: labels.list, images }
}

function imageName(files: FileTree, path: string, imagePath: string): string {
  if (imagePath.trim() !== '') return resolveImagePath(path, imagePath)
  // no imagePath: the image beside the JSON file with the same stem
  const stem = stripExtension(path)
  const beside = files.paths().find((p) => isImagePath(p) && stripExtension(p) === stem)
  if (!beside) throw new FormatError(path, 'imagePath', "expected the image's path")
  return beside
}

function imageSize(
  path: string,
  file: z.output<typeof fileSchema>,
  name: string,
  bytes: Uint8Array | undefined,
  options: ReadOptions,
): { width: number; height: number } {
  if (file.imageWidth && file.imageHeight) {
    return { width: file.imageWidth, height: file.imageHeight }
  }
  if (bytes) {
    const probe = probeImage(bytes)
    if (probe.ok) return { width: probe.image.width, height: probe.image.height }
  }
  const known = options.imageSize?.(name)
  if (known) return known
  throw new FormatError(
    path,
    'imageWidth',
    `expected imageWidth and imageHeight, or the image file ${name}`,
  )
}

function readShape(
  path: string,
  shape: LabelmeShape,
  index: number,
  labels: Labels,
): DatasetAnnotation {
  const fail = (key: string, expected: string) =>
    new FormatError(path, jsonPath(['shapes', index, key]), expected)
  const pts = shape.points
  const flat = pts.flat()
  const type = shape.shape_type ?? 'polygon'
  const need = (count: number, what: string) => {
    if (pts.length < count) throw fail('points', `expected ${what}`)
  }
  const ann: DatasetAnnotation = {
    type: 'polygon',
    label: shape.label,
    points: flat,
    attributes: {},
  }
  labels.get(shape.label)
  switch (type) {
    case 'polygon':
      need(3, 'at least 3 points for a polygon')
      break
    case 'rectangle': {
      need(2, '2 points (opposite corners) for a rectangle')
      const xs = pts.map((p) => p[0])
      const ys = pts.map((p) => p[1])
      ann.type = 'rectangle'
      ann.points = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
      break
    }
    case 'oriented_rectangle':
      need(4, '4 corners for an oriented rectangle')
      orientedRectangle(ann, pts)
      break
    case 'circle': {
      if (pts.length !== 2)
        throw fail('points', 'expected 2 points (center, a point on the circle) for a circle')
      const [[cx, cy], [px, py]] = pts as [[number, number], [number, number]]
      const r = Math.hypot(px - cx, py - cy)
      if (r === 0) throw fail('points', 'expected a circle with a non-zero radius')
      ann.type = 'ellipse'
      ann.points = [cx, cy, r, r]
      break
    }
    case 'line':
    case 'linestrip':
      need(2, `at least 2 points for a ${type}`)
      ann.type = 'polyline'
      break
    case 'point':
    case 'points':
      need(1, `at least 1 point for a ${type}`)
      ann.type = 'points'
      break
    case 'mask': {
      need(1, 'the top-left corner of the mask')
      if (!shape.mask) throw fail('mask', 'expected a base64 PNG for a mask shape')
      const bitmap = maskFromBase64Png(shape.mask)
      if (!bitmap) throw fail('mask', 'expected a base64 PNG')
      const x = Math.round(pts[0]![0])
      const y = Math.round(pts[0]![1])
      ann.type = 'mask'
      ann.points = [x, y, x + bitmap.width, y + bitmap.height]
      ann.mask = bitmapToRle(bitmap)
      break
    }
    default:
      throw fail('shape_type', `expected one of ${SHAPE_TYPES.join('|')}, got "${type}"`)
  }
  if (shape.group_id !== undefined && shape.group_id !== null) ann.group = shape.group_id
  const attributes = ann.attributes
  const set = (name: string, value: AttributeValue) => {
    attributes[name] = value
    labels.note(shape.label, name, value)
  }
  for (const [name, value] of Object.entries(shape.flags ?? {})) set(name, value)
  if (shape.description) set('description', shape.description)
  for (const [name, value] of Object.entries(shape.attributes ?? {})) set(name, value)
  return ann
}

/** Four corners → a rectangle about their center, rotated by the first edge's angle. */
function orientedRectangle(ann: DatasetAnnotation, pts: [number, number][]): void {
  const [p0, p1, p2] = pts as [[number, number], [number, number], [number, number]]
  const cx = pts.slice(0, 4).reduce((s, p) => s + p[0], 0) / 4
  const cy = pts.slice(0, 4).reduce((s, p) => s + p[1], 0) / 4
  const w = Math.hypot(p1[0] - p0[0], p1[1] - p0[1])
  const h = Math.hypot(p2[0] - p1[0], p2[1] - p1[1])
  const degrees = (Math.atan2(p1[1] - p0[1], p1[0] - p0[0]) * 180) / Math.PI
  const rotation = tidy(((degrees % 360) + 360) % 360)
  ann.type = 'rectangle'
  ann.points = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map(tidy)
  if (rotation !== 0 && rotation !== 360) ann.rotation = rotation
}

/** Drops floating-point noise from computed values (`29.999999999999996` → `30`). */
function tidy(value: number): number {
  return Number(value.toPrecision(12))
}
