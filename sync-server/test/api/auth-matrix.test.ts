import { createHash, randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  createProject,
  expectErrorShape,
  filesForm,
  request,
  share,
  startTestServer,
} from './harness'
import type { TestServer } from './harness'
import { png } from './image-bytes'

/**
 * DESIGN.md §4: no or invalid token → 401; a valid token without the right (another project, too
 * low a role) → 403; otherwise the route's success status. Every principal × every route.
 */
const PRINCIPALS = [
  'none',
  'garbage',
  'forged',
  'expired',
  'revoked',
  'otherProject',
  'viewer',
  'annotator',
  'manager',
  'admin',
] as const
type PrincipalName = (typeof PRINCIPALS)[number]

let t: TestServer
let project: { id: string; token: string }
let blobSha: string
const tokens = {} as Record<PrincipalName, string | undefined>

beforeAll(async () => {
  t = await startTestServer()
  project = await createProject(t, { name: 'Matrix' })
  const other = await createProject(t, { name: 'Other' })
  const bytes = png(3, 3, 1234)
  blobSha = createHash('sha256').update(bytes).digest('hex')
  const up = await request(t, 'POST', `/api/projects/${project.id}/images`, {
    token: project.token,
    body: filesForm([{ name: 'seed.png', bytes }]),
  })
  expect(up.status).toBe(201)
  const revoked = await share(t, project.id, project.token, 'manager')
  await request(t, 'DELETE', `/api/projects/${project.id}/share/${revoked.tokenId}`, {
    token: project.token,
  })
  Object.assign(tokens, {
    none: undefined,
    garbage: 'not-a-token',
    forged: await new SignJWT({ role: 'manager' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(project.id)
      .setIssuer('loupe')
      .setAudience('loupe')
      .setJti(randomUUID())
      .sign(new TextEncoder().encode('y'.repeat(32))),
    expired: (
      await t.server.tokens.issue({ projectId: project.id, role: 'manager', expiresInSeconds: -5 })
    ).token,
    revoked: revoked.token,
    otherProject: other.token,
    viewer: (await share(t, project.id, project.token, 'viewer')).token,
    annotator: (await share(t, project.id, project.token, 'annotator')).token,
    manager: project.token,
    admin: ADMIN_TOKEN,
  })
})
afterAll(() => t.close())

interface RouteCase {
  name: string
  /** Lowest principal that succeeds; `public` needs no token. */
  needs: 'public' | 'any' | 'viewer' | 'annotator' | 'manager' | 'admin'
  ok: number
  /** Status for a valid token of another project, when it is not 403. */
  otherProject?: number
  send: (token: string | undefined) => ReturnType<typeof request>
}

const ROUTES: RouteCase[] = [
  {
    name: 'GET /api/health',
    needs: 'public',
    ok: 200,
    send: (token) => request(t, 'GET', '/api/health', { token }),
  },
  {
    name: 'GET /api/openapi.json',
    needs: 'public',
    ok: 200,
    send: (token) => request(t, 'GET', '/api/openapi.json', { token }),
  },
  {
    name: 'POST /api/projects',
    needs: 'admin',
    ok: 201,
    send: (token) => request(t, 'POST', '/api/projects', { token, json: { name: 'New' } }),
  },
  {
    name: 'GET /api/projects',
    needs: 'any',
    ok: 200,
    otherProject: 200,
    send: (token) => request(t, 'GET', '/api/projects', { token }),
  },
  {
    name: 'GET /api/projects/:id',
    needs: 'viewer',
    ok: 200,
    send: (token) => request(t, 'GET', `/api/projects/${project.id}`, { token }),
  },
  {
    name: 'POST /api/projects/:id/share',
    needs: 'manager',
    ok: 201,
    send: (token) =>
      request(t, 'POST', `/api/projects/${project.id}/share`, { token, json: { role: 'viewer' } }),
  },
  {
    name: 'DELETE /api/projects/:id/share/:tokenId',
    needs: 'manager',
    ok: 204,
    send: (token) =>
      request(t, 'DELETE', `/api/projects/${project.id}/share/${randomUUID()}`, { token }),
  },
  {
    name: 'POST /api/projects/:id/images',
    needs: 'annotator',
    ok: 201,
    send: (token) =>
      request(t, 'POST', `/api/projects/${project.id}/images`, {
        token,
        body: filesForm([{ name: 'm.png', bytes: png(2, 2, Math.floor(Math.random() * 65536)) }]),
      }),
  },
  // A blob the token's project does not hold is indistinguishable from a missing one.
  {
    name: 'GET /api/blobs/:sha256',
    needs: 'viewer',
    ok: 200,
    otherProject: 404,
    send: (token) => request(t, 'GET', `/api/blobs/${blobSha}`, { token }),
  },
]

const RANK = { viewer: 1, annotator: 2, manager: 3, admin: 4 } as const

function expected(route: RouteCase, who: PrincipalName): number {
  if (route.needs === 'public') return route.ok
  if (['none', 'garbage', 'forged', 'expired', 'revoked'].includes(who)) return 401
  if (who === 'otherProject') return route.otherProject ?? 403
  if (route.needs === 'any') return route.ok
  const rank = RANK[who as keyof typeof RANK]
  return rank >= RANK[route.needs] ? route.ok : 403
}

describe('REST auth matrix', () => {
  for (const route of ROUTES) {
    it(route.name, async () => {
      const got: Record<string, number> = {}
      const want: Record<string, number> = {}
      for (const who of PRINCIPALS) {
        const res = await route.send(tokens[who])
        got[who] = res.status
        want[who] = expected(route, who)
        if (res.status >= 400) expectErrorShape(res)
      }
      expect(got).toEqual(want)
    })
  }

  it('the 401s say why', async () => {
    const code = async (who: PrincipalName) =>
      (await request(t, 'GET', '/api/projects', { token: tokens[who] })).json.error.code
    expect(await code('none')).toBe('token_missing')
    expect(await code('garbage')).toBe('token_invalid')
    expect(await code('forged')).toBe('token_invalid')
    expect(await code('expired')).toBe('token_expired')
    expect(await code('revoked')).toBe('token_revoked')
    expect(
      (await request(t, 'GET', `/api/projects/${project.id}`, { token: tokens.otherProject })).json
        .error.code,
    ).toBe('forbidden')
  })
})
