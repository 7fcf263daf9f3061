// LabelMe JSON, as the `labelme` tool writes it: one JSON file per image (`version`, `flags`,
// `shapes`, `imagePath`, `imageData`, `imageHeight`, `imageWidth`), usually beside the image.
//
// Mapping (read ↔ write):
// - rectangle ↔ rectangle (two opposite corners); polygon ↔ polygon; circle (center and a point
//   on the circle) ↔ ellipse with rx = ry; line (2 points) and linestrip ↔ polyline (written as
//   `line` when it has 2 points); point ↔ points with one point, `points` ↔ points with several;
//   mask (base64 PNG over the box from the first point, whose size is the PNG's) ↔ mask.
//   `oriented_rectangle` (newer labelme, 4 corners) reads as a rotated rectangle.
// - Written in a lossy form, and reported: a rotated rectangle as its 4-corner polygon, an
//   ellipse with rx ≠ ry as a 64-vertex polygon. Skeletons are dropped (reported).
// - `group_id` ↔ group (null = none). Shape order is the drawing order: shapes are written by
//   z-order, and read without one.
// - Attributes: a shape's `flags` (name → true/false) ↔ boolean (checkbox) attributes; its
//   `description` ↔ a text attribute named `description`; every other value (text, number,
//   select, radio) goes in an `attributes` object on the shape, a key labelme keeps when it
//   saves. LabelMe has no label list, so attributes are declared from the values read: checkbox,
//   number or text (text when an attribute holds values of several kinds); select/radio value
//   lists, defaults and number ranges are not kept (reported).
// - Image `flags` ↔ image tags: every label used as a tag anywhere is written as a flag of every
//   image (true where the image has the tag); read, each flag names a label and each true one
//   tags the image. Tag attributes are dropped (reported).
// - Not held: label colors, occluded, scores, crowd, captions, subsets (images of all subsets sit
//   side by side; a name two subsets share goes under `<subset>/`).
// - `imageData` is null unless `writeLabelme(…, { imageData: true })`; read, an image comes from
//   the file `imagePath` names (relative to the JSON, `\` or `/`), else from `imageData`.

import { strFromU8 } from 'fflate'
import { subsetsOf, type Dataset } from '../dataset'
import { extensionOf } from '../files'
import type { FormatModule, ReportEntry } from '../format'
import { readLabelme } from './read'
import { writeLabelme } from './write'

export { readLabelme, resolveImagePath } from './read'
export { ELLIPSE_VERTICES, LABELME_VERSION, writeLabelme } from './write'
export type { LabelmeWriteOptions } from './write'

const NAME = 'LabelMe'

function report(dataset: Dataset): ReportEntry[] {
  const entries: ReportEntry[] = []
  const add = (kind: ReportEntry['kind'], what: string, count: number, detail: string) => {
    if (count > 0) entries.push({ kind, what, count, detail })
  }
  let rotated = 0
  let ellipses = 0
  let scores = 0
  let crowd = 0
  let tagAttributes = 0
  for (const image of dataset.images) {
    for (const ann of image.annotations) {
      if (ann.type === 'rectangle' && ann.rotation) rotated++
      if (ann.type === 'ellipse' && ann.points[2] !== ann.points[3]) ellipses++
      if (ann.score !== undefined) scores++
      if (ann.crowd) crowd++
    }
    for (const tag of image.tags) tagAttributes += Object.keys(tag.attributes).length
  }
  add(
    'converted',
    'rotated rectangle',
    rotated,
    `${NAME}: a rotated rectangle is written as its 4-corner polygon`,
  )
  add(
    'converted',
    'ellipse',
    ellipses,
    `${NAME}: an ellipse that is not a circle is written as a 64-vertex polygon`,
  )
  add('dropped', 'scores', scores, `${NAME} has no confidence scores`)
  add('dropped', 'crowd', crowd, `${NAME} has no crowd flag`)
  add(
    'dropped',
    'tag attributes',
    tagAttributes,
    `${NAME} image flags are true/false, without attributes`,
  )
  const definitions = dataset.labels.reduce(
    (n, label) =>
      n + label.attributes.filter((a) => a.type !== 'checkbox' && a.type !== 'text').length,
    0,
  )
  add(
    'converted',
    'attribute definitions',
    definitions,
    `${NAME} keeps attribute values, not definitions: select/radio read back as text, number ranges are lost`,
  )
  const subsets = subsetsOf(dataset).length
  if (subsets > 1)
    add(
      'dropped',
      'subsets',
      subsets,
      `${NAME} has no subsets; images of all subsets are written side by side`,
    )
  return entries
}

export const labelme: FormatModule = {
  id: 'labelme',
  name: NAME,
  capabilities: {
    shapes: ['rectangle', 'polygon', 'polyline', 'points', 'ellipse', 'mask'],
    attributes: true,
    tags: true,
    // not dropped, but not kept as a rotation either: a rotated rectangle is written as its
    // 4-corner polygon and an ellipse (not a circle) as a polygon, both reported as `converted`
    // by `report`; a circle has no rotation to lose
    rotation: true,
    occluded: false,
    zOrder: false,
    groups: true,
    captions: false,
    subsets: false,
    colors: false,
  },
  detect(files) {
    // cheap: the first 64 KiB of up to 3 JSON files; labelme writes `version`, `flags`, `shapes`
    let looked = 0
    for (const path of files.paths()) {
      if (extensionOf(path) !== 'json') continue
      const head = strFromU8(files.get(path)!.subarray(0, 65536), true)
      if (/^\s*\{/.test(head) && head.includes('"shapes"')) {
        return head.includes('"imagePath"') || head.includes('"version"') ? 0.9 : 0.6
      }
      if (++looked >= 3) break
    }
    return 0
  },
  read: (files, options) => readLabelme(files, options),
  write: (dataset, options) => writeLabelme(dataset, options),
  report,
}
