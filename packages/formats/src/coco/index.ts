// COCO 1.0 (instances + person_keypoints), as CVAT, Datumaro and Roboflow write it.
import type { Dataset, DatasetAnnotation } from '../dataset'
import type { FormatModule, ReportEntry } from '../format'
import { findCocoSources } from './layout'
import { readCoco } from './read'
import { writeCoco } from './write'

const NAME = 'COCO 1.0'

/** Shape types COCO writes an object for (ellipses as polygons); the rest are dropped. */
const WRITTEN: ReadonlySet<DatasetAnnotation['type']> = new Set([
  'rectangle',
  'polygon',
  'mask',
  'skeleton',
  'ellipse',
])

/** What polygons of one group share to be written as one object (as `writeCoco` merges them). */
function partKey(ann: DatasetAnnotation): string {
  const attributes: Record<string, unknown> = { occluded: !!ann.occluded }
  for (const name in ann.attributes) {
    if (name !== 'occluded' && name !== 'rotation') attributes[name] = ann.attributes[name]
  }
  return JSON.stringify([ann.label, !!ann.crowd, attributes, ann.score])
}

/**
 * Groups: COCO keeps one only as one object of several polygons, which reads back as a group.
 * So a group survives when its (written) members are two or more polygons of one label, crowd
 * flag, attribute values and score; any other group is lost, and every member is counted.
 */
function report(dataset: Dataset): ReportEntry[] {
  let lost = 0
  for (const image of dataset.images) {
    const groups = new Map<number, DatasetAnnotation[]>()
    for (const ann of image.annotations) {
      if (ann.group === undefined || !WRITTEN.has(ann.type)) continue
      const members = groups.get(ann.group)
      if (members) members.push(ann)
      else groups.set(ann.group, [ann])
    }
    for (const members of groups.values()) {
      const key = partKey(members[0]!)
      const kept =
        members.length > 1 && members.every((ann) => ann.type === 'polygon' && partKey(ann) === key)
      if (!kept) lost += members.length
    }
  }
  if (lost === 0) return []
  return [
    {
      kind: 'dropped',
      what: 'groups',
      count: lost,
      detail:
        `${NAME} keeps a group only as one object of several polygons (same label and ` +
        'attributes); shapes of other groups are written without their group',
    },
  ]
}

export const coco: FormatModule = {
  id: 'coco',
  name: NAME,
  capabilities: {
    shapes: ['rectangle', 'polygon', 'mask', 'skeleton'],
    // an ellipse's rotation is part of its polygon
    converts: { ellipse: 'ellipse → polygon approximation' },
    // values go into each object's `attributes` (CVAT's extension); their types are inferred back
    attributes: true,
    tags: false,
    // a rectangle's rotation goes into `attributes.rotation` (as CVAT writes it) and is read back;
    // `bbox` is the unrotated box, which is what training code sees
    rotation: true,
    occluded: true,
    zOrder: false,
    // polygons of one group, label and attributes become the parts of one object (read back as a
    // group); other groups are reported by `report`
    groups: true,
    captions: false,
    subsets: true,
    colors: false,
  },
  detect: (files) => Math.max(0, ...findCocoSources(files).map((source) => source.confidence)),
  read: readCoco,
  write: writeCoco,
  report,
}
