import type { Context } from 'hono'
import type { z } from 'zod'
import { ApiError, ApiErrorCode } from './errors'

/** Parses the request's JSON body with `schema`; 400 naming the field when it does not fit. */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.output<S>> {
  let raw: unknown
  try {
    const text = await c.req.text()
    raw = text.trim() === '' ? {} : JSON.parse(text)
  } catch (error) {
    throw new ApiError(400, ApiErrorCode.invalidBody, 'request body is not valid JSON', {
      cause: error,
    })
  }
  return schema.parse(raw)
}
