// COCO import: instances and person_keypoints files of every subset into one neutral dataset.
//
// Mapping (what each COCO object becomes):
// - `bbox` without `segmentation` → rectangle; CVAT's `attributes.rotation` → its rotation;
// - polygon `segmentation` → one polygon per part; parts of one object share a group;
// - RLE `segmentation` (counts as numbers or as a compressed string) → mask over its tight box;
// - `iscrowd: 1` → `crowd`; `score` → `score`; `attributes.occluded` → `occluded`;
// - a category with `keypoints` → a skeleton label (nodes, 1-based `skeleton` → 0-based edges);
//   its objects → skeletons with v=0/1/2 → hidden/occluded/visible. The outline and box of a
//   keypoint object are not read: a skeleton label holds only skeletons, and COCO's own releases
//   repeat the outline in `instances_<subset>.json`;
// - other `attributes` (incl. CVAT's `track_id`) → attribute values; CVAT's `keyframe` is dropped
//   (it means something only in a video track).

import { imageRleToBoxRle } from '@loupe/masks'
import type { NodeVisibility } from '@loupe/model'
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetLabel } from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import type { FileTree } from '../files'
import type { ReadOptions } from '../format'
import { AttributeTypes, attributeValues, flag } from './attributes'
import { ImageFiles, imageName, resolveImageSize } from './images'
import { JsonFields, at, tidy, type JsonPath } from './json'
import { findCocoSources, type CocoSource } from './layout'
import { readRle } from './rle'

/** Keys of CVAT's `attributes` object that are fields of a shape, not attribute values. */
const SHAPE_KEYS = new Set(['occluded', 'rotation', 'keyframe', 'is_crowd'])

const VISIBILITY: readonly NodeVisibility[] = ['hidden', 'occluded', 'visible']

interface Category {
  label: DatasetLabel
  /** Keypoint categories: the number of keypoints. */
  nodes?: number
}

type Id = number | string

export function readCoco(tree: FileTree, options?: ReadOptions): Dataset {
  const sources = findCocoSources(tree)
  if (sources.length === 0) {
    throw new FormatError(
      '(archive)',
      '',
      'expected a COCO annotation file: annotations/instances_<subset>.json, ' +
        '<subset>/_annotations.coco.json or a JSON file with images and annotations',
    )
  }
  const reader = new CocoReader(tree, options)
  for (const source of sources) reader.read(source)
  return reader.finish()
}

class CocoReader {
  private readonly labels: DatasetLabel[] = []
  private readonly labelByName = new Map<string, DatasetLabel>()
  private readonly images: DatasetImage[] = []
  private readonly imageByKey = new Map<string, DatasetImage>()
  private readonly groups = new Map<DatasetImage, number>()
  private readonly attributeTypes = new AttributeTypes()
  private readonly files: ImageFiles
  private name: string | undefined

  constructor(
    private readonly tree: FileTree,
    private readonly options: ReadOptions | undefined,
  ) {
    this.files = new ImageFiles(tree)
  }

  finish(): Dataset {
    this.attributeTypes.applyTo(this.labels)
    const dataset: Dataset = { labels: this.labels, images: this.images }
    if (this.name) dataset.name = this.name
    return dataset
  }

  read(source: CocoSource): void {
    const f = new JsonFields(source.path)
    const root = f.object(
      this.tree.json(source.path),
      [],
      'a JSON object with images, annotations and categories',
    )
    const info = root.info
    if (!this.name && info && typeof info === 'object' && 'description' in info) {
      const description = (info as { description?: unknown }).description
      if (typeof description === 'string' && description) this.name = description
    }
    const rawCategories = f.optionalArray(root.categories, ['categories'], 'an array of categories')
    const rawImages = f.array(root.images, ['images'], 'an array of images')
    const rawAnnotations = f.optionalArray(
      root.annotations,
      ['annotations'],
      'an array of annotations',
    )
    const categories = this.readCategories(f, rawCategories, rawAnnotations)
    const images = this.readImages(f, source, rawImages)
    this.readAnnotations(f, rawAnnotations, images, categories)
  }

  private readCategories(f: JsonFields, raw: unknown[], annotations: unknown[]): Map<Id, Category> {
    const categories = new Map<Id, Category>()
    const skip = roboflowRoot(raw, annotations)
    for (let i = 0; i < raw.length; i++) {
      if (i === skip) continue
      const path = ['categories', i]
      const c = f.object(raw[i], path, 'a category {id, name}')
      const id = f.integer(c.id, at(path, 'id'), 'an integer category id')
      const name = f.string(c.name, at(path, 'name'), 'a category name')
      if (categories.has(id))
        f.fail(at(path, 'id'), `expected a unique category id (${id} is used twice)`)
      const keypoints = f.optionalArray(c.keypoints, at(path, 'keypoints'), 'keypoint names')
      if (keypoints.length === 0) {
        categories.set(id, { label: this.label(name, id) })
        continue
      }
      const nodes = keypoints.map((node, k) =>
        typeof node === 'number'
          ? String(node)
          : f.string(node, at(path, 'keypoints', k), 'a keypoint name'),
      )
      const edges: [number, number][] = []
      const bones = f.optionalArray(
        c.skeleton,
        at(path, 'skeleton'),
        'an array of [from, to] pairs',
      )
      for (let k = 0; k < bones.length; k++) {
        const bone = bones[k]
        const expected = `a pair of keypoint numbers from 1 to ${nodes.length}`
        if (
          !Array.isArray(bone) ||
          bone.length !== 2 ||
          !bone.every((n) => Number.isInteger(n) && n >= 1 && n <= nodes.length)
        ) {
          f.fail(at(path, 'skeleton', k), `expected ${expected}`)
        }
        edges.push([(bone[0] as number) - 1, (bone[1] as number) - 1])
      }
      categories.set(id, { label: this.label(name, id, { nodes, edges }), nodes: nodes.length })
    }
    return categories
  }

  /** The label of a category, merged by name; a skeleton and a plain category never share one. */
  private label(name: string, id: number, skeleton?: DatasetLabel['skeleton']): DatasetLabel {
    const isSkeleton = skeleton !== undefined
    let key = name
    let existing = this.labelByName.get(key)
    if (existing && (existing.skeleton !== undefined) !== isSkeleton) {
      key = isSkeleton ? `${name} (keypoints)` : `${name} (instances)`
      existing = this.labelByName.get(key)
    }
    if (existing) return existing
    const label: DatasetLabel = { name: key, attributes: [], sourceId: id }
    if (skeleton) {
      label.type = 'skeleton'
      label.skeleton = skeleton
    }
    this.labels.push(label)
    this.labelByName.set(key, label)
    return label
  }

  private readImages(f: JsonFields, source: CocoSource, raw: unknown[]): Map<Id, DatasetImage> {
    const byId = new Map<Id, DatasetImage>()
    const { onProgress, signal } = this.options ?? {}
    for (let i = 0; i < raw.length; i++) {
      throwIfCancelled(signal)
      const path = ['images', i]
      const im = f.object(raw[i], path, 'an image {id, file_name, width, height}')
      const id = readId(f, im.id, at(path, 'id'), 'an image id')
      if (byId.has(id)) f.fail(at(path, 'id'), `expected a unique image id (${id} is used twice)`)
      const fileName = f.string(im.file_name, at(path, 'file_name'), 'a file name')
      const name = imageName(fileName)
      const key = `${source.subset}\0${name}`
      let image = this.imageByKey.get(key)
      if (!image) {
        const declared = {
          width: optionalSize(f, im.width, at(path, 'width')),
          height: optionalSize(f, im.height, at(path, 'height')),
        }
        const candidates = source.imageDirs.map((dir) => (dir ? `${dir}/${fileName}` : fileName))
        const file = this.files.find([...candidates, fileName], name)
        const data = file ? this.tree.get(file) : undefined
        const size = resolveImageSize(name, declared, data, this.options)
        if (!size) {
          f.fail(
            path,
            `expected width and height for ${JSON.stringify(name)} (not in the file, ` +
              'no such image in the archive, and not known to the project)',
          )
        }
        image = {
          name,
          width: size.width,
          height: size.height,
          subset: source.subset,
          annotations: [],
          tags: [],
        }
        if (typeof id === 'number') image.sourceId = id
        if (data) image.data = data
        this.images.push(image)
        this.imageByKey.set(key, image)
      }
      byId.set(id, image)
      onProgress?.({ done: i + 1, total: raw.length, phase: source.path })
    }
    return byId
  }

  private readAnnotations(
    f: JsonFields,
    raw: unknown[],
    images: Map<Id, DatasetImage>,
    categories: Map<Id, Category>,
  ): void {
    const signal = this.options?.signal
    // the checks below build a JSON path only on failure: this loop runs a million times
    for (let i = 0; i < raw.length; i++) {
      if (i % 1024 === 0) throwIfCancelled(signal)
      const a = raw[i] as Record<string, unknown>
      if (typeof a !== 'object' || a === null || Array.isArray(a)) {
        f.fail(['annotations', i], 'expected an annotation {id, image_id, category_id, bbox}')
      }
      const image = images.get(a.image_id as Id)
      if (!image) {
        const path = ['annotations', i, 'image_id']
        const id = readId(f, a.image_id, path, 'an image id')
        f.fail(path, `expected the id of an image in images (no image has id ${id})`)
      }
      const category = categories.get(a.category_id as Id)
      if (!category) {
        const path = ['annotations', i, 'category_id']
        const id = readId(f, a.category_id, path, 'a category id')
        f.fail(path, `expected the id of a category in categories (no category has id ${id})`)
      }
      const base = this.base(f, a, i, category.label.name)
      if (category.nodes !== undefined) {
        image.annotations.push(keypoints(f, a, i, category.nodes, base))
        continue
      }
      const box = a.bbox === undefined || a.bbox === null ? undefined : bbox(f, a.bbox, i)
      if (a.segmentation !== undefined && a.segmentation !== null) {
        const shapes = this.segmentation(f, a.segmentation, i, image, base)
        if (shapes.length > 0) {
          for (const shape of shapes) image.annotations.push(shape)
          continue
        }
      }
      if (!box) f.fail(['annotations', i, 'bbox'], 'expected 4 numbers')
      const rectangle = base as DatasetAnnotation
      rectangle.type = 'rectangle'
      rectangle.points = box
      const rotation = (a.attributes as Record<string, unknown> | undefined)?.rotation
      if (typeof rotation === 'number' && Number.isFinite(rotation)) {
        const degrees = ((rotation % 360) + 360) % 360
        if (degrees !== 0) rectangle.rotation = degrees
      }
      image.annotations.push(rectangle)
    }
  }

  /** The fields every shape of one COCO object shares. */
  private base(
    f: JsonFields,
    a: Record<string, unknown>,
    i: number,
    label: string,
  ): Omit<DatasetAnnotation, 'type' | 'points'> {
    let raw = a.attributes as Record<string, unknown> | undefined | null
    if (raw === undefined || raw === null) raw = {}
    else if (typeof raw !== 'object' || Array.isArray(raw)) {
      f.fail(['annotations', i, 'attributes'], 'expected an object')
    }
    const attributes = attributeValues(raw, SHAPE_KEYS)
    const base: Omit<DatasetAnnotation, 'type' | 'points'> = { label, attributes }
    if (raw.occluded !== undefined && flag(raw.occluded)) base.occluded = true
    const crowd = a.iscrowd
    if (crowd !== undefined && crowd !== null && crowd !== 0) {
      if (crowd !== 1 && typeof crowd !== 'boolean') {
        f.fail(['annotations', i, 'iscrowd'], 'expected iscrowd 0 or 1')
      }
      if (crowd === 1 || crowd === true) base.crowd = true
    }
    if (a.score !== undefined && a.score !== null) {
      base.score = f.number(a.score, ['annotations', i, 'score'], 'a numeric score')
    }
    if (Number.isSafeInteger(a.id)) base.sourceId = a.id as number
    this.attributeTypes.observe(label, attributes)
    return base
  }

  private segmentation(
    f: JsonFields,
    value: unknown,
    i: number,
    image: DatasetImage,
    base: Omit<DatasetAnnotation, 'type' | 'points'>,
  ): DatasetAnnotation[] {
    const shape = base
    if (!Array.isArray(value)) {
      const rle = readRle(f, value, ['annotations', i, 'segmentation'], image)
      const region = imageRleToBoxRle(rle)
      if (!region) return []
      const { x1, y1, x2, y2 } = region.box
      return [{ ...shape, type: 'mask', points: [x1, y1, x2, y2], mask: region.rle }]
    }
    const parts: number[][] = []
    for (let k = 0; k < value.length; k++) {
      const part = value[k] as number[]
      if (!isNumbers(part)) {
        f.fail(['annotations', i, 'segmentation', k], 'expected a polygon of x,y numbers')
      }
      if (part.length % 2 !== 0) {
        const where = ['annotations', i, 'segmentation', k]
        f.fail(where, 'expected a polygon of x,y pairs (an even count)')
      }
      // COCO's own files have a few degenerate parts (two points); Loupe's polygons need three
      if (part.length >= 6) parts.push(part)
    }
    if (parts.length === 0) return []
    if (parts.length === 1) {
      const polygon = shape as DatasetAnnotation
      polygon.type = 'polygon'
      polygon.points = parts[0]!
      return [polygon]
    }
    let group: number | undefined
    if (parts.length > 1) {
      group = (this.groups.get(image) ?? 0) + 1
      this.groups.set(image, group)
    }
    return parts.map((points) => {
      const polygon: DatasetAnnotation = {
        ...shape,
        attributes: { ...shape.attributes },
        type: 'polygon',
        points,
      }
      if (group !== undefined) polygon.group = group
      return polygon
    })
  }
}

function readId(f: JsonFields, value: unknown, path: JsonPath, what: string): Id {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value))) {
    return value
  }
  return f.fail(path, `expected ${what} (an integer)`)
}

function optionalSize(f: JsonFields, value: unknown, path: JsonPath): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined
  const n = f.integer(value, path, 'a positive integer')
  if (n <= 0) f.fail(path, 'expected a positive integer')
  return n
}

/** Whether a value is an array of finite numbers. */
function isNumbers(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false
  for (let k = 0; k < value.length; k++) {
    const v: unknown = value[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) return false
  }
  return true
}

function bbox(f: JsonFields, value: unknown, i: number): number[] {
  if (!isNumbers(value) || value.length !== 4)
    f.fail(['annotations', i, 'bbox'], 'expected 4 numbers')
  const [x, y, w, h] = value as [number, number, number, number]
  if (w < 0 || h < 0) {
    f.fail(['annotations', i, 'bbox'], 'expected [x, y, width, height] with a width and height ≥ 0')
  }
  return [x, y, tidy(x + w), tidy(y + h)]
}

function keypoints(
  f: JsonFields,
  a: Record<string, unknown>,
  i: number,
  nodes: number,
  base: Omit<DatasetAnnotation, 'type' | 'points'>,
): DatasetAnnotation {
  const expected = `${nodes * 3} numbers (x, y, v for each of the ${nodes} keypoints)`
  const values = a.keypoints
  if (!isNumbers(values) || values.length !== nodes * 3) {
    f.fail(['annotations', i, 'keypoints'], `expected ${expected}`)
  }
  const points: number[] = []
  const visibility: NodeVisibility[] = []
  for (let k = 0; k < nodes; k++) {
    const v = VISIBILITY[values[3 * k + 2]!]
    if (!v) f.fail(['annotations', i, 'keypoints', 3 * k + 2], 'expected visibility 0, 1 or 2')
    points.push(values[3 * k]!, values[3 * k + 1]!)
    visibility.push(v)
  }
  return { ...base, type: 'skeleton', points, visibility }
}

/**
 * Roboflow's exports begin with a category named after the project (`supercategory: "none"`) that
 * every other category names as its supercategory and no annotation uses: it is not a label.
 */
function roboflowRoot(categories: unknown[], annotations: unknown[]): number {
  if (categories.length < 2) return -1
  const first = categories[0] as { id?: unknown; name?: unknown } | undefined
  if (!first || typeof first.name !== 'string') return -1
  const all = categories
    .slice(1)
    .every((c) => (c as { supercategory?: unknown })?.supercategory === first.name)
  if (!all) return -1
  const used = annotations.some((a) => (a as { category_id?: unknown })?.category_id === first.id)
  return used ? -1 : 0
}
