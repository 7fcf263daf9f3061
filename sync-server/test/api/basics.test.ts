import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/http/app'
import { openApiDocument } from '../../src/http/openapi'
import { ADMIN_TOKEN, expectErrorShape, request, startTestServer } from './harness'
import type { TestServer } from './harness'

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

describe('health and errors', () => {
  it('GET /api/health answers without a token', async () => {
    const res = await request(t, 'GET', '/api/health')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
  })

  it('an unknown /api route is a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['POST', '/api/health'],
      ['GET', '/api'],
      ['DELETE', '/api/projects'],
    ] as const) {
      const res = await request(t, method, path, { token: ADMIN_TOKEN })
      expect(res.status, `${method} ${path}`).toBe(404)
      expectErrorShape(res)
      expect(res.json.error.code).toBe('not_found')
    }
  })

  it('without a client build, other paths are JSON 404s too', async () => {
    const res = await request(t, 'GET', '/some/page')
    expect(res.status).toBe(404)
    expectErrorShape(res)
  })

  it('a plain GET on the sync endpoint asks for an upgrade', async () => {
    const res = await request(t, 'GET', '/sync/project/abc')
    expect(res.status).toBe(426)
    expectErrorShape(res)
  })

  it('a body that is not JSON is a 400 with the error shape', async () => {
    const res = await request(t, 'POST', '/api/projects', {
      token: ADMIN_TOKEN,
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expectErrorShape(res)
    expect(res.json.error.code).toBe('invalid_body')
  })

  it('a body that does not fit the schema names the field', async () => {
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'x', labels: 'cat' }, 'labels'],
      [{ name: 'x', extra: true }, 'extra'],
    ] as const) {
      const res = await request(t, 'POST', '/api/projects', { token: ADMIN_TOKEN, json: body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expectErrorShape(res)
      expect(res.json.error.message).toContain(field)
    }
  })

  it('a malformed Authorization header is a 401', async () => {
    const res = await request(t, 'GET', '/api/projects', {
      headers: { authorization: `Basic ${ADMIN_TOKEN}` },
    })
    expect(res.status).toBe(401)
    expectErrorShape(res)
  })
})

describe('OpenAPI document', () => {
  it('is served as OpenAPI 3.1', async () => {
    const res = await request(t, 'GET', '/api/openapi.json')
    expect(res.status).toBe(200)
    expect(res.json.openapi).toBe('3.1.0')
    expect(res.json.paths['/sync/{room}']).toBeDefined()
  })

  it('lists every route registered on the app, with its method', () => {
    const app = createApp({
      config: { ...t.server.config, clientDir: '/nonexistent' },
      tokens: t.server.tokens,
      meta: {} as never,
      blobs: {} as never,
      rooms: t.server.relay,
      logger: t.server.logger,
    })
    const paths = openApiDocument.paths as Record<string, Record<string, unknown>>
    const routes = app.routes.filter((r) => r.method !== 'ALL' && r.path !== '/*' && r.path !== '*')
    expect(routes.length).toBeGreaterThan(8)
    for (const route of routes) {
      // Hono `/:id` and `/:room{.+}` → OpenAPI `/{id}` and `/{room}`.
      const path = route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')
      expect(paths[path], `${route.method} ${route.path}`).toBeDefined()
      expect(
        paths[path]![route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined()
    }
    // And nothing is documented that does not exist.
    const registered = new Set(
      routes.map(
        (r) =>
          `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')}`,
      ),
    )
    for (const [path, item] of Object.entries(paths)) {
      for (const method of Object.keys(item)) expect(registered).toContain(`${method} ${path}`)
    }
  })
})
