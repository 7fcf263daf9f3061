// Writes Pascal VOC (see read.ts for the layout). Every rectangle, mask, polygon and ellipse is
// an XML object with its bounding box; masks and polygons (filled by the pixel-centre rule) are
// also painted into SegmentationObject (instance = object index) and SegmentationClass (class
// = labelmap.txt index) palette PNGs, shapes later in the list on top. Image tags become the
// per-class lists `ImageSets/Main/<class>_<subset>.txt`.

import { polygonToMask, type Rle } from '@loupe/masks'
import { subsetsOf, type Dataset, type DatasetAnnotation, type DatasetImage } from '../dataset'
import { throwIfCancelled } from '../errors'
import { FileTree, stripExtension } from '../files'
import type { WriteOptions } from '../format'
import { annotationBox } from '../yolo/label-rows'
import {
  hexToRgb,
  VOID_INDEX,
  vocColor,
  writeLabelmap,
  type LabelmapEntry,
  type Rgb,
} from './labelmap'
import { encodeIndexPng, indexBoxes, paintMask, type IndexImage } from './segmentation'
import { escapeXml, xmlNumber } from './xml'

/** Written as XML objects; the rest (points, polylines, skeletons) is dropped. */
const OBJECT_TYPES = new Set(['rectangle', 'mask', 'polygon', 'ellipse'])

/** The most instances a SegmentationObject PNG holds (1…254; 255 is void). */
export const MAX_INSTANCES = VOID_INDEX - 1

export interface VocObject {
  ann: DatasetAnnotation
  /** Masks and polygons: the pixels to paint. */
  mask?: { rle: Rle; left: number; top: number }
}

/** The XML objects of an image in order; masks first when there are too many for one PNG. */
export function objectsOf(image: DatasetImage): VocObject[] {
  const objects: VocObject[] = []
  for (const ann of image.annotations) {
    if (!OBJECT_TYPES.has(ann.type)) continue
    if (ann.type === 'mask' && ann.mask) {
      objects.push({ ann, mask: { rle: ann.mask, left: ann.points[0]!, top: ann.points[1]! } })
    } else if (ann.type === 'polygon') {
      const filled = polygonToMask(ann.points)
      objects.push(
        filled
          ? { ann, mask: { rle: filled.rle, left: filled.box.x1, top: filled.box.y1 } }
          : { ann },
      )
    } else objects.push({ ann })
  }
  if (objects.length > MAX_INSTANCES) {
    return [...objects.filter((o) => o.mask), ...objects.filter((o) => !o.mask)]
  }
  return objects
}

/** The labelmap: background first (the dataset's own, if it has one), then the labels. */
export function labelmapOf(dataset: Dataset): LabelmapEntry[] {
  const own = dataset.labels.find((label) => label.name === 'background')
  const rest = dataset.labels.filter((label) => label !== own)
  const background: LabelmapEntry = {
    name: 'background',
    color: (own?.color && hexToRgb(own.color)) || [0, 0, 0],
    parts: [],
    actions: [],
  }
  return [
    background,
    ...rest.map((label, i) => ({
      name: label.name,
      color: (label.color && hexToRgb(label.color)) || vocColor(i + 1),
      parts: [],
      actions: [],
    })),
  ]
}

/** Paints the masks of an image's objects: instance and class index images, in z-order. */
export function paintObjects(
  image: DatasetImage,
  objects: VocObject[],
  classIndex: Map<string, number>,
): { instances: IndexImage; classes: IndexImage; overlaps: number } | undefined {
  if (!objects.some((o) => o.mask)) return undefined
  const size = image.width * image.height
  const instances = { width: image.width, height: image.height, data: new Uint8Array(size) }
  const classes = { width: image.width, height: image.height, data: new Uint8Array(size) }
  const painted = new Uint8Array(size)
  let overlaps = 0
  const order = objects
    .map((object, i) => ({ object, i }))
    .filter(({ object, i }) => object.mask && i < MAX_INSTANCES)
    .sort((a, b) => (a.object.ann.zOrder ?? 0) - (b.object.ann.zOrder ?? 0) || a.i - b.i)
  for (const { object, i } of order) {
    const { rle, left, top } = object.mask!
    const covered = paintMask(instances, rle, left, top, i + 1, painted)
    paintMask(classes, rle, left, top, classIndex.get(object.ann.label)!)
    if (covered > 0) overlaps++
  }
  return { instances, classes, overlaps }
}

function attributeText(value: unknown): string {
  return typeof value === 'number' ? String(value) : String(value)
}

function objectXml(object: VocObject, box: readonly number[]): string {
  const { ann } = object
  const attrs = ann.attributes
  const flag = (value: unknown) => (value === true || value === 'true' || value === 1 ? 1 : 0)
  let xml = '  <object>\n'
  xml += `    <name>${escapeXml(ann.label)}</name>\n`
  xml += `    <pose>${escapeXml(typeof attrs.pose === 'string' && attrs.pose ? attrs.pose : 'Unspecified')}</pose>\n`
  xml += `    <truncated>${flag(attrs.truncated)}</truncated>\n`
  xml += `    <occluded>${ann.occluded ? 1 : 0}</occluded>\n`
  xml += `    <difficult>${flag(attrs.difficult)}</difficult>\n`
  xml += '    <bndbox>\n'
  ;['xmin', 'ymin', 'xmax', 'ymax'].forEach(
    (key, i) => (xml += `      <${key}>${xmlNumber(box[i]!)}</${key}>\n`),
  )
  xml += '    </bndbox>\n'
  const extra = Object.entries(attrs).filter(
    ([name]) => !['pose', 'truncated', 'difficult', 'occluded'].includes(name),
  )
  if (extra.length > 0) {
    xml += '    <attributes>\n'
    for (const [name, value] of extra) {
      xml += `      <attribute>\n        <name>${escapeXml(name)}</name>\n        <value>${escapeXml(attributeText(value))}</value>\n      </attribute>\n`
    }
    xml += '    </attributes>\n'
  }
  return xml + '  </object>\n'
}

export function writeVoc(dataset: Dataset, options?: WriteOptions): FileTree {
  const files = new FileTree()
  const labelmap = labelmapOf(dataset)
  const classIndex = new Map(labelmap.map((entry, i) => [entry.name, i]))
  const classPalette: Rgb[] = Array.from(
    { length: 256 },
    (_, i) => labelmap[i]?.color ?? vocColor(i),
  )
  classPalette[VOID_INDEX] = vocColor(VOID_INDEX)
  const instancePalette: Rgb[] = Array.from({ length: 256 }, (_, i) => vocColor(i))
  const includeImages = options?.includeImages ?? true
  const subsets = subsetsOf(dataset)
  const lists = new Map(subsets.map((s) => [s, [] as string[]]))
  const segmented = new Map(subsets.map((s) => [s, [] as string[]]))
  const hasTags = dataset.images.some((image) => image.tags.length > 0)
  // per class and subset: lines of the per-class lists
  const classLists = new Map<string, string[]>()

  dataset.images.forEach((image, n) => {
    throwIfCancelled(options?.signal)
    const id = stripExtension(image.name)
    const objects = objectsOf(image)
    const painted = paintObjects(image, objects, classIndex)
    const boxes = painted ? indexBoxes(painted.instances) : undefined
    let xml = '<annotation>\n'
    xml += `  <filename>${escapeXml(image.name)}</filename>\n`
    xml +=
      '  <source>\n    <database>Unknown</database>\n    <annotation>Loupe</annotation>\n    <image>Unknown</image>\n  </source>\n'
    xml += `  <size>\n    <width>${image.width}</width>\n    <height>${image.height}</height>\n    <depth>3</depth>\n  </size>\n`
    xml += `  <segmented>${painted ? 1 : 0}</segmented>\n`
    objects.forEach((object, i) => {
      // a painted instance's box is its pixels' bounds, so the reader pairs it with its object
      const box = (object.mask && boxes?.get(i + 1)) || annotationBox(object.ann)
      xml += objectXml(object, box)
    })
    xml += '</annotation>\n'
    files.set(`Annotations/${id}.xml`, xml)
    if (includeImages && image.data) files.set(`JPEGImages/${image.name}`, image.data)
    if (painted) {
      files.set(`SegmentationObject/${id}.png`, encodeIndexPng(painted.instances, instancePalette))
      files.set(`SegmentationClass/${id}.png`, encodeIndexPng(painted.classes, classPalette))
      segmented.get(image.subset)!.push(id)
    }
    lists.get(image.subset)!.push(id)
    if (hasTags) {
      for (const entry of labelmap.slice(1)) {
        const objectsOfClass = objects.filter((o) => o.ann.label === entry.name)
        const tagged = image.tags.some((tag) => tag.label === entry.name)
        const value =
          tagged || objectsOfClass.some((o) => o.ann.attributes.difficult !== true)
            ? ' 1'
            : objectsOfClass.length > 0
              ? ' 0'
              : '-1'
        const key = `${entry.name}_${image.subset}`
        let lines = classLists.get(key)
        if (!lines) classLists.set(key, (lines = []))
        lines.push(`${id} ${value}\n`)
      }
    }
    options?.onProgress?.({ done: n + 1, total: dataset.images.length, phase: 'write' })
  })
  for (const [subset, ids] of lists)
    files.set(`ImageSets/Main/${subset}.txt`, ids.map((id) => `${id}\n`).join(''))
  for (const [subset, ids] of segmented) {
    if (ids.length > 0)
      files.set(`ImageSets/Segmentation/${subset}.txt`, ids.map((id) => `${id}\n`).join(''))
  }
  for (const [key, lines] of classLists) files.set(`ImageSets/Main/${key}.txt`, lines.join(''))
  files.set('labelmap.txt', writeLabelmap(labelmap))
  return files
}
