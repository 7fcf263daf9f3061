// COCO export as CVAT and Datumaro write it: `annotations/instances_<subset>.json` for boxes,
// polygons and masks, `annotations/person_keypoints_<subset>.json` for skeletons (when the dataset
// has skeleton labels), images in `images/<subset>/`.
//
// - rectangle → `bbox`, `segmentation: []`; a rotation goes into `attributes.rotation` (as CVAT
//   writes it: the box is the unrotated one);
// - polygons sharing a group and label (and attributes) → one object with several parts;
// - mask → uncompressed RLE over the whole image, `iscrowd` from `crowd`;
// - ellipse → polygon approximation; polylines, points, tags and captions are not written;
// - skeleton → `keypoints` x,y,v (hidden/occluded/visible → 0/1/2), bbox of its labelled nodes;
// - ids: a category's, image's or annotation's `sourceId` is kept when it is free in its file.

import { boxRleToImageRle, imageRleToBoxRle, rleArea } from '@loupe/masks'
import type { NodeVisibility } from '@loupe/model'
import {
  DEFAULT_SUBSET,
  type Dataset,
  type DatasetAnnotation,
  type DatasetImage,
  type DatasetLabel,
} from '../dataset'
import { throwIfCancelled } from '../errors'
import { FileTree } from '../files'
import type { WriteOptions } from '../format'
import { ellipseToPolygon, pointBounds, polygonArea } from './geometry'
import { JsonArrayParts, encodeJson, joinBytes } from '../json-parts'
import { tidy } from './json'

interface CocoObject {
  id: number
  image_id: number
  category_id: number
  segmentation: number[][] | { counts: number[]; size: [number, number] }
  area: number
  bbox: [number, number, number, number]
  iscrowd: 0 | 1
  score?: number
  attributes: Record<string, unknown>
  keypoints?: number[]
  num_keypoints?: number
}

const V: Record<NodeVisibility, number> = { hidden: 0, occluded: 1, visible: 2 }

const LICENSES = [{ name: '', id: 0, url: '' }]

/** Images per chunk of a file: each chunk is stringified and encoded on its own. */
const CHUNK_IMAGES = 500

/**
 * Writes each file in parts, so no single string or object list holds the whole file (a million
 * annotations are ~250 MB of JSON, near V8's longest string): a first pass decides which
 * annotation becomes which object and the largest id a source asked for, the second builds the
 * objects of a few thousand images at a time, stringifies and encodes them, and lets them go.
 * The bytes are those of one `JSON.stringify` of the whole file.
 */
export function writeCoco(dataset: Dataset, options?: WriteOptions): FileTree {
  const tree = new FileTree()
  const skeletonLabels = dataset.labels.filter(isSkeletonLabel)
  const plainLabels = dataset.labels.filter((label) => !isSkeletonLabel(label))
  const plainIds = categoryIds(plainLabels)
  const skeletonIds = categoryIds(skeletonLabels)
  const info = {
    contributor: '',
    date_created: '',
    description: dataset.name ?? '',
    url: '',
    version: '',
    year: '',
  }
  const plainCategories = plainLabels.map((label) => ({
    id: plainIds.get(label.name)!,
    name: label.name,
    supercategory: '',
  }))
  const skeletonCategories = skeletonLabels.map((label) => ({
    id: skeletonIds.get(label.name)!,
    name: label.name,
    supercategory: '',
    keypoints: label.skeleton?.nodes ?? [],
    skeleton: (label.skeleton?.edges ?? []).map(([a, b]) => [a + 1, b + 1]),
  }))
  const labelsByName = new Map(dataset.labels.map((label) => [label.name, label]))
  const context: ObjectContext = { labels: labelsByName, plainIds, skeletonIds }

  const subsets = new Map<string, DatasetImage[]>()
  for (const image of dataset.images) {
    const list = subsets.get(image.subset)
    if (list) list.push(image)
    else subsets.set(image.subset, [image])
  }
  if (subsets.size === 0) subsets.set(DEFAULT_SUBSET, [])

  const includeImages = options?.includeImages !== false
  const withKeypoints = skeletonLabels.length > 0
  const total = dataset.images.length
  let done = 0
  for (const [subset, images] of subsets) {
    // pass 1: the ids wished for, in object order, and so where fresh ids start
    const imageIds = new IdAssigner()
    const instanceIds = new IdAssigner()
    const keypointIds = new IdAssigner()
    for (const image of images) {
      throwIfCancelled(options?.signal)
      imageIds.wish(image.sourceId)
      forEachObject(image, context, (kind, ann) => {
        ;(kind === 'instance' ? instanceIds : keypointIds).wish(ann.sourceId)
      })
    }
    imageIds.start()
    instanceIds.start()
    keypointIds.start()

    // pass 2: objects of CHUNK_IMAGES images at a time, stringified and encoded
    const imageParts = new JsonArrayParts()
    const instanceParts = new JsonArrayParts()
    const keypointParts = new JsonArrayParts()
    for (let from = 0; from < images.length; from += CHUNK_IMAGES) {
      const chunk = images.slice(from, from + CHUNK_IMAGES)
      const cocoImages: unknown[] = []
      const instances: CocoObject[] = []
      const keypoints: CocoObject[] = []
      for (const image of chunk) {
        throwIfCancelled(options?.signal)
        const imageId = imageIds.next()
        writeImageObjects(image, imageId, context, (kind, object) => {
          if (kind === 'instance') {
            object.id = instanceIds.next()
            instances.push(object)
          } else {
            object.id = keypointIds.next()
            keypoints.push(object)
          }
        })
        if (includeImages && image.data) tree.set(`images/${subset}/${image.name}`, image.data)
        options?.onProgress?.({ done: ++done, total, phase: 'export' })
        cocoImages.push({
          id: imageId,
          width: image.width,
          height: image.height,
          file_name: image.name,
          license: 0,
          flickr_url: '',
          coco_url: '',
          date_captured: 0,
        })
      }
      imageParts.add(cocoImages)
      instanceParts.add(instances)
      if (withKeypoints) keypointParts.add(keypoints)
    }
    const file = (categories: unknown[], annotations: JsonArrayParts) => {
      const head = JSON.stringify({ licenses: LICENSES, info, categories })
      return joinBytes([
        encodeJson(head.slice(0, -1) + ',"images":'),
        ...imageParts.parts(),
        encodeJson(',"annotations":'),
        ...annotations.parts(),
        encodeJson('}'),
      ])
    }
    tree.set(`annotations/instances_${subset}.json`, file(plainCategories, instanceParts))
    if (withKeypoints) {
      tree.set(
        `annotations/person_keypoints_${subset}.json`,
        file(skeletonCategories, keypointParts),
      )
    }
  }
  return tree
}

function isSkeletonLabel(label: DatasetLabel): boolean {
  return label.type === 'skeleton' || label.skeleton !== undefined
}

/**
 * The ids of one list, handed out in order: a wish (a non-negative integer) is granted to the
 * first that makes it; the rest get fresh ids after the largest granted one (at least 1). The
 * same ids as `assignIds`, without holding the list: wishes are made in a first pass (only the
 * largest matters), `next` is called in the same order in the second. Wishes that only ever grow
 * (the usual case: ids read from a file) cannot repeat, so no set of taken ids is needed.
 */
class IdAssigner {
  /** Wishes in order; NaN for none. */
  private readonly wishes: number[] = []
  private taken: Set<number> | undefined
  private max = 0
  private last = -1
  private increasing = true
  private fresh = 1
  private index = 0

  wish(id: number | undefined): void {
    if (id !== undefined && Number.isSafeInteger(id) && id >= 0) {
      this.wishes.push(id)
      if (id <= this.last) this.increasing = false
      this.last = id
      if (id > this.max) this.max = id
    } else this.wishes.push(NaN)
  }

  start(): void {
    this.fresh = this.max + 1
    if (!this.increasing) this.taken = new Set()
  }

  next(): number {
    const id = this.wishes[this.index++]!
    if (id !== id) return this.fresh++ // NaN: no wish
    if (this.taken) {
      if (this.taken.has(id)) return this.fresh++
      this.taken.add(id)
    }
    return id
  }
}

/**
 * Ids for a list of wishes: a wish (a non-negative integer) is granted to the first that makes it;
 * the rest get fresh ids after the largest granted one (at least `first`).
 */
export function assignIds(wanted: readonly (number | undefined)[], first: number): number[] {
  const taken = new Set<number>()
  const ids = new Array<number>(wanted.length)
  let max = first - 1
  for (let i = 0; i < wanted.length; i++) {
    const id = wanted[i]
    if (id !== undefined && Number.isSafeInteger(id) && id >= 0 && !taken.has(id)) {
      taken.add(id)
      ids[i] = id
      if (id > max) max = id
    } else ids[i] = -1
  }
  let next = max + 1
  for (let i = 0; i < ids.length; i++) if (ids[i] === -1) ids[i] = next++
  return ids
}

function categoryIds(labels: readonly DatasetLabel[]): Map<string, number> {
  const ids = assignIds(
    labels.map((label) => label.sourceId),
    1,
  )
  return new Map(labels.map((label, i) => [label.name, ids[i]!]))
}

interface ObjectContext {
  labels: ReadonlyMap<string, DatasetLabel>
  plainIds: ReadonlyMap<string, number>
  skeletonIds: ReadonlyMap<string, number>
}

type ObjectKind = 'instance' | 'keypoint'

/**
 * Which list an annotation's object goes to, or undefined when it makes none (not written, or
 * merged into an earlier polygon of its group). `merged` holds the group keys seen in the image.
 */
function objectKind(
  ann: DatasetAnnotation,
  context: ObjectContext,
  merged: Set<string>,
): ObjectKind | 'merge' | undefined {
  if (ann.type === 'skeleton') {
    const nodes = context.labels.get(ann.label)?.skeleton?.nodes.length
    if (!context.skeletonIds.has(ann.label) || nodes === undefined) return undefined
    return ann.points.length === nodes * 2 ? 'keypoint' : undefined
  }
  if (!context.plainIds.has(ann.label)) return undefined
  switch (ann.type) {
    case 'rectangle':
    case 'ellipse':
      return 'instance'
    case 'mask':
      return ann.mask ? 'instance' : undefined
    case 'polygon': {
      if (ann.group === undefined) return 'instance'
      const key = groupKey(ann)
      if (merged.has(key)) return 'merge'
      merged.add(key)
      return 'instance'
    }
    default:
      return undefined
  }
}

/** Polygons of one group, label, crowd flag, attributes and score are one object. */
function groupKey(ann: DatasetAnnotation): string {
  return JSON.stringify([ann.group, ann.label, !!ann.crowd, attributesOf(ann), ann.score])
}

/** Pass 1: the annotations of an image that start an object, in object order. */
function forEachObject(
  image: DatasetImage,
  context: ObjectContext,
  each: (kind: ObjectKind, ann: DatasetAnnotation) => void,
): void {
  const merged = new Set<string>()
  for (const ann of image.annotations) {
    const kind = objectKind(ann, context, merged)
    if (kind === 'instance' || kind === 'keypoint') each(kind, ann)
  }
}

/** Pass 2: the objects of an image, in the same order as `forEachObject`. */
function writeImageObjects(
  image: DatasetImage,
  imageId: number,
  context: ObjectContext,
  each: (kind: ObjectKind, object: CocoObject) => void,
): void {
  const seen = new Set<string>()
  const groups = new Map<string, CocoObject>()
  for (const ann of image.annotations) {
    const kind = objectKind(ann, context, seen)
    if (kind === undefined) continue
    if (kind === 'keypoint') {
      each(kind, skeletonObject(ann, imageId, context.skeletonIds.get(ann.label)!))
      continue
    }
    const object = shapeObject(ann, image, imageId, context.plainIds.get(ann.label)!)!
    if (kind === 'merge') {
      addPart(groups.get(groupKey(ann))!, object)
      continue
    }
    if (ann.type === 'polygon' && ann.group !== undefined) groups.set(groupKey(ann), object)
    each(kind, object)
  }
}

function attributesOf(ann: DatasetAnnotation): Record<string, unknown> {
  const out: Record<string, unknown> = { occluded: !!ann.occluded }
  for (const name in ann.attributes) {
    if (name !== 'occluded' && name !== 'rotation') out[name] = ann.attributes[name]
  }
  if (ann.type === 'rectangle' && ann.rotation) out.rotation = ann.rotation
  return out
}

function box(x1: number, y1: number, x2: number, y2: number): [number, number, number, number] {
  return [x1, y1, tidy(x2 - x1), tidy(y2 - y1)]
}

function shapeObject(
  ann: DatasetAnnotation,
  image: DatasetImage,
  imageId: number,
  categoryId: number,
): CocoObject | undefined {
  let segmentation: CocoObject['segmentation']
  let bbox: CocoObject['bbox']
  let area: number
  const p = ann.points
  switch (ann.type) {
    case 'rectangle': {
      const [a = 0, b = 0, c = 0, d = 0] = p
      bbox = box(Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d))
      segmentation = []
      area = tidy(bbox[2] * bbox[3])
      break
    }
    case 'polygon':
    case 'ellipse': {
      const polygon = ann.type === 'ellipse' ? ellipseToPolygon(p, ann.rotation) : p
      bbox = box(...pointBounds(polygon))
      segmentation = [polygon]
      area = tidy(polygonArea(polygon))
      break
    }
    case 'mask': {
      if (!ann.mask) return undefined
      const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = p
      const rle = boxRleToImageRle(ann.mask, { x1, y1, x2, y2 }, image.width, image.height)
      const tight = imageRleToBoxRle(rle)?.box ?? { x1, y1, x2, y2 }
      bbox = box(tight.x1, tight.y1, tight.x2, tight.y2)
      segmentation = { counts: rle.counts, size: rle.size }
      area = rleArea(rle)
      break
    }
    default:
      return undefined
  }
  const object: CocoObject = {
    id: 0,
    image_id: imageId,
    category_id: categoryId,
    segmentation,
    area,
    bbox,
    iscrowd: ann.crowd ? 1 : 0,
    attributes: attributesOf(ann),
  }
  if (ann.score !== undefined) {
    // keep `score` before `attributes`, as Datumaro writes it
    const { attributes, ...rest } = object
    return { ...rest, score: ann.score, attributes }
  }
  return object
}

/** One more polygon part of a grouped object: segmentation, box and area grow. */
function addPart(into: CocoObject, part: CocoObject): void {
  const polygons = into.segmentation as number[][]
  polygons.push(...(part.segmentation as number[][]))
  const [x, y, w, h] = into.bbox
  const [px, py, pw, ph] = part.bbox
  into.bbox = box(
    Math.min(x, px),
    Math.min(y, py),
    Math.max(tidy(x + w), tidy(px + pw)),
    Math.max(tidy(y + h), tidy(py + ph)),
  )
  into.area = tidy(into.area + part.area)
}

function skeletonObject(ann: DatasetAnnotation, imageId: number, categoryId: number): CocoObject {
  const keypoints: number[] = []
  const labelled: number[] = []
  let count = 0
  for (let i = 0; i < ann.points.length / 2; i++) {
    const x = ann.points[2 * i]!
    const y = ann.points[2 * i + 1]!
    const v = V[ann.visibility?.[i] ?? 'visible']
    keypoints.push(x, y, v)
    if (v > 0) {
      count++
      labelled.push(x, y)
    }
  }
  const bbox = box(...pointBounds(labelled))
  return {
    id: 0,
    image_id: imageId,
    category_id: categoryId,
    segmentation: [],
    area: tidy(bbox[2] * bbox[3]),
    bbox,
    iscrowd: ann.crowd ? 1 : 0,
    ...(ann.score !== undefined ? { score: ann.score } : {}),
    attributes: attributesOf(ann),
    keypoints,
    num_keypoints: count,
  }
}
