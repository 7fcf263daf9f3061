// Writes an Ultralytics YOLO dataset. One task per dataset, as Ultralytics trains one:
//   pose     when it has skeletons: `class cx cy w h` + `x y v` per keypoint (box from keypoints)
//   segment  else when it has polygons or masks: `class x1 y1 x2 y2 …` for every shape
//            (boxes as their 4 corners, ellipses as 32-gons, masks as traced outlines)
//   detect   else: `class cx cy w h`
// Layout: data.yaml, images/<subset>/<name>, labels/<subset>/<stem>.txt (empty when the image
// has no annotations). A subset whose images are not all written gets a `<subset>.txt` list
// (`./images/<subset>/<name>`) so image names survive without the images.

import { maskToPolygons } from '@loupe/masks'
import { subsetsOf, type Dataset, type DatasetAnnotation, type DatasetImage } from '../dataset'
import { throwIfCancelled } from '../errors'
import { FileTree, stripExtension } from '../files'
import type { WriteOptions } from '../format'
import {
  annotationBox,
  centerBoxText,
  classIndexes,
  classIndexOf,
  classNames,
  ellipsePolygon,
  fixed6,
  pointsText,
} from '../yolo/label-rows'
import { yamlString } from './config'

export type UltralyticsTask = 'detect' | 'segment' | 'pose'

export function taskOf(dataset: Dataset): UltralyticsTask {
  let segment = false
  for (const image of dataset.images) {
    for (const ann of image.annotations) {
      if (ann.type === 'skeleton') return 'pose'
      if (ann.type === 'polygon' || ann.type === 'mask') segment = true
    }
  }
  return segment ? 'segment' : 'detect'
}

/**
 * The data.yaml key of each subset: `default` becomes `train` and `valid` becomes `val` (the
 * keys Ultralytics trains with) unless the dataset has those subsets already.
 */
export function subsetKeys(dataset: Dataset): Map<string, string> {
  const subsets = subsetsOf(dataset)
  return new Map(
    subsets.map((s) => {
      if (s === 'default' && !subsets.includes('train')) return [s, 'train']
      if (s === 'valid' && !subsets.includes('val')) return [s, 'val']
      return [s, s]
    }),
  )
}

/** Keypoints per row in a pose dataset: the most nodes of any skeleton label. */
export function keypointCount(dataset: Dataset): number {
  let k = 0
  for (const label of dataset.labels) k = Math.max(k, label.skeleton?.nodes.length ?? 0)
  return k
}

const VISIBILITY = { visible: 2, occluded: 1, hidden: 0 } as const

function skeletonRow(ann: DatasetAnnotation, image: DatasetImage, k: number): string {
  const n = ann.points.length >> 1
  // the box of the labelled keypoints (all of them when none is labelled)
  const labelled: number[] = []
  for (let i = 0; i < n; i++) {
    if ((ann.visibility?.[i] ?? 'visible') !== 'hidden') {
      labelled.push(ann.points[2 * i]!, ann.points[2 * i + 1]!)
    }
  }
  const box = annotationBox({
    ...ann,
    type: 'points',
    points: labelled.length ? labelled : ann.points,
  })
  const parts = [centerBoxText(box, image.width, image.height)]
  for (let i = 0; i < k; i++) {
    if (i >= n) {
      parts.push('0.000000 0.000000 0')
      continue
    }
    const v = VISIBILITY[ann.visibility?.[i] ?? 'visible']
    parts.push(
      `${fixed6(ann.points[2 * i]! / image.width)} ${fixed6(ann.points[2 * i + 1]! / image.height)} ${v}`,
    )
  }
  return parts.join(' ')
}

/** The rows of one annotation (a mask may give several, one per region; a dropped shape none). */
function rowsOf(
  ann: DatasetAnnotation,
  image: DatasetImage,
  task: UltralyticsTask,
  k: number,
): string[] {
  const { width, height } = image
  const type = ann.type
  if (type === 'points' || type === 'polyline') return []
  if (task === 'pose') {
    if (type === 'skeleton') return [skeletonRow(ann, image, k)]
    const zeros = ' 0.000000 0.000000 0'.repeat(k)
    return [centerBoxText(annotationBox(ann), width, height) + zeros]
  }
  if (type === 'skeleton') return []
  if (task === 'detect') return [centerBoxText(annotationBox(ann), width, height)]
  if (type === 'polygon') return [pointsText(ann.points, width, height)]
  if (type === 'ellipse') return [pointsText(ellipsePolygon(ann.points), width, height)]
  if (type === 'mask') {
    if (!ann.mask) return []
    const [x1, y1] = ann.points as [number, number]
    return maskToPolygons(ann.mask, { x1, y1 }).map((polygon) => pointsText(polygon, width, height))
  }
  const [x1, y1, x2, y2] = ann.points as [number, number, number, number]
  return [pointsText([x1, y1, x2, y1, x2, y2, x1, y2], width, height)]
}

export function writeUltralytics(dataset: Dataset, options?: WriteOptions): FileTree {
  const files = new FileTree()
  const task = taskOf(dataset)
  const k = task === 'pose' ? keypointCount(dataset) : 0
  const indexes = classIndexes(dataset.labels)
  const keys = subsetKeys(dataset)
  const includeImages = options?.includeImages ?? true
  const lists = new Map<string, { lines: string[]; complete: boolean }>()
  for (const key of keys.values()) lists.set(key, { lines: [], complete: true })
  const total = dataset.images.length
  dataset.images.forEach((image, i) => {
    throwIfCancelled(options?.signal)
    const key = keys.get(image.subset)!
    const rows: string[] = []
    for (const ann of image.annotations) {
      const index = classIndexOf(indexes, ann.label)
      for (const row of rowsOf(ann, image, task, k)) rows.push(`${index} ${row}\n`)
    }
    files.set(`labels/${key}/${stripExtension(image.name)}.txt`, rows.join(''))
    const list = lists.get(key)!
    if (includeImages && image.data) files.set(`images/${key}/${image.name}`, image.data)
    else list.complete = false
    list.lines.push(`./images/${key}/${image.name}\n`)
    options?.onProgress?.({ done: i + 1, total, phase: 'write' })
  })

  let yaml = 'path: .\n'
  for (const [key, list] of lists) {
    if (list.complete) yaml += `${yamlString(key)}: ${yamlString(`images/${key}`)}\n`
    else {
      files.set(`${key}.txt`, list.lines.join(''))
      yaml += `${yamlString(key)}: ${yamlString(`${key}.txt`)}\n`
    }
  }
  if (task === 'pose') {
    yaml += `kpt_shape: [${k}, 3]\n`
    const named = dataset.labels.filter((label) => label.skeleton)
    if (named.length > 0) {
      yaml += 'kpt_names:\n'
      for (const label of [...named].sort((a, b) => indexes.get(a.name)! - indexes.get(b.name)!)) {
        yaml += `  ${indexes.get(label.name)}:\n`
        for (const node of label.skeleton!.nodes) yaml += `    - ${yamlString(node)}\n`
      }
    }
  }
  yaml += 'names:\n'
  classNames(indexes).forEach((name, i) => (yaml += `  ${i}: ${yamlString(name)}\n`))
  files.set('data.yaml', yaml)
  return files
}
