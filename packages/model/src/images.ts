import * as Y from 'yjs'
import { z } from 'zod'
import type { ImageRecord } from './schema'
import { idSchema, isoDateSchema, nameSchema } from './validate'

export const imageInputSchema = z.strictObject({
  id: idSchema.optional(),
  name: nameSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lower-case hex digits' }),
  width: z
    .int({ error: 'expected a positive integer' })
    .positive({ error: 'expected a positive integer' }),
  height: z
    .int({ error: 'expected a positive integer' })
    .positive({ error: 'expected a positive integer' }),
  addedAt: isoDateSchema.optional(),
})

export type ImageInput = z.input<typeof imageInputSchema>

export function writeImage(map: Y.Map<unknown>, image: ImageRecord) {
  map.set('name', image.name)
  map.set('sha256', image.sha256)
  map.set('width', image.width)
  map.set('height', image.height)
  map.set('jobId', image.jobId)
  map.set('addedAt', image.addedAt)
}

/** Reads an image tolerantly; returns undefined when a required field is missing or malformed. */
export function readImage(id: string, value: unknown): ImageRecord | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const name: unknown = value.get('name')
  const sha256: unknown = value.get('sha256')
  const width: unknown = value.get('width')
  const height: unknown = value.get('height')
  const jobId: unknown = value.get('jobId')
  const addedAt: unknown = value.get('addedAt')
  if (typeof name !== 'string' || typeof sha256 !== 'string') return undefined
  if (typeof width !== 'number' || typeof height !== 'number') return undefined
  return {
    id,
    name,
    sha256,
    width,
    height,
    jobId: typeof jobId === 'string' ? jobId : '',
    addedAt: typeof addedAt === 'string' ? addedAt : '',
  }
}
