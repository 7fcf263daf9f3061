import * as Y from 'yjs'
import { z } from 'zod'
import { SHAPE_SOURCES, type AttributeValue, type ShapeSource, type TagRecord } from './schema'
import { readAttributeValues } from './shapes'
import { idSchema } from './validate'

/** An image-level label. Tags take labels of type `any`. */
export interface TagInput {
  id?: string
  imageId: string
  labelId: string
  attributes?: Record<string, AttributeValue>
  source?: ShapeSource
}

export interface TagPatch {
  labelId?: string
  attributes?: Record<string, AttributeValue>
}

const attributesSchema = z.record(z.string(), z.unknown(), {
  error: 'expected an object of attribute values',
})

export const tagInputSchema = z.strictObject({
  id: idSchema.optional(),
  imageId: idSchema,
  labelId: idSchema,
  attributes: attributesSchema.optional(),
  source: z.enum(SHAPE_SOURCES, { error: `expected one of ${SHAPE_SOURCES.join('|')}` }).optional(),
})

export const tagPatchSchema = z.strictObject({
  labelId: idSchema.optional(),
  attributes: attributesSchema.optional(),
})

export function readTag(id: string, value: unknown): TagRecord | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const map = value as Y.Map<unknown>
  const imageId = map.get('imageId')
  const labelId = map.get('labelId')
  if (typeof imageId !== 'string' || typeof labelId !== 'string') return undefined
  const source = map.get('source')
  const str = (key: string) => {
    const v = map.get(key)
    return typeof v === 'string' ? v : ''
  }
  return {
    id,
    imageId,
    labelId,
    attributes: readAttributeValues(map.get('attributes')),
    source: (SHAPE_SOURCES as readonly unknown[]).includes(source)
      ? (source as ShapeSource)
      : 'manual',
    createdBy: str('createdBy'),
    updatedBy: str('updatedBy'),
    updatedAt: str('updatedAt'),
  }
}

export function writeTag(map: Y.Map<unknown>, tag: TagRecord) {
  map.set('imageId', tag.imageId)
  map.set('labelId', tag.labelId)
  const attributes = new Y.Map<unknown>()
  map.set('attributes', attributes)
  for (const [k, v] of Object.entries(tag.attributes)) attributes.set(k, v)
  map.set('source', tag.source)
  map.set('createdBy', tag.createdBy)
  map.set('updatedBy', tag.updatedBy)
  map.set('updatedAt', tag.updatedAt)
}
