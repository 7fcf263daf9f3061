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
  for (const [subset, images] of subsets) {
    const imageIds = assignIds(
      images.map((image) => image.sourceId),
      1,
    )
    const instances = new ObjectList()
    const keypoints = new ObjectList()
    const cocoImages = images.map((image, index) => {
      throwIfCancelled(options?.signal)
      const imageId = imageIds[index]!
      writeImageObjects(image, imageId, labelsByName, plainIds, skeletonIds, instances, keypoints)
      if (includeImages && image.data) tree.set(`images/${subset}/${image.name}`, image.data)
      options?.onProgress?.({ done: ++done, total, phase: 'export' })
      return {
        id: imageId,
        width: image.width,
        height: image.height,
        file_name: image.name,
        license: 0,
        flickr_url: '',
        coco_url: '',
        date_captured: 0,
      }
    })
    const file = (categories: unknown[], list: ObjectList) =>
      JSON.stringify({
        licenses: LICENSES,
        info,
        categories,
        images: cocoImages,
        annotations: list.finish(),
      })
    tree.set(`annotations/instances_${subset}.json`, file(plainCategories, instances))
    if (skeletonLabels.length > 0) {
      tree.set(`annotations/person_keypoints_${subset}.json`, file(skeletonCategories, keypoints))
    }
  }
  return tree
}

function isSkeletonLabel(label: DatasetLabel): boolean {
  return label.type === 'skeleton' || label.skeleton !== undefined
}

/** COCO objects of one file, with the ids their sources asked for, numbered on `finish`. */
class ObjectList {
  private readonly objects: CocoObject[] = []
  private readonly wanted: (number | undefined)[] = []

  add(object: CocoObject, sourceId: number | undefined): void {
    this.objects.push(object)
    this.wanted.push(sourceId)
  }

  finish(): CocoObject[] {
    const ids = assignIds(this.wanted, 1)
    for (let i = 0; i < this.objects.length; i++) this.objects[i]!.id = ids[i]!
    return this.objects
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

function writeImageObjects(
  image: DatasetImage,
  imageId: number,
  labels: ReadonlyMap<string, DatasetLabel>,
  plainIds: ReadonlyMap<string, number>,
  skeletonIds: ReadonlyMap<string, number>,
  instances: ObjectList,
  keypoints: ObjectList,
): void {
  const merged = new Map<string, CocoObject>()
  for (const ann of image.annotations) {
    if (ann.type === 'skeleton') {
      const categoryId = skeletonIds.get(ann.label)
      const nodes = labels.get(ann.label)?.skeleton?.nodes.length
      if (categoryId === undefined || nodes === undefined || ann.points.length !== nodes * 2)
        continue
      keypoints.add(skeletonObject(ann, imageId, categoryId), ann.sourceId)
      continue
    }
    const categoryId = plainIds.get(ann.label)
    if (categoryId === undefined) continue
    const object = shapeObject(ann, image, imageId, categoryId)
    if (!object) continue
    if (ann.type === 'polygon' && ann.group !== undefined) {
      const key = JSON.stringify([ann.group, ann.label, !!ann.crowd, object.attributes, ann.score])
      const first = merged.get(key)
      if (first) {
        addPart(first, object)
        continue
      }
      merged.set(key, object)
    }
    instances.add(object, ann.sourceId)
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
