import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, expectErrorShape, request, share, startTestServer, upload } from './harness'
import type { TestServer } from './harness'
import { bmp, gif1x1, jpeg, png } from './image-bytes'

const MAX_IMAGE_BYTES = 64 * 1024
let t: TestServer
beforeAll(async () => {
  t = await startTestServer({ maxImageBytes: MAX_IMAGE_BYTES })
})
afterAll(() => t.close())

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const blobFile = (hash: string) => join(t.dataDir, 'blobs', hash.slice(0, 2), hash)
const blobFiles = () =>
  existsSync(join(t.dataDir, 'blobs'))
    ? readdirSync(join(t.dataDir, 'blobs'), { recursive: true }).filter((f) =>
        String(f).includes('/'),
      )
    : []
const imageCount = async (p: { id: string; token: string }) =>
  (await request(t, 'GET', `/api/projects/${p.id}`, { token: p.token })).json.imageCount as number

describe('image upload', () => {
  it('takes many files of several formats, reads their size, stores them by hash', async () => {
    const p = await createProject(t)
    const files = [
      { name: 'a.png', bytes: png(3, 2, 1) },
      { name: 'b.jpg', bytes: jpeg(17, 9) },
      { name: 'c.gif', bytes: gif1x1 },
      { name: 'd.bmp', bytes: bmp(5, 3) },
      { name: 'phone.jpg', bytes: jpeg(8, 6, 6) }, // EXIF: rotated a quarter turn
    ]
    const res = await upload(t, p.id, p.token, files)
    expect(res.status).toBe(201)
    expect(res.json.images).toHaveLength(5)
    const sizes = res.json.images.map((i: { name: string; width: number; height: number }) => [
      i.name,
      i.width,
      i.height,
    ])
    expect(sizes).toEqual([
      ['a.png', 3, 2],
      ['b.jpg', 17, 9],
      ['c.gif', 1, 1],
      ['d.bmp', 5, 3],
      ['phone.jpg', 6, 8],
    ])
    res.json.images.forEach((image: Record<string, unknown>, i: number) => {
      expect(Object.keys(image).sort()).toEqual([
        'height',
        'id',
        'jobId',
        'name',
        'sha256',
        'width',
      ])
      expect(image.sha256).toBe(sha(files[i]!.bytes))
      expect(readFileSync(blobFile(image.sha256 as string))).toEqual(Buffer.from(files[i]!.bytes))
    })
    expect(await imageCount(p)).toBe(5)
  })

  it('deduplicates by hash: within a request, across requests, and across projects', async () => {
    const p = await createProject(t)
    const bytes = png(10, 10, 42)
    const first = await upload(t, p.id, p.token, [
      { name: 'one.png', bytes },
      { name: 'same-bytes.png', bytes },
    ])
    expect(first.status).toBe(201)
    const [a, b] = first.json.images
    expect(b).toEqual(a)
    const again = await upload(t, p.id, p.token, [{ name: 'again.png', bytes }])
    expect(again.json.images[0]).toEqual(a)
    expect(await imageCount(p)).toBe(1)

    const q = await createProject(t)
    const other = await upload(t, q.id, q.token, [{ name: 'theirs.png', bytes }])
    expect(other.json.images[0].sha256).toBe(a.sha256)
    expect(other.json.images[0].id).not.toBe(undefined)
    expect(blobFiles().filter((f) => String(f).endsWith(a.sha256))).toHaveLength(1)
  })

  it('an annotator may upload; a viewer may not', async () => {
    const p = await createProject(t)
    const annotator = await share(t, p.id, p.token, 'annotator')
    const viewer = await share(t, p.id, p.token, 'viewer')
    expect(
      (await upload(t, p.id, annotator.token, [{ name: 'x.png', bytes: png(2, 2, 7) }])).status,
    ).toBe(201)
    const denied = await upload(t, p.id, viewer.token, [{ name: 'y.png', bytes: png(2, 2, 8) }])
    expect(denied.status).toBe(403)
    expectErrorShape(denied)
  })

  it('refuses a file that is not an image by its bytes with 415 naming it, storing nothing', async () => {
    const p = await createProject(t)
    const good = png(6, 6, 99)
    const cases = [
      { name: 'notes.png', bytes: new TextEncoder().encode('just some text, named .png') },
      {
        name: 'drawing.svg',
        bytes: new TextEncoder().encode(
          '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
        ),
      },
      { name: 'truncated.png', bytes: png(6, 6, 98).subarray(0, 20) },
      {
        name: 'fake.jpg',
        bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(50)]),
      },
    ]
    for (const bad of cases) {
      const res = await upload(t, p.id, p.token, [
        { name: 'good.png', bytes: good },
        { ...bad, type: 'image/png' },
      ])
      expect(res.status, bad.name).toBe(415)
      expectErrorShape(res)
      expect(res.json.error.message).toContain(bad.name)
    }
    expect(existsSync(blobFile(sha(good)))).toBe(false)
    expect(await imageCount(p)).toBe(0)
  })

  it('refuses a file over the size limit with 413 naming it, storing nothing', async () => {
    const p = await createProject(t)
    const good = png(6, 6, 77)
    const big = png(300, 300, 1) // deflates well: pad it past the limit with an extra chunk
    const huge = Buffer.concat([
      big.subarray(0, big.length - 12),
      Buffer.alloc(MAX_IMAGE_BYTES),
      big.subarray(big.length - 12),
    ])
    const res = await upload(t, p.id, p.token, [
      { name: 'good.png', bytes: good },
      { name: 'huge.png', bytes: huge },
      { name: 'after.png', bytes: png(6, 6, 78) },
    ])
    expect(res.status).toBe(413)
    expectErrorShape(res)
    expect(res.json.error.message).toContain('huge.png')
    expect(existsSync(blobFile(sha(good)))).toBe(false)
    expect(await imageCount(p)).toBe(0)
  })

  it('refuses a request whose Content-Length is over the request limit before reading it', async () => {
    const p = await createProject(t)
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`/api/projects/${p.id}/images`, t.url)
      const req = httpRequest(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${p.token}`,
          'content-type': 'multipart/form-data; boundary=xyz',
          'content-length': String(10 * 1024 ** 3),
        },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', reject)
      req.write('--xyz\r\n') // and never the rest
    })
    expect(status).toBe(413)
  })

  it('refuses bodies that are not multipart with files', async () => {
    const p = await createProject(t)
    const json = await request(t, 'POST', `/api/projects/${p.id}/images`, {
      token: p.token,
      json: {},
    })
    expect(json.status).toBe(415)
    expectErrorShape(json)
    const empty = await request(t, 'POST', `/api/projects/${p.id}/images`, {
      token: p.token,
      body: new FormData(),
    })
    expect(empty.status).toBe(400)
    const wrongField = new FormData()
    wrongField.append('image', new Blob([png(2, 2)]), 'a.png')
    const res = await request(t, 'POST', `/api/projects/${p.id}/images`, {
      token: p.token,
      body: wrongField,
    })
    expect(res.status).toBe(400)
    expect(res.json.error.message).toContain('image')
    const unknown = await upload(t, 'noSuchProject', 'a'.repeat(32), [
      { name: 'a.png', bytes: png(2, 2) },
    ])
    expect(unknown.status).toBe(404)
  })
})
