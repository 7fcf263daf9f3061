import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  createProject,
  expectErrorShape,
  request,
  share,
  startTestServer,
} from './harness'
import type { TestServer } from './harness'

let t: TestServer
let project: { id: string; token: string }
beforeAll(async () => {
  t = await startTestServer()
  project = await createProject(t, { name: 'Shared' })
})
afterAll(() => t.close())

const getProject = (token: string) => request(t, 'GET', `/api/projects/${project.id}`, { token })

describe('share links', () => {
  it('a manager mints links of every role; each token works with its role', async () => {
    for (const role of ['viewer', 'annotator', 'manager'] as const) {
      const link = await share(t, project.id, project.token, role)
      expect(link).toEqual({
        token: expect.any(String),
        tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url: `${t.url}/?token=${encodeURIComponent(link.token)}`,
        role,
      })
      expect(await t.server.tokens.verify(link.token)).toMatchObject({
        projectId: project.id,
        role,
      })
      expect((await getProject(link.token)).status).toBe(200)
    }
  })

  it('the admin may mint links too', async () => {
    const link = await share(t, project.id, ADMIN_TOKEN, 'manager')
    expect(link.role).toBe('manager')
  })

  it('viewers and annotators may not mint links', async () => {
    for (const role of ['viewer', 'annotator'] as const) {
      const { token } = await share(t, project.id, project.token, role)
      const res = await request(t, 'POST', `/api/projects/${project.id}/share`, {
        token,
        json: { role: 'viewer' },
      })
      expect(res.status, role).toBe(403)
      expectErrorShape(res)
    }
  })

  it('a link with expiresInSeconds carries expiresAt and stops working after it', async () => {
    const before = Date.now()
    const link = await share(t, project.id, project.token, 'viewer', 1)
    const expiresAt = Date.parse(link.expiresAt!)
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 1000)
    expect(expiresAt).toBeLessThanOrEqual(before + 2000)
    expect((await getProject(link.token)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 1100))
    const res = await getProject(link.token)
    expect(res.status).toBe(401)
    expect(res.json.error.code).toBe('token_expired')
  })

  it('rejects a bad role or expiry naming the field', async () => {
    for (const [json, field] of [
      [{ role: 'admin' }, 'role'],
      [{ role: 'owner' }, 'role'],
      [{}, 'role'],
      [{ role: 'viewer', expiresInSeconds: 0 }, 'expiresInSeconds'],
      [{ role: 'viewer', expiresInSeconds: 1.5 }, 'expiresInSeconds'],
      [{ role: 'viewer', expiresInSeconds: '60' }, 'expiresInSeconds'],
    ] as const) {
      const res = await request(t, 'POST', `/api/projects/${project.id}/share`, {
        token: project.token,
        json,
      })
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect(res.json.error.message).toContain(field)
    }
  })

  it('a revoked token gets 401 on every route from then on; revoking is idempotent', async () => {
    const link = await share(t, project.id, project.token, 'annotator')
    expect((await getProject(link.token)).status).toBe(200)
    const path = `/api/projects/${project.id}/share/${link.tokenId}`
    expect((await request(t, 'DELETE', path, { token: project.token })).status).toBe(204)
    expect((await request(t, 'DELETE', path, { token: project.token })).status).toBe(204)
    const res = await getProject(link.token)
    expect(res.status).toBe(401)
    expect(res.json.error.code).toBe('token_revoked')
    expect((await request(t, 'GET', '/api/projects', { token: link.token })).status).toBe(401)
  })

  it('revoking needs a manager of the project and a token id', async () => {
    const viewer = await share(t, project.id, project.token, 'viewer')
    const other = await createProject(t, { name: 'Other' })
    const path = `/api/projects/${project.id}/share/${viewer.tokenId}`
    expect((await request(t, 'DELETE', path, { token: viewer.token })).status).toBe(403)
    expect((await request(t, 'DELETE', path, { token: other.token })).status).toBe(403)
    const bad = await request(t, 'DELETE', `/api/projects/${project.id}/share/not-a-uuid`, {
      token: project.token,
    })
    expect(bad.status).toBe(400)
    expect((await getProject(viewer.token)).status).toBe(200)
  })

  it('uses LOUPE_PUBLIC_URL for the link when set', async () => {
    const pub = await startTestServer({ publicUrl: 'https://loupe.example.org/' })
    try {
      const p = await createProject(pub)
      const link = await share(pub, p.id, p.token, 'viewer')
      expect(link.url).toBe(`https://loupe.example.org/?token=${encodeURIComponent(link.token)}`)
    } finally {
      await pub.close()
    }
  })
})
