// YOLO 1.1 (Darknet), as CVAT names and writes it: boxes only, normalized to the image size.
import type { Dataset } from '../dataset'
import type { FileTree } from '../files'
import type { FormatModule, ReportEntry } from '../format'
import { readYolo } from './read'
import { darknetSubsets, writeYolo } from './write'

function detect(files: FileTree): number {
  const paths = files.paths()
  const hasData = paths.some((path) => /^obj_.+_data\/.+\.txt$/.test(path))
  if (files.has('obj.names') && (files.has('obj.data') || hasData)) return 0.95
  if (files.has('obj.data')) return 0.8
  return hasData ? 0.4 : 0
}

function report(dataset: Dataset): ReportEntry[] {
  const entries: ReportEntry[] = []
  for (const [from, to] of darknetSubsets(dataset)) {
    if (from === to) continue
    const count = dataset.images.filter((image) => image.subset === from).length
    entries.push({
      kind: 'converted',
      what: `subset ${from}`,
      count,
      detail: `YOLO 1.1 (Darknet): images of subset ${from} are written to subset ${to}`,
    })
  }
  return entries
}

export const yolo: FormatModule = {
  id: 'yolo',
  name: 'YOLO 1.1 (Darknet)',
  capabilities: {
    shapes: ['rectangle'],
    converts: {
      polygon: 'polygon → bounding box',
      ellipse: 'ellipse → bounding box',
      mask: 'mask → bounding box',
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
  read: readYolo,
  write: writeYolo,
  report,
}
