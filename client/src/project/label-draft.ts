import { ATTRIBUTE_TYPES, LABEL_PALETTE, LABEL_TYPES } from '@loupe/model'
import type { AttributeType, LabelInput, LabelRecord, LabelType } from '@loupe/model'

/** A label being edited in the form: strings as typed, turned into a LabelInput on save. */
export interface AttributeDraft {
  key: string
  id?: string
  name: string
  type: AttributeType
  /** select/radio: one value per line or comma-separated */
  values: string
  min: string
  max: string
  step: string
  default: string
  mutable: boolean
}

export interface LabelDraft {
  name: string
  color: string
  type: LabelType
  attributes: AttributeDraft[]
  /** skeleton labels: node names, comma-separated */
  skeletonNodes: string
  /** skeleton labels: bones as `node-node`, comma-separated (e.g. `head-neck, neck-hip`) */
  skeletonBones: string
}

export { ATTRIBUTE_TYPES, LABEL_TYPES }

let keys = 0
const nextKey = () => `a${++keys}`

export function newAttributeDraft(type: AttributeType = 'select'): AttributeDraft {
  return {
    key: nextKey(),
    name: '',
    type,
    values: '',
    min: '',
    max: '',
    step: '',
    default: '',
    mutable: false,
  }
}

export function newLabelDraft(index: number): LabelDraft {
  return {
    name: '',
    color: LABEL_PALETTE[index % LABEL_PALETTE.length] ?? '#4e79a7',
    type: 'any',
    attributes: [],
    skeletonNodes: '',
    skeletonBones: '',
  }
}

export function labelToDraft(label: LabelRecord): LabelDraft {
  return {
    name: label.name,
    color: label.color,
    type: label.type,
    skeletonNodes: label.skeleton?.nodes.join(', ') ?? '',
    skeletonBones:
      label.skeleton?.edges
        .map(([a, b]) => `${label.skeleton!.nodes[a]}-${label.skeleton!.nodes[b]}`)
        .join(', ') ?? '',
    attributes: label.attributes.map((a) => {
      const draft: AttributeDraft = {
        ...newAttributeDraft(a.type),
        id: a.id,
        name: a.name,
        default: String(a.default),
        mutable: a.mutable,
      }
      if (a.type === 'select' || a.type === 'radio') draft.values = a.values.join(', ')
      if (a.type === 'number' && a.values.length === 3) {
        draft.min = String(a.values[0])
        draft.max = String(a.values[1])
        draft.step = String(a.values[2])
      }
      return draft
    }),
  }
}

const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)

/** A number as typed, or NaN for the model to reject with a path ("" is "not given"). */
const num = (text: string) => (text.trim() === '' ? undefined : Number(text))

/** The model input for a draft; the model validates it (and names the path of any error). */
export function draftToInput(draft: LabelDraft): LabelInput {
  const input: LabelInput = {
    name: draft.name,
    color: draft.color,
    type: draft.type,
    attributes: draft.attributes.map((a) => {
      const base = { ...(a.id ? { id: a.id } : {}), name: a.name, type: a.type, mutable: a.mutable }
      switch (a.type) {
        case 'select':
        case 'radio':
          return {
            ...base,
            values: splitList(a.values),
            ...(a.default.trim() ? { default: a.default.trim() } : {}),
          }
        case 'checkbox':
          return { ...base, default: a.default === 'true' }
        case 'number': {
          const range = [num(a.min), num(a.max), num(a.step)]
          const values = range.every((v) => v === undefined) ? [] : range.map((v) => v ?? NaN)
          const dflt = num(a.default)
          return { ...base, values, ...(dflt === undefined ? {} : { default: dflt }) }
        }
        case 'text':
          return { ...base, default: a.default }
      }
    }),
  }
  if (draft.type === 'skeleton') {
    const nodes = splitList(draft.skeletonNodes)
    input.skeleton = { nodes, edges: parseBones(draft.skeletonBones, nodes) }
  }
  return input
}

/**
 * Bones typed as `a-b` pairs of node names, comma-separated, into index pairs. A node name may
 * itself hold a hyphen (`left-eye-nose`): the split is the one whose both sides are node names.
 */
export function parseBones(text: string, nodes: readonly string[]): [number, number][] {
  const index = new Map(nodes.map((name, i) => [name.toLowerCase(), i]))
  return splitList(text).map((bone, n) => {
    const parts = bone.split('-')
    for (let cut = 1; cut < parts.length; cut++) {
      const a = index.get(parts.slice(0, cut).join('-').trim().toLowerCase())
      const b = index.get(parts.slice(cut).join('-').trim().toLowerCase())
      if (a !== undefined && b !== undefined) return [a, b]
    }
    throw new Error(
      `skeleton bones: “${bone}” (bone ${n + 1}) is not two node names joined by “-”; ` +
        `the nodes are ${nodes.join(', ') || 'none yet'}`,
    )
  })
}
