// Ultralytics YOLO: detection, segmentation and pose datasets (data.yaml, images/, labels/).
import type { Dataset } from '../dataset'
import type { FileTree } from '../files'
import type { FormatModule, ReportEntry } from '../format'
import { findConfig } from './config'
import { readUltralytics } from './read'
import { subsetKeys, taskOf, writeUltralytics } from './write'

const NAME = 'Ultralytics YOLO'

function detect(files: FileTree): number {
  const config = findConfig(files)
  const paths = files.paths()
  const labels = paths.some((path) => /(^|\/)labels\/.+\.txt$/.test(path))
  if (config && labels) return 0.95
  if (config) return 0.85
  return labels && paths.some((path) => /(^|\/)images\//.test(path)) ? 0.3 : 0
}

function report(dataset: Dataset): ReportEntry[] {
  const entries: ReportEntry[] = []
  const add = (kind: ReportEntry['kind'], what: string, count: number, detail: string) => {
    if (count > 0) entries.push({ kind, what, count, detail: `${NAME}: ${detail}` })
  }
  for (const [from, to] of subsetKeys(dataset)) {
    if (from === to) continue
    const count = dataset.images.filter((image) => image.subset === from).length
    add('converted', `subset ${from}`, count, `images of subset ${from} are written to ${to}`)
  }
  const task = taskOf(dataset)
  const count = (types: string[]) =>
    dataset.images.reduce(
      (n, image) => n + image.annotations.filter((ann) => types.includes(ann.type)).length,
      0,
    )
  if (task === 'segment') {
    add(
      'converted',
      'rectangle',
      count(['rectangle']),
      'a segmentation dataset holds polygons only; rectangles are written as their 4 corners',
    )
  }
  if (task === 'pose') {
    add(
      'converted',
      'polygon',
      count(['polygon']),
      'a pose dataset holds boxes and keypoints only; polygons are written as bounding boxes',
    )
    const edges = dataset.labels.filter((label) => label.skeleton?.edges.length).length
    add(
      'dropped',
      'skeleton edges',
      edges,
      'data.yaml names keypoints but not the bones between them',
    )
  } else {
    const skeletons = dataset.labels.filter((label) => label.skeleton).length
    add(
      'dropped',
      'skeleton definitions',
      skeletons,
      `a ${task} dataset has no keypoints; skeleton labels are written as plain classes`,
    )
  }
  return entries
}

export const ultralytics: FormatModule = {
  id: 'ultralytics',
  name: NAME,
  capabilities: {
    shapes: ['rectangle', 'polygon', 'skeleton'],
    converts: {
      ellipse: 'ellipse → bounding box (detection, pose) or 32-point polygon (segmentation)',
      mask: 'mask → traced outline polygons, one per region, holes filled (segmentation) or bounding box (pose)',
    },
    attributes: false,
    tags: false,
    rotation: false,
    occluded: false,
    zOrder: false,
    groups: false,
    captions: false,
    subsets: true,
    colors: false,
  },
  detect,
  read: readUltralytics,
  write: writeUltralytics,
  report,
}
