// Reads Pascal VOC as the devkit, CVAT, Datumaro and LabelImg write it:
//   Annotations/<id>.xml            filename, size, objects (name, pose, truncated, difficult,
//                                   occluded, bndbox, CVAT's <attributes>, actions, parts)
//   ImageSets/Main/<subset>.txt     ids per subset; <class>_<subset>.txt per-class presence
//   JPEGImages/<filename>           images (optional)
//   SegmentationObject/<id>.png     instance index per pixel; instance i is XML object i
//   SegmentationClass/<id>.png      class index per pixel (labelmap.txt order, else VOC's 21)
//   labelmap.txt                    `name:r,g,b:parts:actions` per class (CVAT, Datumaro)
// A box and the instance mask of the same object (same index, label and exact bounds, as Loupe
// writes them) become one mask that keeps the object's attributes; otherwise both are kept, as
// Datumaro does. Per-class list entries with no object of that class become image tags.

import type { AttributeValue } from '@loupe/model'
import {
  DEFAULT_SUBSET,
  type Dataset,
  type DatasetAnnotation,
  type DatasetAttribute,
  type DatasetImage,
  type DatasetLabel,
} from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import { basename, decodeText, isImagePath, stripExtension, type FileTree } from '../files'
import type { ReadOptions } from '../format'
import { imageSizeOf, type ImageSize } from '../yolo/image-size'
import { readImageSets } from './image-sets'
import {
  parseLabelmap,
  rgbToHex,
  VOC_CLASSES,
  vocColor,
  type LabelmapEntry,
  type Rgb,
} from './labelmap'
import { decodeIndexPng, regionsOf } from './segmentation'
import { VocXml, type XmlElement } from './xml'

const ANNOTATION_ROOT = /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<annotation[\s>]/

/** The folder holding Annotations/ (or ImageSets/, Segmentation*), `''` for the top. */
function vocRoot(paths: readonly string[]): string {
  let best: string | undefined
  for (const path of paths) {
    const match =
      /^(.*?)(Annotations|ImageSets|SegmentationClass|SegmentationObject|JPEGImages)\//.exec(path)
    if (match && (best === undefined || match[1]!.length < best.length)) best = match[1]!
  }
  return best ?? ''
}

/** Object fields VOC has its own elements for; everything else comes from <attributes>. */
const NATIVE = new Set(['difficult', 'truncated', 'pose', 'occluded'])

interface RawObject {
  label: string
  box: number[]
  attributes: Record<string, string | boolean>
  occluded: boolean
  /** Layout parts: label and box. */
  parts: { label: string; box: number[] }[]
}

function readBox(xml: VocXml, node: XmlElement, path: string): number[] {
  const box = xml.child(node, 'bndbox', path)
  if (!box) throw xml.error(`${path}.bndbox`, node, 'missing: expected xmin, ymin, xmax, ymax')
  const at = `${path}.bndbox`
  const [x1, y1, x2, y2] = ['xmin', 'ymin', 'xmax', 'ymax'].map((key) =>
    xml.number(box, key, at),
  ) as [number, number, number, number]
  if (x2 < x1) throw xml.error(`${at}.xmax`, box, `expected xmax ≥ xmin (${x1}), got ${x2}`)
  if (y2 < y1) throw xml.error(`${at}.ymax`, box, `expected ymax ≥ ymin (${y1}), got ${y2}`)
  return [x1, y1, x2, y2]
}

function readObject(xml: VocXml, node: XmlElement, path: string): RawObject {
  const label = xml.text(node, 'name', path)?.trim()
  if (!label) throw xml.error(`${path}.name`, node, 'missing: expected the class name')
  const attributes: RawObject['attributes'] = {}
  const pose = xml.text(node, 'pose', path)?.trim()
  if (pose && pose !== 'Unspecified') attributes.pose = pose
  for (const key of ['truncated', 'difficult'] as const) {
    const value = xml.flag(node, key, path)
    if (value !== undefined) attributes[key] = value
  }
  const occluded = xml.flag(node, 'occluded', path) ?? false
  const actions = xml.child(node, 'actions', path)
  if (actions) {
    for (const action of xml.children(actions)) {
      const value = xml.flag(actions, action.name, `${path}.actions`)
      if (value !== undefined) attributes[action.name] = value
    }
  }
  const list = xml.child(node, 'attributes', path)
  if (list) {
    xml.children(list, 'attribute').forEach((attr, i) => {
      const at = `${path}.attributes.attribute[${i}]`
      const name = xml.text(attr, 'name', at)?.trim()
      if (!name) throw xml.error(`${at}.name`, attr, 'missing: expected the attribute name')
      if (NATIVE.has(name)) return
      attributes[name] = xml.text(attr, 'value', at) ?? ''
    })
  }
  const parts = xml.children(node, 'part').map((part, i) => {
    const at = `${path}.part[${i}]`
    const name = xml.text(part, 'name', at)?.trim()
    if (!name) throw xml.error(`${at}.name`, part, 'missing: expected the part name')
    return { label: name, box: readBox(xml, part, at) }
  })
  return { label, box: readBox(xml, node, path), attributes, occluded, parts }
}

function readSize(xml: VocXml): ImageSize | undefined {
  const size = xml.child(xml.root, 'size', 'annotation')
  if (!size) return undefined
  const width = xml.number(size, 'width', 'annotation.size', true)
  const height = xml.number(size, 'height', 'annotation.size', true)
  // LabelImg and some exporters write 0 when they did not know the size
  if (!width || !height) return undefined
  for (const [key, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw xml.error(`annotation.size.${key}`, size, `expected a positive integer, got ${value}`)
    }
  }
  return { width, height }
}

/** Attribute types inferred from the values VOC stores as text. */
function inferAttributes(images: DatasetImage[], labels: Map<string, DatasetLabel>): void {
  const values = new Map<string, Map<string, (string | boolean)[]>>()
  for (const image of images) {
    for (const ann of image.annotations) {
      for (const [name, value] of Object.entries(ann.attributes)) {
        let byName = values.get(ann.label)
        if (!byName) values.set(ann.label, (byName = new Map()))
        let list = byName.get(name)
        if (!list) byName.set(name, (list = []))
        list.push(value as string | boolean)
      }
    }
  }
  const kinds = new Map<string, Map<string, DatasetAttribute['type']>>()
  for (const [labelName, byName] of values) {
    const label = labels.get(labelName)!
    const kind = new Map<string, DatasetAttribute['type']>()
    kinds.set(labelName, kind)
    for (const [name, list] of byName) {
      const isBool = list.every((v) => typeof v === 'boolean' || /^(true|false)$/i.test(v))
      const isNumber =
        !isBool &&
        list.every((v) => typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
      const type = isBool ? 'checkbox' : isNumber ? 'number' : 'text'
      kind.set(name, type)
      const existing = label.attributes.find((a) => a.name === name)
      if (existing) continue
      const attribute: DatasetAttribute = { name, type, values: [] }
      if (type === 'checkbox') attribute.default = false
      else if (type === 'number') attribute.default = 0
      else attribute.default = name === 'pose' ? 'Unspecified' : ''
      label.attributes.push(attribute)
    }
  }
  for (const image of images) {
    for (const ann of image.annotations) {
      const kind = kinds.get(ann.label)
      if (!kind) continue
      const typed: Record<string, AttributeValue> = {}
      for (const [name, value] of Object.entries(ann.attributes)) {
        const type = kind.get(name)
        if (type === 'checkbox')
          typed[name] = typeof value === 'boolean' ? value : /^true$/i.test(String(value))
        else if (type === 'number') typed[name] = Number(value)
        else typed[name] = String(value)
      }
      ann.attributes = typed
    }
  }
}

interface ImageRecord {
  id: string
  xml?: string
}

export function readVoc(files: FileTree, options?: ReadOptions): Dataset {
  const paths = files.paths()
  const root = vocRoot(paths)
  const prefix = root
  const at = (path: string) => prefix + path

  // labels: labelmap.txt first (its order is the class index order), then as met
  const labelmapPath = [at('labelmap.txt'), at('label_map.txt')].find((p) => files.has(p))
  const labelmap: LabelmapEntry[] | undefined = labelmapPath
    ? parseLabelmap(labelmapPath, files.get(labelmapPath)!)
    : undefined
  const classNames = labelmap ? labelmap.map((e) => e.name) : VOC_CLASSES
  const classColors: Rgb[] = labelmap
    ? labelmap.map((e) => e.color)
    : VOC_CLASSES.map((_, i) => vocColor(i))
  const instanceColors: Rgb[] = Array.from({ length: 256 }, (_, i) => vocColor(i))
  const labels = new Map<string, DatasetLabel>()
  const used = new Set<string>()
  for (const entry of labelmap ?? []) {
    const label: DatasetLabel = { name: entry.name, color: rgbToHex(entry.color), attributes: [] }
    for (const action of entry.actions)
      label.attributes.push({ name: action, type: 'checkbox', values: [], default: false })
    labels.set(entry.name, label)
  }
  const labelFor = (name: string): string => {
    used.add(name)
    if (!labels.has(name)) labels.set(name, { name, attributes: [] })
    return name
  }

  // the images: by id, from XML files, lists and segmentation PNGs
  const annotationsDir = at('Annotations/')
  let xmlPaths = paths.filter(
    (p) => p.startsWith(annotationsDir) && p.toLowerCase().endsWith('.xml'),
  )
  const flat = xmlPaths.length === 0
  if (flat) {
    // LabelImg: `<image>.xml` beside each image, no Annotations folder
    xmlPaths = paths.filter(
      (p) =>
        p.toLowerCase().endsWith('.xml') &&
        ANNOTATION_ROOT.test(decodeText(files.get(p)!.subarray(0, 512))),
    )
  }
  const records = new Map<string, ImageRecord>()
  for (const xml of xmlPaths) {
    const id = flat
      ? stripExtension(xml.slice(prefix.length))
      : xml.slice(annotationsDir.length, -4)
    records.set(id, { id, xml })
  }
  const sets = readImageSets(files, prefix, paths)
  for (const id of sets.order) if (!records.has(id)) records.set(id, { id })
  for (const folder of ['SegmentationObject/', 'SegmentationClass/']) {
    for (const p of paths) {
      if (p.startsWith(at(folder)) && p.endsWith('.png')) {
        const id = p.slice(at(folder).length, -4)
        if (!records.has(id)) records.set(id, { id })
      }
    }
  }
  // images by id, for ids whose XML names no file (or that have no XML)
  const imagesById = new Map<string, string>()
  const imagesDir = at('JPEGImages/')
  for (const p of paths) {
    if (p.startsWith(imagesDir) && isImagePath(p))
      imagesById.set(stripExtension(p.slice(imagesDir.length)), p)
  }

  // order: listed ids in list order, then the rest by id
  const listed = new Set(sets.order)
  const ids = [...sets.order, ...[...records.keys()].filter((id) => !listed.has(id)).sort()]
  const images: DatasetImage[] = []
  for (const [index, id] of ids.entries()) {
    throwIfCancelled(options?.signal)
    const record = records.get(id)!
    images.push(readImage(record))
    options?.onProgress?.({ done: index + 1, total: ids.length, phase: 'read' })
  }
  inferAttributes(images, labels)
  const out: DatasetLabel[] = [...labels.values()].filter(
    (label, i) => !(i === 0 && label.name === 'background' && labelmap && !used.has('background')),
  )
  return { labels: out, images }

  function readImage(record: ImageRecord): DatasetImage {
    const { id } = record
    const xml = record.xml
      ? VocXml.parse(record.xml, decodeText(files.get(record.xml)!))
      : undefined
    let name = xml ? xml.text(xml.root, 'filename', 'annotation')?.trim() : undefined
    if (name && !name.includes('/') && id.includes('/'))
      name = `${id.slice(0, id.lastIndexOf('/'))}/${name}`
    let imagePath: string | undefined
    if (name && files.has(imagesDir + name)) imagePath = imagesDir + name
    else if (name && flat && record.xml) {
      const beside = `${record.xml.slice(0, record.xml.lastIndexOf('/') + 1)}${basename(name)}`
      if (files.has(beside)) imagePath = beside
    }
    imagePath ??= imagesById.get(id)
    // some tools write the id without its extension as the filename
    if (name && !isImagePath(name) && imagePath?.startsWith(imagesDir)) {
      name = imagePath.slice(imagesDir.length)
    }
    if (!name) name = imagePath ? imagePath.slice(imagesDir.length) : `${id}.jpg`
    const data = imagePath ? files.get(imagePath) : undefined

    const objectPng = files.get(at(`SegmentationObject/${id}.png`))
    const classPng = files.get(at(`SegmentationClass/${id}.png`))
    const objects = xml ? readObjects(xml) : []
    const instances = objectPng
      ? decodeIndexPng(at(`SegmentationObject/${id}.png`), objectPng, instanceColors)
      : undefined
    const classes = classPng
      ? decodeIndexPng(at(`SegmentationClass/${id}.png`), classPng, classColors)
      : undefined
    let size = xml ? readSize(xml) : undefined
    if (!size && !data) size = instances ?? classes
    const listFile = ['Main', 'Segmentation']
      .map((task) => at(`ImageSets/${task}/${sets.subsetOf.get(id) ?? DEFAULT_SUBSET}.txt`))
      .find((path) => files.has(path))
    size ??= imageSizeOf(
      name,
      data,
      imagePath ?? name,
      record.xml ?? listFile ?? at('ImageSets'),
      options,
    )
    for (const [file, png] of [
      [`SegmentationObject/${id}.png`, instances],
      [`SegmentationClass/${id}.png`, classes],
    ] as const) {
      if (png && (png.width !== size.width || png.height !== size.height)) {
        throw new FormatError(
          at(file),
          '',
          `expected ${size.width} × ${size.height} pixels (the image size), got ${png.width} × ${png.height}`,
        )
      }
    }

    const image: DatasetImage = {
      name,
      width: size.width,
      height: size.height,
      subset: sets.subsetOf.get(id) ?? DEFAULT_SUBSET,
      annotations: [],
      tags: [],
    }
    if (data) image.data = data
    const annotations: DatasetAnnotation[] = objects.map((object, k) => {
      const ann: DatasetAnnotation = {
        type: 'rectangle',
        label: labelFor(object.label),
        points: object.box,
        attributes: object.attributes,
      }
      if (object.occluded) ann.occluded = true
      if (object.parts.length > 0) ann.group = k + 1
      return ann
    })
    const extra: DatasetAnnotation[] = []
    objects.forEach((object, k) => {
      for (const part of object.parts) {
        extra.push({
          type: 'rectangle',
          label: labelFor(part.label),
          points: part.box,
          attributes: {},
          group: k + 1,
        })
      }
    })
    const className = (file: string, index: number): string => {
      const name = classNames[index]
      if (name === undefined) {
        throw new FormatError(
          at(file),
          '',
          `expected class indexes of ${labelmapPath ?? 'the VOC classes'} (0–${classNames.length - 1}), got ${index}`,
        )
      }
      return name
    }
    if (instances) {
      for (const region of regionsOf(instances, classes)) {
        const object = objects[region.index - 1]
        const fromClass =
          region.classIndex !== undefined
            ? className(`SegmentationClass/${id}.png`, region.classIndex)
            : undefined
        const label = fromClass ?? object?.label
        if (!label) {
          throw new FormatError(
            at(`SegmentationObject/${id}.png`),
            '',
            `expected an object ${region.index} in ${record.xml ?? `Annotations/${id}.xml`} or a SegmentationClass PNG to name the class of instance ${region.index}`,
          )
        }
        const mask: DatasetAnnotation = {
          type: 'mask',
          label: labelFor(label),
          points: region.box,
          mask: region.rle,
          attributes: {},
        }
        const same =
          object && object.label === label && object.box.every((v, i) => v === region.box[i])
        if (same) {
          const box = annotations[region.index - 1]!
          mask.attributes = box.attributes
          if (box.occluded) mask.occluded = true
          if (box.group !== undefined) mask.group = box.group
          annotations[region.index - 1] = mask
        } else {
          extra.push(mask)
        }
      }
    } else if (classes) {
      for (const region of regionsOf(classes)) {
        extra.push({
          type: 'mask',
          label: labelFor(className(`SegmentationClass/${id}.png`, region.index)),
          points: region.box,
          mask: region.rle,
          attributes: {},
        })
      }
    }
    image.annotations = [...annotations, ...extra]
    for (const cls of sets.present.get(id) ?? []) {
      if (!image.annotations.some((ann) => ann.label === cls))
        image.tags.push({ label: labelFor(cls), attributes: {} })
    }
    return image
  }

  function readObjects(xml: VocXml): RawObject[] {
    return xml
      .children(xml.root, 'object')
      .map((node, k) => readObject(xml, node, `annotation.object[${k}]`))
  }
}
