// The export report: counts, per kind, everything in a dataset that a format cannot express.

import type { Dataset } from './dataset'
import type { ExportReport, FormatModule, ReportEntry } from './format'

class Tally {
  private readonly counts = new Map<string, ReportEntry>()
  add(kind: ReportEntry['kind'], what: string, detail: string, count = 1) {
    const key = `${kind}:${what}`
    const entry = this.counts.get(key)
    if (entry) entry.count += count
    else this.counts.set(key, { kind, what, detail, count })
  }
  entries(): ReportEntry[] {
    return [...this.counts.values()]
  }
}

/** What `format` will drop or convert when it writes `dataset`, from its capabilities. */
export function exportReport(format: FormatModule, dataset: Dataset): ExportReport {
  const caps = format.capabilities
  const tally = new Tally()
  const name = format.name
  let annotations = 0
  const colored = dataset.labels.filter((label) => label.color).length
  if (!caps.colors && colored > 0) {
    tally.add('dropped', 'label colors', `${name} has no label colors`, colored)
  }
  for (const label of dataset.labels) {
    if (!caps.attributes && label.attributes.length > 0) {
      tally.add(
        'dropped',
        'attribute definitions',
        `${name} has no attributes`,
        label.attributes.length,
      )
    }
  }
  for (const image of dataset.images) {
    if (!caps.tags && image.tags.length > 0) {
      tally.add('dropped', 'tags', `${name} has no image-level tags`, image.tags.length)
    }
    if (!caps.captions && image.captions?.length) {
      tally.add('dropped', 'captions', `${name} has no captions`, image.captions.length)
    }
    for (const ann of image.annotations) {
      annotations++
      const conversion = caps.converts?.[ann.type]
      if (!caps.shapes.includes(ann.type)) {
        if (conversion) tally.add('converted', ann.type, `${name}: ${conversion}`)
        else tally.add('dropped', ann.type, `${name} cannot hold ${ann.type} shapes`)
        if (!conversion) continue
      }
      const attrs = Object.keys(ann.attributes).length
      if (!caps.attributes && attrs > 0) {
        tally.add('dropped', 'attribute values', `${name} has no attributes`, attrs)
      }
      if (!caps.rotation && ann.rotation) {
        tally.add('dropped', 'rotation', `${name} has no rotation; the unrotated shape is written`)
      }
      if (!caps.occluded && ann.occluded) {
        tally.add('dropped', 'occluded', `${name} has no occluded flag`)
      }
      if (!caps.groups && ann.group !== undefined) {
        tally.add('dropped', 'groups', `${name} has no groups`)
      }
      if (!caps.zOrder && ann.zOrder) {
        tally.add('dropped', 'z-order', `${name} keeps no z-order beyond the order of shapes`)
      }
    }
  }
  for (const entry of format.report?.(dataset) ?? []) {
    tally.add(entry.kind, entry.what, entry.detail, entry.count)
  }
  return { format: format.id, images: dataset.images.length, annotations, entries: tally.entries() }
}
