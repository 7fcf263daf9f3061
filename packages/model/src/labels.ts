import * as Y from 'yjs'
import { z } from 'zod'
import { attributeInputSchema, normalizeAttributes, readAttributes } from './attributes'
import { ModelError, ModelErrorCode } from './errors'
import { newId } from './ids'
import {
  LABEL_TYPES,
  type LabelRecord,
  type LabelType,
  type ShapeType,
  type SkeletonDefinition,
} from './schema'
import { idSchema, joinPath, nameSchema } from './validate'

const COLOR = /^#[0-9a-fA-F]{6}$/

/** Colours given to labels created without one, in order (Tableau 10). */
export const LABEL_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const

const colorSchema = z.string().regex(COLOR, { error: 'expected a colour #rrggbb' })

const skeletonSchema = z
  .strictObject({
    nodes: z.array(nameSchema).min(1, { error: 'expected at least one node' }).max(1024),
    edges: z.array(z.tuple([z.int().nonnegative(), z.int().nonnegative()])).default([]),
  })
  .superRefine((value, ctx) => {
    if (new Set(value.nodes).size !== value.nodes.length) {
      ctx.addIssue({ code: 'custom', message: 'expected unique node names', path: ['nodes'] })
    }
    value.edges.forEach(([a, b], i) => {
      if (a >= value.nodes.length || b >= value.nodes.length || a === b) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected two distinct node indexes',
          path: ['edges', i],
        })
      }
    })
  })

/** Stored skeletons are read leniently: unknown keys from newer writers are ignored. */
const storedSkeletonSchema = z.object({
  nodes: z.array(z.string()),
  edges: z.array(z.tuple([z.int().nonnegative(), z.int().nonnegative()])),
})

export const labelInputSchema = z.strictObject({
  id: idSchema.optional(),
  name: nameSchema,
  color: colorSchema.optional(),
  type: z.enum(LABEL_TYPES, { error: `expected one of ${LABEL_TYPES.join('|')}` }).optional(),
  attributes: z.array(attributeInputSchema).max(256).optional(),
  skeleton: skeletonSchema.optional(),
})

export type LabelInput = z.input<typeof labelInputSchema>

export const labelPatchSchema = labelInputSchema.omit({ id: true }).partial()

export type LabelPatch = z.input<typeof labelPatchSchema>

function checkSkeleton(type: LabelType, skeleton: SkeletonDefinition | undefined, path: string) {
  if (type === 'skeleton' && !skeleton) {
    throw new ModelError(
      ModelErrorCode.invalidInput,
      'expected a skeleton {nodes, edges} for a skeleton label',
      joinPath(path, 'skeleton'),
    )
  }
  if (type !== 'skeleton' && skeleton) {
    throw new ModelError(
      ModelErrorCode.invalidInput,
      'expected no skeleton unless type is skeleton',
      joinPath(path, 'skeleton'),
    )
  }
}

/** Validates a new label; `index` picks the default colour. `path` is e.g. `labels[0]`. */
export function normalizeLabel(input: unknown, path: string, index: number): LabelRecord {
  const parsed = parseLabelInput(input, path)
  const type = parsed.type ?? 'any'
  checkSkeleton(type, parsed.skeleton, path)
  const label: LabelRecord = {
    id: parsed.id ?? newId(),
    name: parsed.name,
    color: (parsed.color ?? LABEL_PALETTE[index % LABEL_PALETTE.length] ?? '#808080').toLowerCase(),
    type,
    attributes: normalizeAttributes(parsed.attributes ?? [], joinPath(path, 'attributes')),
  }
  if (parsed.skeleton) label.skeleton = parsed.skeleton
  return label
}

function parseLabelInput(input: unknown, path: string) {
  const result = labelInputSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new ModelError(
    ModelErrorCode.invalidInput,
    issue?.message ?? 'invalid label',
    joinPath(path, ...(issue?.path ?? [])),
  )
}

/** Applies a patch to a label, validating the result as a whole. */
export function patchLabel(label: LabelRecord, patch: unknown, path: string): LabelRecord {
  const result = labelPatchSchema.safeParse(patch)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new ModelError(
      ModelErrorCode.invalidInput,
      issue?.message ?? 'invalid patch',
      joinPath(path, ...(issue?.path ?? [])),
    )
  }
  const p = result.data
  const type = p.type ?? label.type
  const skeleton = p.skeleton ?? (type === 'skeleton' ? label.skeleton : undefined)
  checkSkeleton(type, skeleton, path)
  const next: LabelRecord = {
    id: label.id,
    name: p.name ?? label.name,
    color: (p.color ?? label.color).toLowerCase(),
    type,
    attributes: p.attributes
      ? normalizeAttributes(p.attributes, joinPath(path, 'attributes'))
      : label.attributes,
  }
  if (skeleton) next.skeleton = skeleton
  return next
}

/** Whether shapes of `shapeType` may carry this label. */
export function labelAllows(label: LabelRecord, shapeType: ShapeType): boolean {
  if (shapeType === 'skeleton') return label.type === 'skeleton'
  return label.type === 'any' || label.type === shapeType
}

/** Writes every field of a label into its Y.Map (inside the caller's transaction). */
export function writeLabel(map: Y.Map<unknown>, label: LabelRecord, fields?: ReadonlySet<string>) {
  const all = !fields
  if (all || fields.has('name')) map.set('name', label.name)
  if (all || fields.has('color')) map.set('color', label.color)
  if (all || fields.has('type')) map.set('type', label.type)
  if (all || fields.has('attributes')) map.set('attributes', label.attributes)
  if (all || fields.has('skeleton') || fields.has('type')) {
    if (label.skeleton) map.set('skeleton', label.skeleton)
    else if (map.has('skeleton')) map.delete('skeleton')
  }
}

/** Reads a label tolerantly: unknown fields are ignored, a missing name makes it unreadable. */
export function readLabel(id: string, value: unknown): LabelRecord | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const name: unknown = value.get('name')
  if (typeof name !== 'string') return undefined
  const color: unknown = value.get('color')
  const type: unknown = value.get('type')
  const label: LabelRecord = {
    id,
    name,
    color: typeof color === 'string' && COLOR.test(color) ? color.toLowerCase() : '#808080',
    type: (LABEL_TYPES as readonly unknown[]).includes(type) ? (type as LabelType) : 'any',
    attributes: readAttributes(value.get('attributes')),
  }
  const skeleton = storedSkeletonSchema.safeParse(value.get('skeleton'))
  if (skeleton.success) label.skeleton = skeleton.data
  return label
}
