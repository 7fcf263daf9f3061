import type { MiddlewareHandler } from 'hono'
import { AuthError, AuthErrorCode } from '../auth/tokens'
import type { TokenService } from '../auth/tokens'
import type { MetaStore } from '../storage/types'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode } from './errors'

export interface AuthOptions {
  tokens: TokenService
  meta: MetaStore
  /** Also accept `?token=` (blob GETs only, so `<img src>` works). */
  allowQueryToken?: boolean
}

const BEARER = /^Bearer +(\S+)\s*$/i

function tokenFrom(
  authorization: string | undefined,
  query: string | undefined,
  allowQuery: boolean,
) {
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization)
    if (!match) {
      throw new AuthError(AuthErrorCode.invalid, 'Authorization header must be "Bearer <token>"')
    }
    return match[1]
  }
  return allowQuery ? query : undefined
}

/**
 * Verifies the request's capability token and puts its principal on the context: 401 when the
 * token is missing, malformed, forged, expired or revoked. Routes check the role (403) themselves.
 */
export function authenticate(options: AuthOptions): MiddlewareHandler<ApiEnv> {
  const allowQuery = options.allowQueryToken ?? false
  return async (c, next) => {
    const token = tokenFrom(c.req.header('authorization'), c.req.query('token'), allowQuery)
    const principal = await options.tokens.verify(token)
    if (principal.tokenId !== undefined && (await options.meta.isTokenRevoked(principal.tokenId))) {
      throw new ApiError(401, ApiErrorCode.tokenRevoked, 'token has been revoked')
    }
    c.set('principal', principal)
    await next()
  }
}
