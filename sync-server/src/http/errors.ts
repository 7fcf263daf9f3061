import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ZodError } from 'zod'
import { AuthError } from '../auth/tokens'
import type { Logger } from '../logger'

/** Error codes of the REST API, sent as `{ "error": { "code", "message" } }`. */
export const ApiErrorCode = {
  badRequest: 'bad_request',
  invalidBody: 'invalid_body',
  notFound: 'not_found',
  tokenRevoked: 'token_revoked',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  upgradeRequired: 'upgrade_required',
  internal: 'internal',
} as const
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode] | string

/** An expected failure with a status, a stable code and a message meant for people. */
export class ApiError extends HTTPException {
  override name = 'ApiError'
  constructor(
    status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(status, { message, cause: options.cause })
  }
}

export const notFound = (message: string) => new ApiError(404, ApiErrorCode.notFound, message)

/** `labels[0].color: expected string` style messages, one per issue. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path
        .map((key, i) =>
          typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`,
        )
        .join('')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')
}

/** The document model's typed error (its message already names the path). */
interface CodedError extends Error {
  code: string
}

const isModelError = (error: unknown): error is CodedError =>
  error instanceof Error &&
  error.name === 'ModelError' &&
  typeof (error as CodedError).code === 'string'

/** Model error codes that are not the caller's bad input; every other model code is a 400. */
const MODEL_ERROR_STATUS: Record<string, ContentfulStatusCode> = {
  not_found: 404,
  duplicate: 409,
  read_only: 409,
  invalid_document: 500,
  migration_failed: 500,
}

const CODE_BY_STATUS: Record<number, string> = {
  400: ApiErrorCode.badRequest,
  401: 'unauthorized',
  403: 'forbidden',
  404: ApiErrorCode.notFound,
  405: 'method_not_allowed',
  413: ApiErrorCode.payloadTooLarge,
  415: ApiErrorCode.unsupportedMediaType,
}

function body(code: string, message: string) {
  return { error: { code, message } }
}

/** Renders every error thrown by a route as the JSON error shape; unknown errors are logged. */
export function errorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof ApiError) {
      return c.json(body(error.code, error.message), error.status)
    }
    if (error instanceof AuthError) {
      return c.json(body(error.code, error.message), error.status)
    }
    if (error instanceof ZodError) {
      return c.json(body(ApiErrorCode.invalidBody, describeZodError(error)), 400)
    }
    if (isModelError(error)) {
      const status = MODEL_ERROR_STATUS[error.code] ?? 400
      if (status >= 500) logger.error('document error in REST route', { error: error.message })
      return c.json(body(error.code, error.message), status)
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ApiErrorCode.internal : 'error')
      return c.json(body(code, error.message || `HTTP ${status}`), status)
    }
    logger.error('unhandled error in REST route', {
      method: c.req.method,
      path: c.req.path,
      error: error.stack ?? String(error),
    })
    return c.json(body(ApiErrorCode.internal, 'internal server error'), 500)
  }
}
