// Writes YOLO 1.1 (Darknet) as CVAT does (see read.ts for the layout). Only boxes: polygons,
// ellipses and masks are written as their bounding boxes; the report says so.

import { subsetsOf, type Dataset } from '../dataset'
import { throwIfCancelled } from '../errors'
import { FileTree, stripExtension } from '../files'
import type { WriteOptions } from '../format'
import { annotationBox, centerBoxText, classIndexes, classIndexOf, classNames } from './label-rows'

/** Shapes written as boxes: as they are, or as their bounding box. */
const BOXED = new Set(['rectangle', 'polygon', 'ellipse', 'mask'])

/** Darknet's subset for a dataset subset: `default` becomes `train` (as CVAT writes it). */
export function darknetSubsets(dataset: Dataset): Map<string, string> {
  const subsets = subsetsOf(dataset)
  return new Map(
    subsets.map((s) => [s, s === 'default' && !subsets.includes('train') ? 'train' : s]),
  )
}

export function writeYolo(dataset: Dataset, options?: WriteOptions): FileTree {
  const files = new FileTree()
  const indexes = classIndexes(dataset.labels)
  const subsetNames = darknetSubsets(dataset)
  const lists = new Map<string, string[]>()
  for (const name of subsetNames.values()) lists.set(name, [])
  const includeImages = options?.includeImages ?? true
  const total = dataset.images.length
  dataset.images.forEach((image, i) => {
    throwIfCancelled(options?.signal)
    const subset = subsetNames.get(image.subset)!
    const folder = `obj_${subset}_data`
    const rows: string[] = []
    for (const ann of image.annotations) {
      if (!BOXED.has(ann.type)) continue
      const box = centerBoxText(annotationBox(ann), image.width, image.height)
      rows.push(`${classIndexOf(indexes, ann.label)} ${box}\n`)
    }
    files.set(`${folder}/${stripExtension(image.name)}.txt`, rows.join(''))
    if (includeImages && image.data) files.set(`${folder}/${image.name}`, image.data)
    lists.get(subset)!.push(`data/${folder}/${image.name}\n`)
    options?.onProgress?.({ done: i + 1, total, phase: 'write' })
  })
  const names = classNames(indexes)
  files.set('obj.names', names.map((name) => `${name}\n`).join(''))
  let objData = `classes = ${names.length}\n`
  for (const [subset, lines] of lists) {
    files.set(`${subset}.txt`, lines.join(''))
    objData += `${subset} = data/${subset}.txt\n`
  }
  objData += 'names = data/obj.names\nbackup = backup/\n'
  files.set('obj.data', objData)
  return files
}
