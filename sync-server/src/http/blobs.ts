import { Hono } from 'hono'
import type { AppDeps } from './app'
import { authenticate } from './auth'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode, notFound } from './errors'

const SHA256 = /^[0-9a-f]{64}$/

/** True when an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 asks). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  if (ifNoneMatch.trim() === '*') return true
  const strip = (tag: string) => tag.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some((tag) => strip(tag) === strip(etag))
}

/**
 * `GET /api/blobs/:sha256`: the bytes of an image, for a token whose project holds it (the admin:
 * any). A blob the token's project does not hold is a 404, exactly like one that does not exist,
 * so a token cannot probe which images other projects have. `?token=` works here for `<img src>`.
 */
export function blobRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { meta, tokens, blobs } = deps
  const routes = new Hono<ApiEnv>()
  const auth = authenticate({ tokens, meta, allowQueryToken: true })

  routes.get('/blobs/:sha256', auth, async (c) => {
    const sha256 = c.req.param('sha256')
    if (!SHA256.test(sha256)) {
      throw new ApiError(
        400,
        ApiErrorCode.badRequest,
        'expected a lowercase hex SHA-256 (64 digits)',
      )
    }
    const principal = c.get('principal')
    const visible =
      principal.role === 'admin' || (await meta.projectHoldsBlob(principal.projectId, sha256))
    const record = visible ? await meta.getBlob(sha256) : null
    if (!record) throw notFound(`no blob ${sha256}`)

    const etag = `"${sha256}"`
    const headers = {
      ETag: etag,
      // `private`: the URL may carry a token, and the bytes are not for shared caches.
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    }
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
    const bytes = await blobs.read(sha256)
    if (!bytes) {
      deps.logger.error('blob recorded but missing from the blob store', { sha256 })
      throw notFound(`no blob ${sha256}`)
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      ...headers,
      'Content-Type': record.mime,
      'Content-Length': String(bytes.byteLength),
    })
  })

  return routes
}
