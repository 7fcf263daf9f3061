// CVAT for images 1.1 (XML): the format CVAT exports and imports for image tasks, jobs and
// projects. Layout and mapping:
//
// - `annotations.xml` (`<annotations><version>1.1</version><meta>…</meta><image>…</image>…`),
//   images in `images/` (task/job export) or `images/<subset>/` (project export). Reading takes
//   any XML file whose root is `<annotations>` when there is no `annotations.xml`.
// - `<meta>` holds `<task>`, `<job>` (newer CVAT) or `<project>` (with `<tasks>` and
//   `<subsets>`); its `<labels>` give name, color, type and attributes (`input_type`
//   select|radio|checkbox|number|text, `mutable`, `default_value`, `values` one per line; a
//   number's values are `min\nmax\nstep`). Skeleton labels carry an `<svg>` template (node
//   circles with `data-label-name`, bone lines by node id) and one sublabel per node (a `<label>`
//   with `<parent>`), folded into the label's node list; sublabels' own colors and attributes are
//   not kept. Labels used by shapes but absent from the meta become `any` labels; attributes
//   absent from the meta become text attributes.
// - Shapes: `<box>` ↔ rectangle, `<polygon>`, `<polyline>`, `<points>`, `<ellipse cx cy rx ry>`,
//   `<mask rle left top width height>` (CVAT's row-major RLE ↔ Loupe's column-major COCO RLE
//   over the same box), `<skeleton>` with one `<points label=node outside occluded>` per node
//   (outside ↔ hidden), `<tag>` ↔ image tag. `rotation` (boxes, ellipses), `occluded`,
//   `z_order`, `group_id` (0 = none) and `source` (manual, semi-auto ↔ sam, auto, file ↔
//   import) are kept; `<attribute name>` values are typed by the label's declaration.
// - Subsets: a project's `<image subset>`, else the task's `<subset>`. Writing one subset makes
//   a task export, several a project export with one task per subset (frame ids per subset, as
//   CVAT numbers them). An unbounded number attribute is written as the int32 range with step 1
//   and read back as unbounded.
// - Not read: `<track>` (CVAT for video 1.1) and `<cuboid>` fail with a message saying so; tag
//   `group_id` and skeleton nodes' own attributes are not kept.
// - Errors name the file, the element path (XPath-style, 1-based: `annotations/image[3]/box[1]`,
//   `@xtl` for an attribute) and its line.

import type { Dataset, DatasetAnnotation } from '../dataset'
import type { FormatModule, ReportEntry } from '../format'
import { cvatAnnotationFiles, headText, looksLikeCvat, readCvat } from './read'
import { writeCvat } from './write'

export { formatNumber } from './write'

function report(dataset: Dataset): ReportEntry[] {
  const entries: ReportEntry[] = []
  const count = (what: (ann: DatasetAnnotation) => boolean) =>
    dataset.images.reduce((n, image) => n + image.annotations.filter(what).length, 0)
  const scores = count((ann) => ann.score !== undefined)
  if (scores > 0) {
    entries.push({
      kind: 'dropped',
      what: 'scores',
      count: scores,
      detail: 'CVAT for images 1.1 has no confidence scores',
    })
  }
  const crowd = count((ann) => ann.crowd === true)
  if (crowd > 0) {
    entries.push({
      kind: 'dropped',
      what: 'crowd',
      count: crowd,
      detail: 'CVAT for images 1.1 has no crowd flag',
    })
  }
  const occludedSkeletons = count((ann) => ann.type === 'skeleton' && ann.occluded === true)
  if (occludedSkeletons > 0) {
    entries.push({
      kind: 'dropped',
      what: 'occluded',
      count: occludedSkeletons,
      detail: 'CVAT for images 1.1 keeps occlusion per skeleton node, not per skeleton',
    })
  }
  return entries
}

export const cvat: FormatModule = {
  id: 'cvat',
  name: 'CVAT for images 1.1',
  capabilities: {
    shapes: ['rectangle', 'polygon', 'polyline', 'points', 'ellipse', 'mask', 'skeleton'],
    attributes: true,
    tags: true,
    rotation: true,
    occluded: true,
    zOrder: true,
    groups: true,
    captions: false,
    subsets: true,
    colors: true,
  },
  detect(files) {
    const paths = cvatAnnotationFiles(files)
    if (paths.length === 0) return 0
    const bytes = files.get(paths[0]!)!
    if (!looksLikeCvat(bytes)) return 0
    return /<version>\s*1\.\d+\s*<\/version>/.test(headText(bytes)) ? 0.95 : 0.8
  },
  read: (files, options) => readCvat(files, options),
  write: (dataset, options) => writeCvat(dataset, options),
  report,
}
