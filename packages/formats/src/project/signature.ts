// What makes two shapes (or tags) "the same" for an idempotent import: label, type, geometry
// rounded to 1e-6, mask, skeleton visibility and attribute values (missing ones read as the
// label's defaults). Who made it, when, z-order and the occluded flag do not count.

import type { AttributeValue, LabelRecord, NodeVisibility, Rle, ShapeType } from '@loupe/model'

const round = (value: number) => {
  const r = Math.round(value * 1e6) / 1e6
  return Object.is(r, -0) ? '0' : String(r)
}

/** The label's attribute values, declared attributes only, defaults for missing ones. */
export function attributeKey(
  label: LabelRecord | undefined,
  values: Readonly<Record<string, AttributeValue>>,
): string {
  if (!label) {
    return JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
  const out: [string, AttributeValue][] = []
  for (const attribute of label.attributes) {
    out.push([attribute.id, values[attribute.id] ?? attribute.default])
  }
  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify(out)
}

export interface ShapeLike {
  labelId: string
  type: ShapeType
  points: readonly number[]
  rotation: number
  mask?: Rle
  visibility?: readonly NodeVisibility[]
  attributes: Readonly<Record<string, AttributeValue>>
}

export function shapeSignature(shape: ShapeLike, label: LabelRecord | undefined): string {
  const parts = [
    shape.labelId,
    shape.type,
    shape.points.map(round).join(','),
    round(shape.rotation),
    shape.mask ? `${shape.mask.size.join('x')}:${shape.mask.counts.join(',')}` : '',
    shape.visibility ? shape.visibility.join(',') : '',
    attributeKey(label, shape.attributes),
  ]
  return parts.join('|')
}

export function tagSignature(
  tag: { labelId: string; attributes: Readonly<Record<string, AttributeValue>> },
  label: LabelRecord | undefined,
): string {
  return `${tag.labelId}|${attributeKey(label, tag.attributes)}`
}
