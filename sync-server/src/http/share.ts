import { Hono } from 'hono'
import { z } from 'zod'
import { AuthError, AuthErrorCode, roleAtLeast } from '../auth/tokens'
import type { AppDeps } from './app'
import { authenticate } from './auth'
import { readJsonBody } from './body'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode } from './errors'
import { authorizeProject } from './project-access'

/** Ten years: long enough for any link, short enough to stay a sane JWT `exp`. */
const MAX_EXPIRY_SECONDS = 10 * 365 * 24 * 3600

export const ShareBody = z.strictObject({
  role: z.enum(['viewer', 'annotator', 'manager']),
  expiresInSeconds: z.number().int().positive().max(MAX_EXPIRY_SECONDS).optional(),
})

/** Token ids are the JWT `jti` the token service mints (a UUID). */
const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** `POST /api/projects/:id/share` and `DELETE /api/projects/:id/share/:tokenId` (manager). */
export function shareRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { meta, tokens, config } = deps
  const routes = new Hono<ApiEnv>()
  const auth = authenticate({ tokens, meta })

  routes.post('/projects/:id/share', auth, async (c) => {
    const principal = c.get('principal')
    const project = await authorizeProject(meta, principal, c.req.param('id'), 'manager')
    const body = await readJsonBody(c, ShareBody)
    if (!roleAtLeast(principal.role, body.role)) {
      throw new AuthError(AuthErrorCode.forbidden, `a ${principal.role} cannot share ${body.role}`)
    }
    const issued = await tokens.issue({
      projectId: project.id,
      role: body.role,
      expiresInSeconds: body.expiresInSeconds,
    })
    const origin = (config.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '')
    deps.logger.info('share link issued', {
      projectId: project.id,
      role: body.role,
      tokenId: issued.tokenId,
    })
    return c.json(
      {
        token: issued.token,
        tokenId: issued.tokenId,
        url: `${origin}/?token=${encodeURIComponent(issued.token)}`,
        role: body.role,
        ...(issued.expiresAt === undefined
          ? {}
          : { expiresAt: new Date(issued.expiresAt * 1000).toISOString() }),
      },
      201,
    )
  })

  routes.delete('/projects/:id/share/:tokenId', auth, async (c) => {
    const project = await authorizeProject(meta, c.get('principal'), c.req.param('id'), 'manager')
    const tokenId = c.req.param('tokenId')
    if (!TOKEN_ID.test(tokenId)) {
      throw new ApiError(400, ApiErrorCode.badRequest, `not a token id: ${JSON.stringify(tokenId)}`)
    }
    await meta.revokeToken(tokenId, project.id)
    deps.logger.info('token revoked', { projectId: project.id, tokenId })
    return c.body(null, 204)
  })

  return routes
}
