// Reads CVAT for images 1.1: `annotations.xml` (any `.xml` whose root is `<annotations>`) with
// images beside it in `images/` (task and job exports) or `images/<subset>/` (project exports).

import { probeImage } from '@loupe/imaging'
import { cvatRleToRle, RleError } from '@loupe/masks'
import type { AttributeValue, NodeVisibility, ShapeSource } from '@loupe/model'
import {
  DEFAULT_SUBSET,
  type Dataset,
  type DatasetAnnotation,
  type DatasetAttribute,
  type DatasetImage,
  type DatasetLabel,
  type DatasetTag,
} from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import { strFromU8 } from 'fflate'
import { extensionOf, type FileTree } from '../files'
import type { ReadOptions } from '../format'
import { readMeta } from './meta'
import { XmlDocument, type XmlElement } from '../xml'

/** CVAT's `source` → Loupe's; CVAT's interactors and trackers (`semi-auto`) are Loupe's `sam`. */
const SOURCES: Record<string, ShapeSource> = {
  manual: 'manual',
  'semi-auto': 'sam',
  auto: 'auto',
  file: 'import',
  consensus: 'auto',
}

const SHAPE_ELEMENTS = ['box', 'polygon', 'polyline', 'points', 'ellipse', 'mask', 'skeleton']

/** The annotation files of a tree: `annotations.xml` wherever it is, else XML files of CVAT's. */
export function cvatAnnotationFiles(files: FileTree): string[] {
  const xml = files.paths().filter((path) => extensionOf(path) === 'xml')
  const named = xml.filter(
    (path) => path === 'annotations.xml' || path.endsWith('/annotations.xml'),
  )
  if (named.length > 0) return named
  return xml.filter((path) => looksLikeCvat(files.get(path)!))
}

/** The first 4 KiB of a file as Latin-1 (enough to recognise it; never throws). */
export function headText(bytes: Uint8Array): string {
  return strFromU8(bytes.subarray(0, 4096), true)
}

/** Whether the start of an XML file has CVAT's `<annotations>` root. */
export function looksLikeCvat(bytes: Uint8Array): boolean {
  return /<annotations[\s>]/.test(headText(bytes))
}

/** Labels by name with their attributes by name, merged across files and usage. */
class LabelSet {
  readonly labels: DatasetLabel[] = []
  private readonly byName = new Map<string, DatasetLabel>()
  private readonly attrs = new Map<DatasetLabel, Map<string, DatasetAttribute>>()

  add(label: DatasetLabel): void {
    const known = this.byName.get(label.name)
    if (!known) {
      this.byName.set(label.name, label)
      this.labels.push(label)
      this.attrs.set(label, new Map(label.attributes.map((a) => [a.name, a])))
      return
    }
    for (const attribute of label.attributes) {
      if (!this.attribute(known, attribute.name)) this.declare(known, attribute)
    }
  }

  get(name: string): DatasetLabel {
    let label = this.byName.get(name)
    if (!label) {
      label = { name, type: 'any', attributes: [] }
      this.add(label)
    }
    return label
  }

  attribute(label: DatasetLabel, name: string): DatasetAttribute | undefined {
    return this.attrs.get(label)!.get(name)
  }

  declare(label: DatasetLabel, attribute: DatasetAttribute): void {
    label.attributes.push(attribute)
    this.attrs.get(label)!.set(attribute.name, attribute)
  }
}

interface Context {
  doc: XmlDocument
  labels: LabelSet
  /** Skeleton annotations whose labels were not fully declared: padded once all are read. */
  skeletons: { ann: DatasetAnnotation; label: DatasetLabel; nodes: Map<number, NodeState> }[]
}

interface NodeState {
  x: number
  y: number
  visibility: NodeVisibility
}

export function readCvat(files: FileTree, options: ReadOptions = {}): Dataset {
  const paths = cvatAnnotationFiles(files)
  if (paths.length === 0) {
    throw new FormatError(
      '(archive)',
      '',
      'expected annotations.xml (CVAT for images 1.1: an XML file with an <annotations> root)',
    )
  }
  const labels = new LabelSet()
  const images: DatasetImage[] = []
  let name: string | undefined
  const skeletons: Context['skeletons'] = []
  for (const path of paths) {
    const doc = new XmlDocument(path, files.text(path))
    const root = doc.root
    if (root.name !== 'annotations') {
      throw doc.error(
        root,
        undefined,
        `expected <annotations> as the root element, got <${root.name}>`,
      )
    }
    const version = doc.childText(root, 'version')?.trim()
    if (version !== undefined && !/^1\.\d+$/.test(version)) {
      throw doc.error(
        doc.child(root, 'version')!,
        undefined,
        `expected version 1.1, got "${version}"`,
      )
    }
    const meta = readMeta(doc, root)
    name ??= meta.name
    for (const label of meta.labels) labels.add(label)
    const ctx: Context = { doc, labels, skeletons }
    const base = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : ''
    const children = doc.children(root)
    const total = children.filter((el) => el.name === 'image').length
    let done = 0
    for (const el of children) {
      if (el.name === 'image') {
        throwIfCancelled(options.signal)
        images.push(readImage(ctx, el, files, base, meta.subset, options))
        options.onProgress?.({ done: ++done, total, phase: 'read' })
      } else if (el.name === 'track') {
        throw doc.error(
          el,
          undefined,
          'expected <image> elements (CVAT for images 1.1); this file has <track> elements ' +
            '(CVAT for video 1.1): export the task as CVAT for images',
        )
      } else if (el.name !== 'version' && el.name !== 'meta') {
        throw doc.error(el, undefined, `expected <version>, <meta> or <image>, got <${el.name}>`)
      }
    }
  }
  padSkeletons(skeletons)
  const dataset: Dataset = { labels: labels.labels, images }
  if (name !== undefined) dataset.name = name
  return dataset
}

function readImage(
  ctx: Context,
  el: XmlElement,
  files: FileTree,
  base: string,
  metaSubset: string | undefined,
  options: ReadOptions,
): DatasetImage {
  const { doc } = ctx
  const name = el.attrs.name
  if (!name) throw doc.error(el, 'name', "expected the image's file name")
  const subset = el.attrs.subset?.trim() || metaSubset || DEFAULT_SUBSET
  const annotations: DatasetAnnotation[] = []
  const tags: DatasetTag[] = []
  for (const child of doc.children(el)) {
    if (child.name === 'tag') tags.push(readTag(ctx, child))
    else if (SHAPE_ELEMENTS.includes(child.name)) annotations.push(readShape(ctx, child))
    else if (child.name === 'cuboid') {
      throw doc.error(child, undefined, 'expected a 2D shape: Loupe cannot hold cuboids')
    } else {
      throw doc.error(
        child,
        undefined,
        `expected one of <${[...SHAPE_ELEMENTS, 'tag'].join('>, <')}>, got <${child.name}>`,
      )
    }
  }
  const data =
    files.get(`${base}images/${subset}/${name}`) ??
    files.get(`${base}images/${name}`) ??
    files.get(`${base}${name}`)
  const image: DatasetImage = {
    name,
    width: 0,
    height: 0,
    subset,
    annotations,
    tags,
  }
  if (el.attrs.id !== undefined) image.sourceId = integer(doc, el, 'id', 0)
  if (data) image.data = data
  const size = imageSize(ctx, el, name, data, options)
  image.width = size.width
  image.height = size.height
  return image
}

function imageSize(
  ctx: Context,
  el: XmlElement,
  name: string,
  data: Uint8Array | undefined,
  options: ReadOptions,
): { width: number; height: number } {
  const { doc } = ctx
  if (el.attrs.width !== undefined || el.attrs.height !== undefined) {
    return { width: integer(doc, el, 'width', 1), height: integer(doc, el, 'height', 1) }
  }
  if (data) {
    const probe = probeImage(data)
    if (probe.ok) return { width: probe.image.width, height: probe.image.height }
  }
  const known = options.imageSize?.(name)
  if (known) return known
  throw doc.error(
    el,
    'width',
    `expected the size of image "${name}" (width and height), or the image in images/`,
  )
}

function readTag(ctx: Context, el: XmlElement): DatasetTag {
  const label = labelOf(ctx, el)
  return { label: label.name, attributes: readAttributes(ctx, el, label) }
}

function labelOf(ctx: Context, el: XmlElement): DatasetLabel {
  const name = el.attrs.label
  if (!name) throw ctx.doc.error(el, 'label', 'expected a label name')
  return ctx.labels.get(name)
}

function readShape(ctx: Context, el: XmlElement): DatasetAnnotation {
  const { doc } = ctx
  const label = labelOf(ctx, el)
  const ann: DatasetAnnotation = {
    type: 'rectangle',
    label: label.name,
    points: [],
    attributes: {},
  }
  switch (el.name) {
    case 'box': {
      const [x1, y1, x2, y2] = ['xtl', 'ytl', 'xbr', 'ybr'].map((a) => num(doc, el, a)) as [
        number,
        number,
        number,
        number,
      ]
      ann.points = [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]
      break
    }
    case 'ellipse': {
      ann.type = 'ellipse'
      const cx = num(doc, el, 'cx')
      const cy = num(doc, el, 'cy')
      const rx = Math.abs(num(doc, el, 'rx'))
      const ry = Math.abs(num(doc, el, 'ry'))
      if (rx === 0) throw doc.error(el, 'rx', 'expected a non-zero radius')
      if (ry === 0) throw doc.error(el, 'ry', 'expected a non-zero radius')
      ann.points = [cx, cy, rx, ry]
      break
    }
    case 'polygon':
    case 'polyline':
    case 'points': {
      ann.type = el.name
      ann.points = pointList(doc, el, el.name === 'polygon' ? 3 : el.name === 'polyline' ? 2 : 1)
      break
    }
    case 'mask':
      readMask(doc, el, ann)
      break
    case 'skeleton':
      readSkeletonShape(ctx, el, label, ann)
      break
  }
  if (el.attrs.rotation !== undefined && (ann.type === 'rectangle' || ann.type === 'ellipse')) {
    const rotation = num(doc, el, 'rotation')
    const normalized = ((rotation % 360) + 360) % 360
    if (normalized !== 0) ann.rotation = normalized
  }
  if (el.attrs.occluded !== undefined) ann.occluded = flag(doc, el, 'occluded')
  if (el.attrs.z_order !== undefined) ann.zOrder = integer(doc, el, 'z_order')
  if (el.attrs.group_id !== undefined) {
    const group = integer(doc, el, 'group_id', 0)
    if (group !== 0) ann.group = group
  }
  const source = el.attrs.source === undefined ? undefined : SOURCES[el.attrs.source]
  if (source) ann.source = source
  ann.attributes = readAttributes(ctx, el, label)
  return ann
}

function readMask(doc: XmlDocument, el: XmlElement, ann: DatasetAnnotation): void {
  ann.type = 'mask'
  const left = integer(doc, el, 'left')
  const top = integer(doc, el, 'top')
  const width = integer(doc, el, 'width', 1)
  const height = integer(doc, el, 'height', 1)
  const text = el.attrs.rle
  if (text === undefined) throw doc.error(el, 'rle', 'expected the mask as run lengths')
  const counts = text.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)))
  if (!counts.every((c) => Number.isSafeInteger(c) && c >= 0)) {
    throw doc.error(el, 'rle', 'expected comma-separated non-negative integers')
  }
  try {
    ann.mask = cvatRleToRle(counts, width, height)
  } catch (error) {
    if (error instanceof RleError) throw doc.error(el, 'rle', `expected ${error.message}`)
    throw error
  }
  ann.points = [left, top, left + width, top + height]
}

function readSkeletonShape(
  ctx: Context,
  el: XmlElement,
  label: DatasetLabel,
  ann: DatasetAnnotation,
): void {
  const { doc } = ctx
  ann.type = 'skeleton'
  if (label.type !== 'skeleton' || !label.skeleton) {
    // a skeleton whose label the meta did not declare as one: nodes are learnt from the shapes
    label.type = 'skeleton'
    label.skeleton = label.skeleton ?? { nodes: [], edges: [] }
  }
  const skeleton = label.skeleton
  const nodes = new Map<number, NodeState>()
  for (const child of doc.children(el)) {
    if (child.name === 'attribute') continue
    if (child.name !== 'points') {
      throw doc.error(
        child,
        undefined,
        `expected <points> for a skeleton node, got <${child.name}>`,
      )
    }
    const node = child.attrs.label
    if (!node) throw doc.error(child, 'label', "expected the node's name")
    let index = skeleton.nodes.indexOf(node)
    if (index < 0) index = skeleton.nodes.push(node) - 1
    if (nodes.has(index)) throw doc.error(child, 'label', `expected node "${node}" only once`)
    const [x, y] = pointList(doc, child, 1) as [number, number]
    const visibility: NodeVisibility =
      child.attrs.outside !== undefined && flag(doc, child, 'outside')
        ? 'hidden'
        : child.attrs.occluded !== undefined && flag(doc, child, 'occluded')
          ? 'occluded'
          : 'visible'
    nodes.set(index, { x, y, visibility })
  }
  ctx.skeletons.push({ ann, label, nodes })
}

/** Skeletons get one point per node of their label, in the label's order; missing nodes hide. */
function padSkeletons(skeletons: Context['skeletons']): void {
  for (const { ann, label, nodes } of skeletons) {
    const count = label.skeleton?.nodes.length ?? 0
    const points: number[] = []
    const visibility: NodeVisibility[] = []
    for (let i = 0; i < count; i++) {
      const node = nodes.get(i)
      points.push(node?.x ?? 0, node?.y ?? 0)
      visibility.push(node?.visibility ?? 'hidden')
    }
    ann.points = points
    ann.visibility = visibility
  }
}

function readAttributes(
  ctx: Context,
  el: XmlElement,
  label: DatasetLabel,
): Record<string, AttributeValue> {
  const { doc, labels } = ctx
  const out: Record<string, AttributeValue> = {}
  for (const child of doc.children(el)) {
    if (child.name !== 'attribute') continue
    const name = child.attrs.name
    if (!name) throw doc.error(child, 'name', "expected the attribute's name")
    const text = doc.text(child)
    let attribute = labels.attribute(label, name)
    if (!attribute) {
      // not declared in the meta: kept as text, declared on the label
      attribute = { name, type: 'text', values: [], default: '', mutable: false }
      labels.declare(label, attribute)
    }
    out[name] = attributeValue(doc, child, attribute, text)
  }
  return out
}

function attributeValue(
  doc: XmlDocument,
  el: XmlElement,
  attribute: DatasetAttribute,
  text: string,
): AttributeValue {
  switch (attribute.type) {
    case 'checkbox': {
      const value = text.trim().toLowerCase()
      if (value === 'true' || value === '1') return true
      if (value === 'false' || value === '0') return false
      throw doc.error(el, undefined, `expected true or false, got "${text}"`)
    }
    case 'number': {
      const value = text.trim() === '' ? NaN : Number(text)
      if (!Number.isFinite(value))
        throw doc.error(el, undefined, `expected a number, got "${text}"`)
      return value
    }
    case 'select':
    case 'radio':
      if (!attribute.values.includes(text)) {
        const allowed = attribute.values.map((v) => JSON.stringify(v)).join(', ')
        throw doc.error(el, undefined, `expected one of ${allowed}, got "${text}"`)
      }
      return text
    case 'text':
      return text
  }
}

function num(doc: XmlDocument, el: XmlElement, attr: string): number {
  const text = el.attrs[attr]
  if (text === undefined) throw doc.error(el, attr, 'expected a number, got nothing')
  const value = text.trim() === '' ? NaN : Number(text)
  if (!Number.isFinite(value)) throw doc.error(el, attr, `expected a number, got "${text}"`)
  return value
}

function integer(doc: XmlDocument, el: XmlElement, attr: string, min?: number): number {
  const text = el.attrs[attr]
  const value = text === undefined || text.trim() === '' ? NaN : Number(text)
  if (!Number.isSafeInteger(value) || (min !== undefined && value < min)) {
    const what =
      min === undefined ? 'an integer' : min === 0 ? 'a non-negative integer' : 'a positive integer'
    throw doc.error(
      el,
      attr,
      `expected ${what}, got ${text === undefined ? 'nothing' : `"${text}"`}`,
    )
  }
  return value
}

function flag(doc: XmlDocument, el: XmlElement, attr: string): boolean {
  const text = el.attrs[attr]!.trim().toLowerCase()
  if (text === '1' || text === 'true') return true
  if (text === '0' || text === 'false') return false
  throw doc.error(el, attr, `expected 0 or 1, got "${el.attrs[attr]}"`)
}

/** `x,y;x,y;...` with at least `min` pairs. */
function pointList(doc: XmlDocument, el: XmlElement, min: number): number[] {
  const text = el.attrs.points
  if (text === undefined) throw doc.error(el, 'points', 'expected "x,y;x,y;..." points')
  const points: number[] = []
  for (const pair of text.split(';')) {
    if (pair.trim() === '') continue
    const xy = pair.split(',')
    const x = xy.length === 2 && xy[0]!.trim() !== '' ? Number(xy[0]) : NaN
    const y = xy.length === 2 && xy[1]!.trim() !== '' ? Number(xy[1]) : NaN
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw doc.error(el, 'points', `expected "x,y;x,y;..." pairs of numbers, got "${pair}"`)
    }
    points.push(x, y)
  }
  if (points.length < min * 2) {
    const what = min === 1 ? 'a point' : `at least ${min} points`
    throw doc.error(el, 'points', `expected ${what} for a <${el.name}>`)
  }
  return points
}
