import * as Y from 'yjs'
import { z } from 'zod'
import {
  NODE_VISIBILITIES,
  SHAPE_SOURCES,
  SHAPE_TYPES,
  type AttributeValue,
  type NodeVisibility,
  type Rle,
  type ShapeRecord,
  type ShapeSource,
  type ShapeType,
} from './schema'
import { idSchema } from './validate'

/** A new shape. Geometry (`points`, `rotation`, `mask`, `visibility`) is checked per type. */
export interface ShapeInput {
  id?: string
  imageId: string
  labelId: string
  type: ShapeType
  points: number[]
  rotation?: number
  /** Defaults to one above the highest shape of the image. */
  zOrder?: number
  occluded?: boolean
  /** Attribute id → value; attributes not given get the label's defaults. */
  attributes?: Record<string, AttributeValue>
  mask?: Rle
  visibility?: NodeVisibility[]
  source?: ShapeSource
}

/** A change to a shape: only the given fields are written, so concurrent edits of others merge. */
export interface ShapePatch {
  labelId?: string
  points?: number[]
  rotation?: number
  zOrder?: number
  occluded?: boolean
  /** Merged into the shape's attributes, key by key. */
  attributes?: Record<string, AttributeValue>
  mask?: Rle
  visibility?: NodeVisibility[]
}

const attributesSchema = z.record(z.string(), z.unknown(), {
  error: 'expected an object of attribute values',
})
const zOrderSchema = z.int({ error: 'expected an integer' }).min(-1e9).max(1e9)

export const shapeInputSchema = z.strictObject({
  id: idSchema.optional(),
  imageId: idSchema,
  labelId: idSchema,
  type: z.enum(SHAPE_TYPES, { error: `expected one of ${SHAPE_TYPES.join('|')}` }),
  points: z.unknown(),
  rotation: z.unknown().optional(),
  zOrder: zOrderSchema.optional(),
  occluded: z.boolean({ error: 'expected a boolean' }).optional(),
  attributes: attributesSchema.optional(),
  mask: z.unknown().optional(),
  visibility: z.unknown().optional(),
  source: z.enum(SHAPE_SOURCES, { error: `expected one of ${SHAPE_SOURCES.join('|')}` }).optional(),
})

export const shapePatchSchema = z.strictObject({
  labelId: idSchema.optional(),
  points: z.unknown().optional(),
  rotation: z.unknown().optional(),
  zOrder: zOrderSchema.optional(),
  occluded: z.boolean({ error: 'expected a boolean' }).optional(),
  attributes: attributesSchema.optional(),
  mask: z.unknown().optional(),
  visibility: z.unknown().optional(),
})

/** Copies attribute values out of a stored Y.Map (or a legacy plain object). */
export function readAttributeValues(value: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  const entries: [string, unknown][] =
    value instanceof Y.Map
      ? Array.from((value as Y.Map<unknown>).entries())
      : typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value)
        : []
  for (const [k, v] of entries) {
    if (
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    ) {
      out[k] = v
    }
  }
  return out
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
}

function readRle(value: unknown): Rle | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { size, counts } = value as { size?: unknown; counts?: unknown }
  if (!isNumberArray(size) || size.length !== 2 || !isNumberArray(counts)) return undefined
  return { size: [size[0] as number, size[1] as number], counts: counts.slice() }
}

/** Reads a shape tolerantly: unknown fields are ignored; undefined when a required field is unusable. */
export function readShape(id: string, value: unknown): ShapeRecord | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const map = value as Y.Map<unknown>
  const imageId = map.get('imageId')
  const labelId = map.get('labelId')
  const type = map.get('type')
  const points = map.get('points')
  if (typeof imageId !== 'string' || typeof labelId !== 'string') return undefined
  if (!(SHAPE_TYPES as readonly unknown[]).includes(type) || !isNumberArray(points))
    return undefined
  const rotation = map.get('rotation')
  const zOrder = map.get('zOrder')
  const source = map.get('source')
  const str = (key: string) => {
    const v = map.get(key)
    return typeof v === 'string' ? v : ''
  }
  const shape: ShapeRecord = {
    id,
    imageId,
    labelId,
    type: type as ShapeType,
    points: points.slice(),
    rotation: typeof rotation === 'number' && Number.isFinite(rotation) ? rotation : 0,
    zOrder: typeof zOrder === 'number' && Number.isFinite(zOrder) ? zOrder : 0,
    occluded: map.get('occluded') === true,
    attributes: readAttributeValues(map.get('attributes')),
    source: (SHAPE_SOURCES as readonly unknown[]).includes(source)
      ? (source as ShapeSource)
      : 'manual',
    createdBy: str('createdBy'),
    updatedBy: str('updatedBy'),
    updatedAt: str('updatedAt'),
  }
  const mask = readRle(map.get('mask'))
  if (mask) shape.mask = mask
  const visibility = map.get('visibility')
  if (Array.isArray(visibility)) {
    shape.visibility = visibility.map((v) =>
      (NODE_VISIBILITIES as readonly unknown[]).includes(v) ? (v as NodeVisibility) : 'visible',
    )
  }
  return shape
}

/** Writes a new shape's fields into its (already attached) Y.Map. */
export function writeShape(map: Y.Map<unknown>, shape: ShapeRecord) {
  map.set('imageId', shape.imageId)
  map.set('labelId', shape.labelId)
  map.set('type', shape.type)
  map.set('points', shape.points)
  map.set('rotation', shape.rotation)
  map.set('zOrder', shape.zOrder)
  map.set('occluded', shape.occluded)
  const attributes = new Y.Map<unknown>()
  map.set('attributes', attributes)
  for (const [k, v] of Object.entries(shape.attributes)) attributes.set(k, v)
  if (shape.mask) map.set('mask', shape.mask)
  if (shape.visibility) map.set('visibility', shape.visibility)
  map.set('source', shape.source)
  map.set('createdBy', shape.createdBy)
  map.set('updatedBy', shape.updatedBy)
  map.set('updatedAt', shape.updatedAt)
}

/** Shapes bottom to top: by zOrder, then id. */
export function compareShapes(a: ShapeRecord, b: ShapeRecord): number {
  return a.zOrder - b.zOrder || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
