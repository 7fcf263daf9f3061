import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectErrorShape, request, startTestServer } from './harness'
import type { TestServer } from './harness'

let t: TestServer
let clientDir: string
const INDEX = '<!doctype html><title>Loupe</title><div id="root"></div>'

beforeAll(async () => {
  clientDir = mkdtempSync(join(tmpdir(), 'loupe-client-'))
  mkdirSync(join(clientDir, 'assets'))
  writeFileSync(join(clientDir, 'index.html'), INDEX)
  writeFileSync(join(clientDir, 'assets', 'index-4f3a2b1c.js'), 'console.log("app")')
  writeFileSync(join(clientDir, 'manifest.webmanifest'), '{"name":"Loupe"}')
  writeFileSync(join(clientDir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  t = await startTestServer({ clientDir })
})
afterAll(async () => {
  await t.close()
  rmSync(clientDir, { recursive: true, force: true })
})

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('client serving', () => {
  it('serves index.html at / without long caching', async () => {
    const res = await request(t, 'GET', '/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(text(res.bytes)).toBe(INDEX)
  })

  it('serves hashed assets as immutable', async () => {
    const res = await request(t, 'GET', '/assets/index-4f3a2b1c.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(text(res.bytes)).toBe('console.log("app")')
  })

  it('serves other files with revalidation (service worker, manifest)', async () => {
    const sw = await request(t, 'GET', '/sw.js')
    expect(sw.status).toBe(200)
    expect(sw.headers.get('cache-control')).toBe('no-cache')
    const manifest = await request(t, 'GET', '/manifest.webmanifest')
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json')
  })

  it('falls back to index.html for client routes', async () => {
    for (const path of ['/projects/abc', '/projects/abc/jobs/1?token=x', '/deep/a/b/c']) {
      const res = await request(t, 'GET', path)
      expect(res.status, path).toBe(200)
      expect(text(res.bytes)).toBe(INDEX)
    }
  })

  it('isolates the app cross-origin (COOP/COEP) on its page, scripts and client routes', async () => {
    for (const path of ['/', '/assets/index-4f3a2b1c.js', '/sw.js', '/projects/abc']) {
      const res = await request(t, 'GET', path)
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin')
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp')
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin')
    }
  })

  it('answers a missing hashed asset with 404, not the page', async () => {
    const res = await request(t, 'GET', '/assets/index-00000000.js')
    expect(res.status).toBe(404)
  })

  it('never falls back for /api or /sync', async () => {
    const api = await request(t, 'GET', '/api/unknown')
    expect(api.status).toBe(404)
    expectErrorShape(api)
    const sync = await request(t, 'GET', '/sync/project/x')
    expect(sync.status).toBe(426)
  })

  it('does not serve files outside the client folder', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fetc%2fpasswd',
    ]) {
      const res = await request(t, 'GET', path)
      expect(text(res.bytes), path).not.toContain('root:')
    }
  })
})
