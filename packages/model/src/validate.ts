import { z } from 'zod'
import { ModelError, ModelErrorCode } from './errors'
import { ID_PATTERN } from './ids'

/** Joins a base path and zod-style segments: `shapes.s1` + `['points', 2]` → `shapes.s1.points[2]`. */
export function joinPath(base: string, ...segments: readonly PropertyKey[]): string {
  let path = base
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else path += path === '' ? String(segment) : `.${String(segment)}`
  }
  return path
}

/** Parses `value` with `schema`, throwing a ModelError that names the first offending path. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  path: string,
  code: ModelErrorCode = ModelErrorCode.invalidInput,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  if (!issue) throw new ModelError(code, 'invalid value', path)
  throw new ModelError(code, issue.message, joinPath(path, ...issue.path))
}

export const idSchema = z
  .string({ error: 'expected a string id' })
  .regex(ID_PATTERN, { error: 'expected an id of 1-64 characters A-Z a-z 0-9 _ -' })

export const nameSchema = z
  .string({ error: 'expected a string' })
  .trim()
  .min(1, { error: 'expected a non-empty name' })
  .max(256, { error: 'expected at most 256 characters' })

export const finiteSchema = z
  .number({ error: 'expected a finite number' })
  .refine(Number.isFinite, { error: 'expected a finite number' })

export const isoDateSchema = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date' })

export function assertFinite(value: unknown, path: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelError(ModelErrorCode.invalidInput, 'expected a finite number', path)
  }
}
