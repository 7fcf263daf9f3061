// Writes LabelMe JSON as the labelme tool saves it: one `<image stem>.json` beside each image,
// keys in labelme's order, `imageData` null unless asked for.

import { rleToBitmap } from '@loupe/masks'
import type { Dataset, DatasetAnnotation, DatasetLabel } from '../dataset'
import { throwIfCancelled } from '../errors'
import { basename, FileTree, stripExtension } from '../files'
import type { WriteOptions } from '../format'
import { base64Encode } from './base64'
import { maskToBase64Png } from './mask-png'

/** The labelme version written into files (the 5.x file layout, which every later one reads). */
export const LABELME_VERSION = '5.5.0'

/** Vertices of an ellipse that is not a circle, written as a polygon. */
export const ELLIPSE_VERTICES = 64

export interface LabelmeWriteOptions extends WriteOptions {
  /** Embed each image's bytes (base64) in `imageData`, as labelme does by default; off here. */
  imageData?: boolean
}

interface LabelmeShape {
  label: string
  points: [number, number][]
  group_id: number | null
  description: string
  shape_type: string
  flags: Record<string, boolean>
  mask: string | null
  attributes?: Record<string, string | number>
}

/** Where each image and its JSON go: beside each other, a subset folder only on name clashes. */
export function labelmePaths(dataset: Dataset): { image: string; json: string }[] {
  const taken = new Set<string>()
  const images = new Set<string>()
  return dataset.images.map((image) => {
    let name = image.name
    if (images.has(name)) name = `${image.subset}/${name}`
    images.add(name)
    let json = `${stripExtension(name)}.json`
    if (taken.has(json)) json = `${name}.json`
    taken.add(json)
    return { image: name, json }
  })
}

export function writeLabelme(dataset: Dataset, options: LabelmeWriteOptions = {}): FileTree {
  const tree = new FileTree()
  const labels = new Map(dataset.labels.map((label) => [label.name, label]))
  const tagLabels = tagLabelNames(dataset)
  const paths = labelmePaths(dataset)
  const includeImages = options.includeImages !== false
  dataset.images.forEach((image, i) => {
    throwIfCancelled(options.signal)
    const { image: imagePath, json } = paths[i]!
    const flags: Record<string, boolean> = {}
    for (const name of tagLabels) flags[name] = image.tags.some((tag) => tag.label === name)
    const shapes: LabelmeShape[] = []
    const ordered = image.annotations
      .map((ann, index) => ({ ann, index }))
      .sort((a, b) => (a.ann.zOrder ?? 0) - (b.ann.zOrder ?? 0) || a.index - b.index)
    for (const { ann } of ordered) {
      const shape = toShape(ann, labels.get(ann.label))
      if (shape) shapes.push(shape)
    }
    const document = {
      version: LABELME_VERSION,
      flags,
      shapes,
      imagePath: basename(imagePath),
      imageData: options.imageData && image.data ? base64Encode(image.data) : null,
      imageHeight: image.height,
      imageWidth: image.width,
    }
    tree.set(json, JSON.stringify(document, null, 2))
    if (includeImages && image.data) tree.set(imagePath, image.data)
    options.onProgress?.({ done: i + 1, total: dataset.images.length, phase: 'write' })
  })
  return tree
}

/** Labels used as image tags anywhere: each image lists them all in `flags`, true or false. */
export function tagLabelNames(dataset: Dataset): string[] {
  const used = new Set<string>()
  for (const image of dataset.images) for (const tag of image.tags) used.add(tag.label)
  const ordered = dataset.labels.map((label) => label.name).filter((name) => used.has(name))
  for (const name of used) if (!ordered.includes(name)) ordered.push(name)
  return ordered
}

function toShape(ann: DatasetAnnotation, label: DatasetLabel | undefined): LabelmeShape | null {
  const geometry = shapeGeometry(ann)
  if (!geometry) return null
  const shape: LabelmeShape = {
    label: ann.label,
    points: geometry.points,
    group_id: ann.group ?? null,
    description: '',
    shape_type: geometry.type,
    flags: {},
    mask: geometry.mask ?? null,
  }
  const types = new Map(label?.attributes.map((a) => [a.name, a.type]))
  const extra: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(ann.attributes)) {
    const type = types.get(name)
    if (typeof value === 'boolean') shape.flags[name] = value
    else if (name === 'description' && (type === 'text' || type === undefined)) {
      shape.description = String(value)
    } else extra[name] = value
  }
  if (Object.keys(extra).length > 0) shape.attributes = extra
  return shape
}

function pairs(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!])
  return out
}

/** Rotates `(dx, dy)` about `(cx, cy)` by `degrees` (clockwise on screen, as y points down). */
function rotate(cx: number, cy: number, dx: number, dy: number, degrees: number): [number, number] {
  const a = (degrees * Math.PI) / 180
  const cos = Math.cos(a)
  const sin = Math.sin(a)
  return [tidy(cx + dx * cos - dy * sin), tidy(cy + dx * sin + dy * cos)]
}

function tidy(value: number): number {
  return Number(value.toPrecision(12))
}

function shapeGeometry(
  ann: DatasetAnnotation,
): { type: string; points: [number, number][]; mask?: string } | null {
  const p = ann.points
  switch (ann.type) {
    case 'rectangle': {
      const [x1, y1, x2, y2] = p as [number, number, number, number]
      if (!ann.rotation)
        return {
          type: 'rectangle',
          points: [
            [x1, y1],
            [x2, y2],
          ],
        }
      const cx = (x1 + x2) / 2
      const cy = (y1 + y2) / 2
      const w = (x2 - x1) / 2
      const h = (y2 - y1) / 2
      const corners: [number, number][] = [
        [-w, -h],
        [w, -h],
        [w, h],
        [-w, h],
      ]
      const points = corners.map(([dx, dy]) => rotate(cx, cy, dx, dy, ann.rotation!))
      return { type: 'polygon', points }
    }
    case 'polygon':
      return { type: 'polygon', points: pairs(p) }
    case 'polyline':
      return { type: p.length === 4 ? 'line' : 'linestrip', points: pairs(p) }
    case 'points':
      return { type: p.length === 2 ? 'point' : 'points', points: pairs(p) }
    case 'ellipse': {
      const [cx, cy, rx, ry] = p as [number, number, number, number]
      if (rx === ry)
        return {
          type: 'circle',
          points: [
            [cx, cy],
            [cx + rx, cy],
          ],
        }
      const points: [number, number][] = []
      for (let i = 0; i < ELLIPSE_VERTICES; i++) {
        const t = (2 * Math.PI * i) / ELLIPSE_VERTICES
        points.push(rotate(cx, cy, rx * Math.cos(t), ry * Math.sin(t), ann.rotation ?? 0))
      }
      return { type: 'polygon', points }
    }
    case 'mask': {
      if (!ann.mask) return null
      const [x1, y1, x2, y2] = p as [number, number, number, number]
      // labelme's second point is the last pixel of the box (inclusive), its mask the box's pixels
      return {
        type: 'mask',
        points: [
          [x1, y1],
          [x2 - 1, y2 - 1],
        ],
        mask: maskToBase64Png(rleToBitmap(ann.mask)),
      }
    }
    case 'skeleton':
      return null
  }
}
