import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  createProject,
  expectErrorShape,
  request,
  share,
  startTestServer,
  upload,
} from './harness'
import type { TestServer } from './harness'
import { jpeg, png } from './image-bytes'

let t: TestServer
let p: { id: string; token: string }
let q: { id: string; token: string }
const pngBytes = png(5, 4, 3)
const jpegBytes = jpeg(16, 16)
const pngSha = createHash('sha256').update(pngBytes).digest('hex')
const jpegSha = createHash('sha256').update(jpegBytes).digest('hex')

beforeAll(async () => {
  t = await startTestServer()
  p = await createProject(t, { name: 'P' })
  q = await createProject(t, { name: 'Q' })
  expect((await upload(t, p.id, p.token, [{ name: 'a.png', bytes: pngBytes }])).status).toBe(201)
  expect((await upload(t, q.id, q.token, [{ name: 'b.jpg', bytes: jpegBytes }])).status).toBe(201)
})
afterAll(() => t.close())

describe('blob download', () => {
  it('returns the bytes with type, length, immutable private caching and an ETag', async () => {
    const viewer = await share(t, p.id, p.token, 'viewer')
    const res = await request(t, 'GET', `/api/blobs/${pngSha}`, { token: viewer.token })
    expect(res.status).toBe(200)
    expect(Buffer.from(res.bytes)).toEqual(pngBytes)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('content-length')).toBe(String(pngBytes.length))
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(res.headers.get('etag')).toBe(`"${pngSha}"`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const jpg = await request(t, 'GET', `/api/blobs/${jpegSha}`, { token: q.token })
    expect(jpg.headers.get('content-type')).toBe('image/jpeg')
  })

  it('answers 304 when If-None-Match matches', async () => {
    for (const tag of [`"${pngSha}"`, `W/"${pngSha}"`, `"other", "${pngSha}"`, '*']) {
      const res = await request(t, 'GET', `/api/blobs/${pngSha}`, {
        token: p.token,
        headers: { 'if-none-match': tag },
      })
      expect(res.status, tag).toBe(304)
      expect(res.bytes.length).toBe(0)
      expect(res.headers.get('etag')).toBe(`"${pngSha}"`)
    }
    const miss = await request(t, 'GET', `/api/blobs/${pngSha}`, {
      token: p.token,
      headers: { 'if-none-match': '"something-else"' },
    })
    expect(miss.status).toBe(200)
  })

  it('takes ?token= for <img src>', async () => {
    const res = await request(t, 'GET', `/api/blobs/${pngSha}?token=${encodeURIComponent(p.token)}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(res.bytes)).toEqual(pngBytes)
    const bad = await request(t, 'GET', `/api/blobs/${pngSha}?token=nope`)
    expect(bad.status).toBe(401)
  })

  it('?token= is accepted on blob GETs only', async () => {
    const res = await request(
      t,
      'GET',
      `/api/projects/${p.id}?token=${encodeURIComponent(p.token)}`,
    )
    expect(res.status).toBe(401)
  })

  it('another project’s blob is a 404, like an unknown one; the admin reads any', async () => {
    const res = await request(t, 'GET', `/api/blobs/${jpegSha}`, { token: p.token })
    expect(res.status).toBe(404)
    expectErrorShape(res)
    const unknown = await request(t, 'GET', `/api/blobs/${'0'.repeat(64)}`, { token: p.token })
    expect(unknown.status).toBe(404)
    expect(
      (await request(t, 'GET', `/api/blobs/${'0'.repeat(64)}`, { token: ADMIN_TOKEN })).status,
    ).toBe(404)
    for (const hash of [pngSha, jpegSha]) {
      expect((await request(t, 'GET', `/api/blobs/${hash}`, { token: ADMIN_TOKEN })).status).toBe(
        200,
      )
    }
  })

  it('a malformed hash is a 400; no token is a 401', async () => {
    for (const bad of ['abc', pngSha.toUpperCase(), `${pngSha}0`, '..%2f..%2fsecret']) {
      const res = await request(t, 'GET', `/api/blobs/${bad}`, { token: p.token })
      expect(res.status, bad).toBe(400)
      expectErrorShape(res)
    }
    expect((await request(t, 'GET', `/api/blobs/${pngSha}`)).status).toBe(401)
  })

  it('HEAD gives the headers without the body', async () => {
    const res = await fetch(`${t.url}/api/blobs/${pngSha}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${p.token}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBe(`"${pngSha}"`)
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })
})
