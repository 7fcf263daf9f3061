// Pascal VOC: XML per image, ImageSets lists, segmentation PNGs (read.ts and write.ts).
import type { Dataset } from '../dataset'
import { decodeText, type FileTree } from '../files'
import type { FormatModule, ReportEntry } from '../format'
import { readVoc } from './read'
import {
  labelmapOf,
  MAX_INSTANCES,
  objectsOf,
  paintObjects,
  writeVoc,
  type VocObject,
} from './write'

const NAME = 'Pascal VOC'

function detect(files: FileTree): number {
  const paths = files.paths()
  const xml = paths.find((path) => /(^|\/)Annotations\/.+\.xml$/i.test(path))
  if (xml) {
    const head = decodeText(files.get(xml)!.subarray(0, 512))
    return /<annotation[\s>]/.test(head) ? 0.95 : 0.3
  }
  if (paths.some((path) => /(^|\/)(SegmentationClass|SegmentationObject)\/.+\.png$/i.test(path))) {
    return 0.8
  }
  if (paths.some((path) => /(^|\/)ImageSets\/Main\/.+\.txt$/.test(path))) return 0.6
  // LabelImg: <annotation> XML files beside the images
  const loose = paths.find((path) => path.toLowerCase().endsWith('.xml'))
  if (
    loose &&
    /^\s*(<\?xml[^>]*>\s*)?<annotation[\s>]/.test(decodeText(files.get(loose)!.subarray(0, 512)))
  ) {
    return 0.6
  }
  return 0
}

/** Whether the boxes of two painted objects intersect (only then can their pixels overlap). */
function boxesOverlap(objects: VocObject[]): boolean {
  const boxes = objects
    .filter((object) => object.mask)
    .map(({ mask }) => {
      const [h, w] = mask!.rle.size
      return [mask!.left, mask!.top, mask!.left + w, mask!.top + h] as const
    })
    .sort((a, b) => a[0] - b[0])
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j]![0] < boxes[i]![2]; j++) {
      if (boxes[j]![1] < boxes[i]![3] && boxes[i]![1] < boxes[j]![3]) return true
    }
  }
  return false
}

function report(dataset: Dataset): ReportEntry[] {
  const entries: ReportEntry[] = []
  const add = (kind: ReportEntry['kind'], what: string, count: number, detail: string) => {
    if (count > 0) entries.push({ kind, what, count, detail: `${NAME}: ${detail}` })
  }
  const classIndex = new Map(labelmapOf(dataset).map((entry, i) => [entry.name, i]))
  let overlaps = 0
  let beyond = 0
  let tagAttributes = 0
  let implied = 0
  for (const image of dataset.images) {
    const objects = objectsOf(image)
    beyond += objects.filter((object, i) => object.mask && i >= MAX_INSTANCES).length
    if (boxesOverlap(objects)) overlaps += paintObjects(image, objects, classIndex)?.overlaps ?? 0
    for (const tag of image.tags) {
      tagAttributes += Object.keys(tag.attributes).length
      if (image.annotations.some((ann) => ann.label === tag.label)) implied++
    }
  }
  add(
    'converted',
    'overlapping masks',
    overlaps,
    'a segmentation PNG holds one object per pixel; where masks overlap, the one on top keeps the pixels',
  )
  add(
    'dropped',
    'masks past 254 objects',
    beyond,
    `a SegmentationObject PNG holds ${MAX_INSTANCES} objects; further masks are written as boxes only`,
  )
  add(
    'dropped',
    'tag attribute values',
    tagAttributes,
    'image tags are per-class list entries, without attributes',
  )
  add(
    'dropped',
    'tags implied by objects',
    implied,
    'a tag on an image that has an object of the same label is not told apart from the object',
  )
  const definitions = dataset.labels.reduce((n, label) => n + label.attributes.length, 0)
  add(
    'converted',
    'attribute definitions',
    definitions,
    'VOC stores attribute values as text; types are inferred again on import (checkbox, number or text) and allowed values are not kept',
  )
  const colons = dataset.labels.filter((label) => label.name.includes(':')).length
  add(
    'converted',
    'label names with ":"',
    colons,
    'labelmap.txt separates fields with ":"; such names do not read back from it',
  )
  return entries
}

export const voc: FormatModule = {
  id: 'voc',
  name: NAME,
  capabilities: {
    shapes: ['rectangle', 'mask'],
    converts: {
      polygon:
        'polygon → mask in SegmentationObject/SegmentationClass PNGs, with its bounding box as an XML object',
      ellipse: 'ellipse → bounding box',
    },
    attributes: true,
    tags: true,
    rotation: false,
    occluded: true,
    zOrder: false,
    groups: false,
    captions: false,
    subsets: true,
    colors: true,
  },
  detect,
  read: readVoc,
  write: writeVoc,
  report,
}
