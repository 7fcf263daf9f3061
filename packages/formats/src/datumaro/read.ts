// Datumaro import: `annotations/<subset>.json` (as Datumaro and CVAT write it) into the neutral
// dataset; images from `images/<subset>/` (or `images/`, Datumaro's older layout).
//
// - `categories.label.labels` → labels (merged by name over subsets); a label with a
//   `categories.points` entry → a skeleton label; labels whose `parent` is a skeleton label and
//   that name its nodes (CVAT's encoding) are nodes, not labels; `categories.mask.colormap` → colors;
// - bbox → rectangle, polygon, polyline, points, ellipse (`points` = its box), mask (`rle` over the
//   whole image, compressed or not), skeleton (CVAT: `elements`, one `points` per node; Datumaro's
//   COCO-style `points` of a skeleton label with `visibility`), label → tag, caption → caption;
// - `attributes.occluded/rotation/is_crowd/score` → the shape's fields; `keyframe` and `outside`
//   (CVAT track state) are dropped; `group`, `z_order`, `id` as they are; item `attr.id` → sourceId.

import { imageRleToBoxRle } from '@loupe/masks'
import type { NodeVisibility } from '@loupe/model'
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetLabel } from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import { isImagePath, type FileTree } from '../files'
import type { ReadOptions } from '../format'
import { AttributeTypes, attributeValues, flag } from '../coco/attributes'
import { ImageFiles, imageName, resolveImageSize } from '../coco/images'
import { JsonFields, at, peek, tidy, type JsonPath } from '../coco/json'
import { readRle } from '../coco/rle'

const SHAPE_KEYS = new Set(['occluded', 'rotation', 'keyframe', 'outside', 'is_crowd', 'score'])
const VISIBILITY: readonly NodeVisibility[] = ['hidden', 'occluded', 'visible']
const TYPES = 'label, caption, bbox, polygon, polyline, points, skeleton, ellipse or mask'
const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'bmp', 'gif', 'webp', 'tif', 'tiff']

const SOURCE = /^(?:(.*)\/)?annotations\/([^/]+)\.json$/

export interface DatumaroSource {
  path: string
  subset: string
  root: string
}

/** `annotations/<subset>.json` files that look like Datumaro's (`categories` and `items`). */
export function findDatumaroSources(tree: FileTree): DatumaroSource[] {
  const sources: DatumaroSource[] = []
  for (const path of tree.paths()) {
    const match = SOURCE.exec(path)
    if (!match) continue
    const head = peek(tree.get(path))
    if (!head.includes('"categories"') && !head.includes('"items"')) continue
    if (head.includes('"images"') && head.includes('"annotations"') && !head.includes('"items"')) {
      continue // a COCO file in an annotations/ folder
    }
    sources.push({ path, subset: match[2]!, root: match[1] ?? '' })
  }
  return sources
}

type LabelRef =
  | { kind: 'label'; label: DatasetLabel; nodes?: number }
  | { kind: 'node'; skeleton: number; node: number }

export function readDatumaro(tree: FileTree, options?: ReadOptions): Dataset {
  const sources = findDatumaroSources(tree)
  if (sources.length === 0) {
    throw new FormatError(
      '(archive)',
      '',
      'expected a Datumaro annotation file annotations/<subset>.json with categories and items',
    )
  }
  const reader = new DatumaroReader(tree, options)
  for (const source of sources) reader.read(source)
  return reader.finish()
}

class DatumaroReader {
  private readonly labels: DatasetLabel[] = []
  private readonly labelByName = new Map<string, DatasetLabel>()
  private readonly images: DatasetImage[] = []
  private readonly attributeTypes = new AttributeTypes()
  private readonly files: ImageFiles

  constructor(
    private readonly tree: FileTree,
    private readonly options: ReadOptions | undefined,
  ) {
    this.files = new ImageFiles(tree)
  }

  finish(): Dataset {
    this.attributeTypes.applyTo(this.labels)
    return { labels: this.labels, images: this.images }
  }

  read(source: DatumaroSource): void {
    const f = new JsonFields(source.path)
    const root = f.object(
      this.tree.json(source.path),
      [],
      'a Datumaro annotation file {info, categories, items}',
    )
    const refs = this.readCategories(f, root.categories)
    const items = f.array(root.items, ['items'], 'an array of items')
    const { onProgress, signal } = this.options ?? {}
    for (let i = 0; i < items.length; i++) {
      throwIfCancelled(signal)
      this.readItem(f, source, items[i], ['items', i], refs)
      onProgress?.({ done: i + 1, total: items.length, phase: source.path })
    }
  }

  private readCategories(f: JsonFields, value: unknown): LabelRef[] {
    if (value === undefined || value === null) return []
    const categories = f.object(value, ['categories'], 'an object of categories')
    if (categories.label === undefined || categories.label === null) return []
    const labelPath = ['categories', 'label']
    const labelCategories = f.object(categories.label, labelPath, 'label categories {labels}')
    const raw = f.array(labelCategories.labels, at(labelPath, 'labels'), 'an array of labels')
    const entries = raw.map((entry, i) => {
      const path = at(labelPath, 'labels', i)
      const label = f.object(entry, path, 'a label {name, parent, attributes}')
      const name = f.string(label.name, at(path, 'name'), 'a label name')
      const parent = label.parent === undefined || label.parent === null ? '' : label.parent
      const attributes = f.optionalArray(
        label.attributes,
        at(path, 'attributes'),
        'attribute names',
      )
      return {
        name,
        parent: f.string(parent, at(path, 'parent'), 'a parent label name'),
        attributes: attributes.map((a, k) =>
          f.string(a, at(path, 'attributes', k), 'an attribute name'),
        ),
      }
    })
    const global = f
      .optionalArray(labelCategories.attributes, at(labelPath, 'attributes'), 'attribute names')
      .filter((name): name is string => typeof name === 'string' && !SHAPE_KEYS.has(name))

    const skeletons = this.readPoints(f, categories.points, entries.length)
    const colors = readColors(f, categories.mask, entries.length)
    const skeletonByName = new Map<string, number>()
    for (const [index] of skeletons) skeletonByName.set(entries[index]!.name, index)

    return entries.map((entry, index): LabelRef => {
      const owner = entry.parent ? skeletonByName.get(entry.parent) : undefined
      if (owner !== undefined) {
        const node = skeletons.get(owner)!.nodes.indexOf(entry.name)
        if (node >= 0) return { kind: 'node', skeleton: owner, node }
      }
      const skeleton = skeletons.get(index)
      let label = this.labelByName.get(entry.name)
      if (!label) {
        label = { name: entry.name, attributes: [] }
        if (skeleton) {
          label.type = 'skeleton'
          label.skeleton = skeleton
        }
        const color = colors.get(index)
        if (color) label.color = color
        this.labels.push(label)
        this.labelByName.set(entry.name, label)
      }
      for (const name of [...entry.attributes, ...global]) {
        if (!SHAPE_KEYS.has(name)) this.attributeTypes.declare(label.name, name)
      }
      return label.skeleton
        ? { kind: 'label', label, nodes: label.skeleton.nodes.length }
        : { kind: 'label', label }
    })
  }

  private readPoints(
    f: JsonFields,
    value: unknown,
    labelCount: number,
  ): Map<number, NonNullable<DatasetLabel['skeleton']>> {
    const out = new Map<number, NonNullable<DatasetLabel['skeleton']>>()
    if (value === undefined || value === null) return out
    const path = ['categories', 'points']
    const points = f.object(value, path, 'points categories {items}')
    const items = f.optionalArray(points.items, at(path, 'items'), 'an array of point categories')
    for (let i = 0; i < items.length; i++) {
      const itemPath = at(path, 'items', i)
      const item = f.object(items[i], itemPath, 'a point category {label_id, labels, joints}')
      const labelId = f.integer(item.label_id, at(itemPath, 'label_id'), 'a label index')
      if (labelId < 0 || labelId >= labelCount) {
        f.fail(at(itemPath, 'label_id'), `expected a label index from 0 to ${labelCount - 1}`)
      }
      const nodes = f
        .optionalArray(item.labels, at(itemPath, 'labels'), 'node names')
        .map((node, k) =>
          typeof node === 'number'
            ? String(node)
            : f.string(node, at(itemPath, 'labels', k), 'a node name'),
        )
      if (nodes.length === 0) continue
      const joints = f.optionalArray(
        item.joints,
        at(itemPath, 'joints'),
        'an array of [from, to] pairs',
      )
      const edges = joints.map((joint, k): [number, number] => {
        if (
          !Array.isArray(joint) ||
          joint.length !== 2 ||
          !joint.every((n) => Number.isInteger(n) && n >= 1 && n <= nodes.length)
        ) {
          f.fail(
            at(itemPath, 'joints', k),
            `expected a pair of node numbers from 1 to ${nodes.length}`,
          )
        }
        return [(joint[0] as number) - 1, (joint[1] as number) - 1]
      })
      out.set(labelId, { nodes, edges })
    }
    return out
  }

  private readItem(
    f: JsonFields,
    source: DatumaroSource,
    value: unknown,
    path: JsonPath,
    refs: readonly LabelRef[],
  ): void {
    const item = f.object(value, path, 'an item {id, annotations, image}')
    const id =
      typeof item.id === 'number'
        ? String(item.id)
        : f.string(item.id, at(path, 'id'), 'an item id')
    const image =
      item.image === undefined || item.image === null
        ? {}
        : f.object(item.image, at(path, 'image'), 'an image {path, size}')
    let size: number[] | undefined
    if (image.size !== undefined && image.size !== null) {
      size = f.numbers(image.size, at(path, 'image', 'size'), 'size [height, width]')
      if (size.length !== 2) f.fail(at(path, 'image', 'size'), 'expected size [height, width]')
    }
    const imagesDir = [source.root, 'images'].filter(Boolean).join('/')
    const inSubset = `${imagesDir}/${source.subset}`
    let name: string
    let file: string | undefined
    if (typeof image.path === 'string' && image.path) {
      name = imageName(image.path)
      file = this.files.find(
        [`${inSubset}/${image.path}`, `${imagesDir}/${image.path}`, image.path],
        name,
      )
    } else {
      const found = IMAGE_EXTENSIONS.map((ext) => `${inSubset}/${id}.${ext}`).find((p) =>
        this.tree.has(p),
      )
      name = found && isImagePath(found) ? found.slice(inSubset.length + 1) : `${id}.jpg`
      file = found
    }
    const data = file ? this.tree.get(file) : undefined
    const dims = resolveImageSize(name, { height: size?.[0], width: size?.[1] }, data, this.options)
    if (!dims) {
      f.fail(
        path,
        `expected image.size for ${JSON.stringify(name)} (not in the file, ` +
          'no such image in the archive, and not known to the project)',
      )
    }
    const out: DatasetImage = {
      name,
      width: dims.width,
      height: dims.height,
      subset: source.subset,
      annotations: [],
      tags: [],
    }
    if (data) out.data = data
    const attr = item.attr
    if (attr && typeof attr === 'object' && Number.isSafeInteger((attr as { id?: unknown }).id)) {
      out.sourceId = (attr as { id: number }).id
    }
    const annotations = f.optionalArray(
      item.annotations,
      at(path, 'annotations'),
      'an array of annotations',
    )
    for (let k = 0; k < annotations.length; k++) {
      this.readAnnotation(f, annotations[k], at(path, 'annotations', k), refs, out)
    }
    this.images.push(out)
  }

  private readAnnotation(
    f: JsonFields,
    value: unknown,
    path: JsonPath,
    refs: readonly LabelRef[],
    image: DatasetImage,
  ): void {
    const a = f.object(value, path, 'an annotation {type, ...}')
    const type = f.string(a.type, at(path, 'type'), `an annotation type (${TYPES})`)
    const raw =
      a.attributes === undefined || a.attributes === null
        ? {}
        : f.object(a.attributes, at(path, 'attributes'))
    const attributes = attributeValues(raw, SHAPE_KEYS)
    if (type === 'caption') {
      const caption = f.string(a.caption, at(path, 'caption'), 'a caption')
      ;(image.captions ??= []).push(caption)
      return
    }
    const ref = label(f, a.label_id, at(path, 'label_id'), refs)
    this.attributeTypes.observe(ref.label.name, attributes)
    if (type === 'label') {
      image.tags.push({ label: ref.label.name, attributes })
      return
    }
    const base: Omit<DatasetAnnotation, 'type' | 'points'> = { label: ref.label.name, attributes }
    if (Number.isSafeInteger(a.id) && (a.id as number) > 0) base.sourceId = a.id as number
    if (Number.isSafeInteger(a.group) && (a.group as number) > 0) base.group = a.group as number
    if (typeof a.z_order === 'number' && Number.isFinite(a.z_order) && a.z_order !== 0) {
      base.zOrder = a.z_order
    }
    if (flag(raw.occluded)) base.occluded = true
    if (flag(raw.is_crowd)) base.crowd = true
    if (typeof raw.score === 'number' && Number.isFinite(raw.score)) base.score = raw.score
    const rotation =
      typeof raw.rotation === 'number' && Number.isFinite(raw.rotation)
        ? ((raw.rotation % 360) + 360) % 360
        : 0
    const shape = this.shape(f, a, type, path, ref, image, refs)
    if (!shape) return
    const annotation: DatasetAnnotation = { ...base, ...shape }
    if (rotation !== 0 && (shape.type === 'rectangle' || shape.type === 'ellipse')) {
      annotation.rotation = rotation
    }
    if (shape.type === 'skeleton' && !ref.nodes) {
      f.fail(at(path, 'label_id'), 'expected a skeleton label (one with a points category)')
    }
    image.annotations.push(annotation)
  }

  private shape(
    f: JsonFields,
    a: Record<string, unknown>,
    type: string,
    path: JsonPath,
    ref: Extract<LabelRef, { kind: 'label' }>,
    image: DatasetImage,
    refs: readonly LabelRef[],
  ): Pick<DatasetAnnotation, 'type' | 'points' | 'mask' | 'visibility'> | undefined {
    switch (type) {
      case 'bbox': {
        const box = f.numbers(a.bbox, at(path, 'bbox'), '4 numbers [x, y, width, height]')
        if (box.length !== 4) f.fail(at(path, 'bbox'), 'expected 4 numbers [x, y, width, height]')
        const [x, y, w, h] = box as [number, number, number, number]
        return {
          type: 'rectangle',
          points: [
            Math.min(x, x + w),
            Math.min(y, y + h),
            tidy(Math.max(x, x + w)),
            tidy(Math.max(y, y + h)),
          ],
        }
      }
      case 'polygon':
      case 'polyline': {
        const min = type === 'polygon' ? 3 : 2
        const points = f.numbers(a.points, at(path, 'points'), `at least ${min} x,y pairs`)
        if (points.length % 2 !== 0 || points.length < min * 2) {
          f.fail(at(path, 'points'), `expected at least ${min} x,y pairs`)
        }
        return { type, points }
      }
      case 'ellipse': {
        const box = f.numbers(a.points, at(path, 'points'), '4 numbers [x1, y1, x2, y2]')
        if (box.length !== 4) f.fail(at(path, 'points'), 'expected 4 numbers [x1, y1, x2, y2]')
        const [x1, y1, x2, y2] = box as [number, number, number, number]
        const rx = tidy(Math.abs(x2 - x1) / 2)
        const ry = tidy(Math.abs(y2 - y1) / 2)
        if (!(rx > 0 && ry > 0))
          f.fail(at(path, 'points'), 'expected a box of positive width and height')
        return { type: 'ellipse', points: [tidy((x1 + x2) / 2), tidy((y1 + y2) / 2), rx, ry] }
      }
      case 'points': {
        const points = f.numbers(a.points, at(path, 'points'), 'x,y pairs')
        if (points.length % 2 !== 0 || points.length === 0)
          f.fail(at(path, 'points'), 'expected x,y pairs')
        if (ref.nodes === undefined) return { type: 'points', points }
        if (points.length !== ref.nodes * 2) {
          f.fail(
            at(path, 'points'),
            `expected ${ref.nodes} x,y pairs (one per node of ${ref.label.name})`,
          )
        }
        const raw = f.optionalArray(
          a.visibility,
          at(path, 'visibility'),
          'visibility 0, 1 or 2 per point',
        )
        const visibility = points
          .filter((_, i) => i % 2 === 0)
          .map((_, i) => visibilityOf(f, raw[i] ?? 2, at(path, 'visibility', i)))
        return { type: 'skeleton', points, visibility }
      }
      case 'skeleton':
        return this.skeleton(f, a, path, ref, refs)
      case 'mask': {
        const rle = readRle(f, a.rle, at(path, 'rle'), image)
        const region = imageRleToBoxRle(rle)
        if (!region) return undefined
        const { x1, y1, x2, y2 } = region.box
        return { type: 'mask', points: [x1, y1, x2, y2], mask: region.rle }
      }
      default:
        return f.fail(at(path, 'type'), `expected one of ${TYPES}`)
    }
  }

  /** CVAT's skeleton: one `points` element per node, labelled with the node's label. */
  private skeleton(
    f: JsonFields,
    a: Record<string, unknown>,
    path: JsonPath,
    ref: Extract<LabelRef, { kind: 'label' }>,
    refs: readonly LabelRef[],
  ): Pick<DatasetAnnotation, 'type' | 'points' | 'visibility'> {
    const nodes = ref.nodes
    if (nodes === undefined) {
      return f.fail(at(path, 'label_id'), 'expected a skeleton label (one with a points category)')
    }
    const points = new Array<number>(nodes * 2).fill(0)
    const visibility = new Array<NodeVisibility>(nodes).fill('hidden')
    const elements = f.array(a.elements, at(path, 'elements'), 'an array of elements')
    for (let k = 0; k < elements.length; k++) {
      const elementPath = at(path, 'elements', k)
      const element = f.object(elements[k], elementPath, 'a points element {label_id, points}')
      const id = element.label_id
      const node = Number.isSafeInteger(id) ? refs[id as number] : undefined
      if (!node || node.kind !== 'node' || refs[node.skeleton] !== ref) {
        f.fail(
          at(elementPath, 'label_id'),
          `expected the label index of a node of ${ref.label.name}`,
        )
      }
      const xy = f.numbers(element.points, at(elementPath, 'points'), '2 numbers [x, y]')
      if (xy.length !== 2) f.fail(at(elementPath, 'points'), 'expected 2 numbers [x, y]')
      points[2 * node.node] = xy[0]!
      points[2 * node.node + 1] = xy[1]!
      const attrs = (element.attributes ?? {}) as Record<string, unknown>
      const raw = Array.isArray(element.visibility) ? element.visibility[0] : undefined
      visibility[node.node] =
        raw !== undefined
          ? visibilityOf(f, raw, at(elementPath, 'visibility', 0))
          : flag(attrs.outside)
            ? 'hidden'
            : flag(attrs.occluded)
              ? 'occluded'
              : 'visible'
    }
    return { type: 'skeleton', points, visibility }
  }
}

function label(
  f: JsonFields,
  value: unknown,
  path: JsonPath,
  refs: readonly LabelRef[],
): Extract<LabelRef, { kind: 'label' }> {
  const index = Number.isSafeInteger(value) ? (value as number) : -1
  const ref = refs[index]
  if (!ref) {
    f.fail(
      path,
      refs.length
        ? `expected a label index from 0 to ${refs.length - 1} (categories.label.labels)`
        : 'expected a label index, but categories.label.labels is empty',
    )
  }
  if (ref.kind === 'node') f.fail(path, 'expected a label, not a node of a skeleton label')
  return ref
}

function visibilityOf(f: JsonFields, value: unknown, path: JsonPath): NodeVisibility {
  const v = typeof value === 'number' ? VISIBILITY[value] : undefined
  return v ?? f.fail(path, 'expected visibility 0 (absent), 1 (hidden) or 2 (visible)')
}

function readColors(f: JsonFields, value: unknown, labelCount: number): Map<number, string> {
  const colors = new Map<number, string>()
  if (value === undefined || value === null) return colors
  const path = ['categories', 'mask']
  const mask = f.object(value, path, 'mask categories {colormap}')
  const colormap = f.optionalArray(mask.colormap, at(path, 'colormap'), 'an array of colors')
  for (let i = 0; i < colormap.length; i++) {
    const entryPath = at(path, 'colormap', i)
    const entry = f.object(colormap[i], entryPath, 'a color {label_id, r, g, b}')
    const id = f.integer(entry.label_id, at(entryPath, 'label_id'), 'a label index')
    const channel = (key: 'r' | 'g' | 'b') => {
      const v = f.integer(entry[key], at(entryPath, key), 'an integer from 0 to 255')
      if (v < 0 || v > 255) f.fail(at(entryPath, key), 'expected an integer from 0 to 255')
      return v.toString(16).padStart(2, '0')
    }
    if (id >= 0 && id < labelCount) colors.set(id, `#${channel('r')}${channel('g')}${channel('b')}`)
  }
  return colors
}
