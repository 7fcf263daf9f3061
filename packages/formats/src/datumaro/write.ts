// Datumaro export as CVAT writes it: `annotations/<subset>.json` {info, categories, items},
// images in `images/<subset>/`.
//
// - labels → `categories.label.labels` (attribute names per label); a skeleton label is followed by
//   its nodes as labels whose `parent` is the skeleton, with a `categories.points` entry (nodes and
//   1-based joints); label colors → `categories.mask.colormap`;
// - rectangle → bbox, ellipse → `points` [x1, y1, x2, y2], mask → compressed `rle` over the image,
//   skeleton → CVAT's `elements` (hidden/occluded/visible → visibility 0/1/2 and
//   `outside`/`occluded`), tag → label, caption → caption;
// - `occluded`, `rotation`, `crowd` (`is_crowd`) and `score` go into `attributes`.

import { boxRleToImageRle, rleCountsToString } from '@loupe/masks'
import type { NodeVisibility } from '@loupe/model'
import { DEFAULT_SUBSET, type Dataset, type DatasetAnnotation, type DatasetImage } from '../dataset'
import { throwIfCancelled } from '../errors'
import { FileTree, stripExtension } from '../files'
import type { WriteOptions } from '../format'
import { tidy } from '../coco/json'
import { JsonArrayParts, encodeJson, joinBytes } from '../json-parts'

/** Images per chunk of an annotations file (each chunk is stringified and encoded on its own). */
const CHUNK_IMAGES = 500

const V: Record<NodeVisibility, number> = { hidden: 0, occluded: 1, visible: 2 }

interface Categories {
  json: Record<string, unknown>
  /** Label name → label index. */
  index: Map<string, number>
  /** Skeleton label name → the label index of each node. */
  nodes: Map<string, number[]>
}

function categories(dataset: Dataset): Categories {
  const labels: { name: string; parent: string; attributes: string[] }[] = []
  const points: { label_id: number; labels: string[]; joints: number[][] }[] = []
  const colormap: { label_id: number; r: number; g: number; b: number }[] = []
  const index = new Map<string, number>()
  const nodes = new Map<string, number[]>()
  for (const label of dataset.labels) {
    const id = labels.length
    index.set(label.name, id)
    labels.push({
      name: label.name,
      parent: '',
      attributes: label.attributes.map((attribute) => attribute.name).sort(),
    })
    const color = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(label.color ?? '')
    if (color) {
      const [r, g, b] = color.slice(1).map((hex) => parseInt(hex, 16)) as [number, number, number]
      colormap.push({ label_id: id, r, g, b })
    }
    if (label.skeleton) {
      const { nodes: names, edges } = label.skeleton
      points.push({ label_id: id, labels: names, joints: edges.map(([a, b]) => [a + 1, b + 1]) })
      nodes.set(
        label.name,
        names.map((name) => {
          labels.push({ name, parent: label.name, attributes: [] })
          return labels.length - 1
        }),
      )
    }
  }
  const json: Record<string, unknown> = { label: { labels, attributes: ['occluded'] } }
  if (colormap.length > 0) json.mask = { colormap }
  if (points.length > 0) json.points = { items: points }
  return { json, index, nodes }
}

export function writeDatumaro(dataset: Dataset, options?: WriteOptions): FileTree {
  const tree = new FileTree()
  const cats = categories(dataset)
  const subsets = new Map<string, DatasetImage[]>()
  for (const image of dataset.images) {
    const list = subsets.get(image.subset)
    if (list) list.push(image)
    else subsets.set(image.subset, [image])
  }
  if (subsets.size === 0) subsets.set(DEFAULT_SUBSET, [])
  const includeImages = options?.includeImages !== false
  const total = dataset.images.length
  let done = 0
  const head = encodeJson(`{"info":{},"categories":${JSON.stringify(cats.json)},"items":`)
  for (const [subset, images] of subsets) {
    const ids = itemIds(images)
    // Items of CHUNK_IMAGES images at a time, stringified and encoded (see json-parts.ts).
    const items = new JsonArrayParts()
    for (let from = 0; from < images.length; from += CHUNK_IMAGES) {
      const chunk = images.slice(from, from + CHUNK_IMAGES).map((image, i) => {
        throwIfCancelled(options?.signal)
        if (includeImages && image.data) tree.set(`images/${subset}/${image.name}`, image.data)
        options?.onProgress?.({ done: ++done, total, phase: 'export' })
        const item: Record<string, unknown> = {
          id: ids[from + i],
          annotations: annotationsOf(image, cats),
        }
        if (image.sourceId !== undefined) item.attr = { id: image.sourceId }
        item.image = { path: image.name, size: [image.height, image.width] }
        return item
      })
      items.add(chunk)
    }
    tree.set(`annotations/${subset}.json`, joinBytes([head, ...items.parts(), encodeJson('}')]))
  }
  return tree
}

/** Item ids: the name without its extension, unless two images of the subset would share one. */
function itemIds(images: readonly DatasetImage[]): string[] {
  const counts = new Map<string, number>()
  const stems = images.map((image) => stripExtension(image.name))
  for (const stem of stems) counts.set(stem, (counts.get(stem) ?? 0) + 1)
  return stems.map((stem, i) => ((counts.get(stem) ?? 0) > 1 ? images[i]!.name : stem))
}

function attributesOf(ann: DatasetAnnotation): Record<string, unknown> {
  const out: Record<string, unknown> = { occluded: !!ann.occluded }
  for (const name in ann.attributes) {
    if (name !== 'occluded' && name !== 'rotation') out[name] = ann.attributes[name]
  }
  if (ann.rotation && (ann.type === 'rectangle' || ann.type === 'ellipse')) {
    out.rotation = ann.rotation
  }
  if (ann.crowd) out.is_crowd = true
  if (ann.score !== undefined) out.score = ann.score
  return out
}

function annotationsOf(image: DatasetImage, cats: Categories): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = []
  for (const ann of image.annotations) {
    const labelId = cats.index.get(ann.label)
    if (labelId === undefined) continue
    const common = {
      id: ann.sourceId ?? 0,
      type: '',
      attributes: attributesOf(ann),
      group: ann.group ?? 0,
      label_id: labelId,
    }
    const z_order = ann.zOrder ?? 0
    const p = ann.points
    switch (ann.type) {
      case 'rectangle': {
        const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = p
        const bbox = [
          Math.min(x1, x2),
          Math.min(y1, y2),
          tidy(Math.abs(x2 - x1)),
          tidy(Math.abs(y2 - y1)),
        ]
        out.push({ ...common, type: 'bbox', z_order, bbox })
        break
      }
      case 'polygon':
      case 'polyline':
        out.push({ ...common, type: ann.type, points: p, z_order })
        break
      case 'points':
        out.push({
          ...common,
          type: 'points',
          points: p,
          z_order,
          visibility: p.filter((_, i) => i % 2 === 0).map(() => 2),
        })
        break
      case 'ellipse': {
        const [cx = 0, cy = 0, rx = 0, ry = 0] = p
        const points = [tidy(cx - rx), tidy(cy - ry), tidy(cx + rx), tidy(cy + ry)]
        out.push({ ...common, type: 'ellipse', points, z_order })
        break
      }
      case 'mask': {
        if (!ann.mask) break
        const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = p
        const rle = boxRleToImageRle(ann.mask, { x1, y1, x2, y2 }, image.width, image.height)
        out.push({
          ...common,
          type: 'mask',
          rle: { counts: rleCountsToString(rle.counts), size: rle.size },
          z_order,
        })
        break
      }
      case 'skeleton': {
        const nodes = cats.nodes.get(ann.label)
        if (!nodes || p.length !== nodes.length * 2) break
        const elements = nodes.map((nodeLabel, i) => {
          const visibility = ann.visibility?.[i] ?? 'visible'
          return {
            id: 0,
            type: 'points',
            attributes: { occluded: visibility === 'occluded', outside: visibility === 'hidden' },
            group: 0,
            label_id: nodeLabel,
            points: [p[2 * i]!, p[2 * i + 1]!],
            z_order: 0,
            visibility: [V[visibility]],
          }
        })
        out.push({ ...common, type: 'skeleton', z_order, elements })
        break
      }
    }
  }
  for (const tag of image.tags) {
    const labelId = cats.index.get(tag.label)
    if (labelId === undefined) continue
    out.push({
      id: 0,
      type: 'label',
      attributes: { ...tag.attributes },
      group: 0,
      label_id: labelId,
    })
  }
  for (const caption of image.captions ?? []) {
    out.push({ id: 0, type: 'caption', attributes: {}, group: 0, caption })
  }
  return out
}
