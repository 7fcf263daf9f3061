import * as Y from 'yjs'
import { z } from 'zod'
import type { CommentRecord } from './schema'
import { finiteSchema, idSchema } from './validate'

export interface CommentInput {
  id?: string
  imageId: string
  /** Image pixels `[x, y]`. */
  position: [number, number]
  text: string
  /** The shape the comment is about, if any; must exist in the job. */
  shapeId?: string
  /** The comment this one answers, if any; must exist and be on the same image. */
  replyTo?: string
}

export interface CommentPatch {
  text?: string
  resolved?: boolean
  position?: [number, number]
}

const textSchema = z
  .string({ error: 'expected a string' })
  .trim()
  .min(1, { error: 'expected a non-empty text' })
  .max(10_000, { error: 'expected at most 10000 characters' })
const positionSchema = z.tuple([finiteSchema, finiteSchema], {
  error: 'expected [x, y] finite numbers',
})

export const commentInputSchema = z.strictObject({
  id: idSchema.optional(),
  imageId: idSchema,
  position: positionSchema,
  text: textSchema,
  shapeId: idSchema.optional(),
  replyTo: idSchema.optional(),
})

export const commentPatchSchema = z.strictObject({
  text: textSchema.optional(),
  resolved: z.boolean({ error: 'expected a boolean' }).optional(),
  position: positionSchema.optional(),
})

export function readComment(id: string, value: unknown): CommentRecord | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const map = value as Y.Map<unknown>
  const imageId = map.get('imageId')
  const position = map.get('position')
  const text = map.get('text')
  if (typeof imageId !== 'string' || typeof text !== 'string') return undefined
  const parsed = positionSchema.safeParse(position)
  if (!parsed.success) return undefined
  const str = (key: string) => {
    const v = map.get(key)
    return typeof v === 'string' ? v : ''
  }
  const comment: CommentRecord = {
    id,
    imageId,
    position: parsed.data,
    text,
    resolved: map.get('resolved') === true,
    createdBy: str('createdBy'),
    createdAt: str('createdAt'),
    updatedBy: str('updatedBy'),
    updatedAt: str('updatedAt'),
  }
  const shapeId = map.get('shapeId')
  if (typeof shapeId === 'string') comment.shapeId = shapeId
  const replyTo = map.get('replyTo')
  if (typeof replyTo === 'string') comment.replyTo = replyTo
  return comment
}

export function writeComment(map: Y.Map<unknown>, comment: CommentRecord) {
  map.set('imageId', comment.imageId)
  map.set('position', comment.position)
  map.set('text', comment.text)
  map.set('resolved', comment.resolved)
  if (comment.shapeId !== undefined) map.set('shapeId', comment.shapeId)
  if (comment.replyTo !== undefined) map.set('replyTo', comment.replyTo)
  map.set('createdBy', comment.createdBy)
  map.set('createdAt', comment.createdAt)
  map.set('updatedBy', comment.updatedBy)
  map.set('updatedAt', comment.updatedAt)
}
