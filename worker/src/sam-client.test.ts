// SamClient ↔ SamHost over a structured-clone channel, with real onnxruntime-web sessions of
// the tiny SAM models, a fetch that serves them, an in-memory model cache and fake IndexedDB.

import { IDBFactory } from 'fake-indexeddb'
import * as ort from 'onnxruntime-web'
import { beforeAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '@loupe/imaging'
import type { RgbaImage } from '@loupe/sam'
import { SamClient, type WorkerLike } from './sam-client'
import { openEmbeddingCache } from './sam-embedding-cache'
import { SamHost } from './sam-host'
import { memoryModelCache, type ModelCache } from './sam-model-store'
import { createOrtSession } from './sam-ort'
import type { PageMessage, WorkerMessage } from './sam-protocol'
import { tinySamDecoder, tinySamEncoder, tinySlimSamDecoder } from './segment-testing/tiny-sam'

beforeAll(() => {
  ort.env.wasm.numThreads = 1
})

const files: Record<string, Uint8Array> = {
  '/models/encoder.onnx': tinySamEncoder(),
  '/models/decoder.onnx': tinySamDecoder(),
  '/models/slim-decoder.onnx': tinySlimSamDecoder(),
}

/** Serves `files` in 3 chunks with Content-Length; `offline` makes every fetch fail. */
function server() {
  const state = { offline: false, requests: 0 }
  const fetch: typeof globalThis.fetch = async (input: RequestInfo | URL) => {
    state.requests++
    if (state.offline) throw new TypeError('Failed to fetch')
    const path = new URL(String(input)).pathname
    const bytes = files[path]
    if (!bytes) return new Response('not found', { status: 404, statusText: 'Not Found' })
    const third = Math.ceil(bytes.length / 3)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += third) controller.enqueue(bytes.slice(i, i + third))
        controller.close()
      },
    })
    return new Response(body, { headers: { 'Content-Length': String(bytes.length) } })
  }
  return { state, fetch }
}

function solid(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4).fill(128)
  return { width, height, data }
}

async function setup(modelCache: ModelCache = memoryModelCache()) {
  const { state, fetch } = server()
  const embeddings = await openEmbeddingCache({}, new IDBFactory())
  const decoded: string[] = []
  const toPage: ((event: MessageEvent<WorkerMessage>) => void)[] = []
  const host = new SamHost(
    (message) => {
      const copy = structuredClone(message)
      setTimeout(() => toPage.forEach((l) => l({ data: copy } as MessageEvent<WorkerMessage>)), 0)
    },
    {
      createSession: (bytes, options) => createOrtSession(bytes, { ...options, backend: 'wasm' }),
      modelCache,
      embeddings,
      decodeImage: async (source, mode) => {
        decoded.push(mode)
        const pixels = source as RgbaImage
        return { pixels, original: { width: pixels.width, height: pixels.height } }
      },
      threads: 1,
      fetch,
    },
  )
  const worker: WorkerLike = {
    postMessage: (message: PageMessage) => host.handle(structuredClone(message)),
    addEventListener: ((type: string, listener: (event: MessageEvent<WorkerMessage>) => void) => {
      if (type === 'message') toPage.push(listener)
    }) as WorkerLike['addEventListener'],
    terminate: () => undefined,
  }
  const client = new SamClient(() => worker)
  return { client, state, embeddings, decoded, modelCache }
}

const origin = 'http://loupe.test'

describe('SamClient + SamHost', () => {
  it('loads from URLs with progress, encodes once, decodes masks and polygons', async () => {
    const { client, decoded } = await setup()
    const progress: string[] = []
    const loaded = await client.load(
      { url: `${origin}/models/encoder.onnx` },
      {
        url: `${origin}/models/decoder.onnx`,
        sha256: await sha256Hex(files['/models/decoder.onnx']!),
      },
      {
        onProgress: (p) =>
          progress.push(`${p.phase}:${p.file}:${p.loaded === p.total ? 'all' : 'part'}`),
      },
    )
    expect(loaded).toMatchObject({ family: 'sam', backend: 'wasm', box: true })
    expect(loaded.encoder).toMatchObject({ name: 'encoder.onnx', fromCache: false })
    expect(progress).toContain('download:encoder.onnx:all')
    expect(progress).toContain('download:decoder.onnx:part')
    expect(progress).toContain('load:decoder.onnx:part')

    const image = { key: 'sha-of-image-1', source: solid(1024, 768) }
    expect(await client.encode(image)).toMatchObject({ imageKey: 'sha-of-image-1', cached: false })
    expect(await client.encode(image)).toMatchObject({ cached: true })
    expect(decoded).toEqual(['model'])

    const result = await client.decode({
      imageKey: 'sha-of-image-1',
      points: [{ x: 500, y: 400, positive: true }],
      output: { polygon: { tolerance: 1 } },
    })
    expect(result.best).toBe(1)
    expect(result.candidates).toHaveLength(3)
    const best = result.candidates[1]!
    expect(best.mask?.area).toBeGreaterThan(Math.PI * 56 * 56 * 0.97)
    expect(best.polygons).toHaveLength(1)
    expect(result.candidates[0]!.polygons).toBeUndefined()
    expect(result.ms.post).toBeGreaterThanOrEqual(0)

    // Every candidate's mask, the best one's outline only (what the SAM tool asks on a click),
    // then every outline.
    const prompt = { imageKey: 'sha-of-image-1', points: [{ x: 500, y: 400, positive: true }] }
    const masks = await client.decode({
      ...prompt,
      output: { polygon: { tolerance: 1 }, candidates: 'all', polygonsOf: 'best' },
    })
    expect(masks.candidates.map((c) => !!c.mask)).toEqual([true, true, true])
    expect(masks.candidates.map((c) => c.polygons?.length ?? 0)).toEqual([0, 1, 0])
    const all = await client.decode({
      ...prompt,
      output: { polygon: { tolerance: 1 }, candidates: 'all' },
    })
    expect(all.candidates.every((c) => c.mask === null || (c.polygons?.length ?? 0) > 0)).toBe(true)
    expect(all.candidates[1]!.polygons).toEqual(masks.candidates[1]!.polygons)
  })

  it('coalesces decodes: only the latest waiting one runs', async () => {
    const { client } = await setup()
    await client.load(
      { url: `${origin}/models/encoder.onnx` },
      { url: `${origin}/models/decoder.onnx` },
    )
    await client.encode({ key: 'img', source: solid(512, 512) })
    const request = (x: number) =>
      client.decode({ imageKey: 'img', points: [{ x, y: 100, positive: true }] })
    const results = await Promise.allSettled([request(100), request(200), request(300)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled'])
    expect(results[0]).toMatchObject({ reason: { name: 'SamClientError', code: 'superseded' } })
    const last = results[2] as PromiseFulfilledResult<Awaited<ReturnType<typeof request>>>
    const box = last.value.candidates[last.value.best]!.mask!.box
    expect((box.x1 + box.x2) / 2).toBeCloseTo(300, -1)
  })

  it('works offline from the model cache; clear errors for 404, checksum, bad models, no embedding', async () => {
    const cache = memoryModelCache()
    const first = await setup(cache)
    const loaded = await first.client.load(
      { url: `${origin}/models/encoder.onnx` },
      { url: `${origin}/models/decoder.onnx` },
    )
    const { client, state } = await setup(cache)
    state.offline = true
    const again = await client.load(
      { url: `${origin}/models/encoder.onnx` },
      { cached: loaded.decoder.cacheKey },
    )
    expect(again.encoder.fromCache).toBe(true)
    expect(again.decoder.fromCache).toBe(true)
    expect(state.requests).toBe(0)

    state.offline = false
    await expect(
      client.load(
        { url: `${origin}/models/missing.onnx` },
        { url: `${origin}/models/decoder.onnx` },
      ),
    ).rejects.toMatchObject({
      code: 'download',
      message: expect.stringContaining('missing.onnx: '),
    })
    await expect(
      client.load(
        { url: `${origin}/models/encoder.onnx` },
        { bytes: files['/models/decoder.onnx']!.slice(), name: 'picked.onnx', sha256: '00ff' },
      ),
    ).rejects.toMatchObject({
      code: 'checksum-mismatch',
      message: expect.stringMatching(/^picked\.onnx: SHA-256 is/),
    })
    await expect(
      client.load(
        { url: `${origin}/models/encoder.onnx` },
        { url: `${origin}/models/slim-decoder.onnx` },
      ),
    ).rejects.toMatchObject({
      code: 'incompatible-model',
      message: expect.stringMatching(/same export/),
    })
    await expect(
      client.load(
        { url: `${origin}/models/encoder.onnx` },
        { bytes: files['/models/decoder.onnx']!.slice(0, 1000), name: 'cut.onnx' },
      ),
    ).rejects.toMatchObject({
      code: 'invalid-model',
      message: expect.stringMatching(/^cut\.onnx: not a valid ONNX model/),
    })
    // the loaded model survived the failed loads
    await expect(
      client.decode({ imageKey: 'never-encoded', points: [{ x: 1, y: 1, positive: true }] }),
    ).rejects.toMatchObject({
      code: 'not-ready',
      message: 'no embedding for image never-encoded: encode it first',
    })
  })

  it('precomputes embeddings for the next images while idle, into IndexedDB', async () => {
    const { client, embeddings } = await setup()
    await client.load(
      { url: `${origin}/models/encoder.onnx` },
      { url: `${origin}/models/decoder.onnx` },
    )
    const images = ['a', 'b', 'c'].map((key) => ({ key, source: solid(64, 48) }))
    expect(await client.precompute(images)).toEqual({ encoded: 3, cached: 0 })
    expect((await embeddings.stats()).entries).toBe(3)
    expect(await client.encode(images[1]!)).toMatchObject({ cached: true })
  })

  it('runs the magic wand and the scissors without a model', async () => {
    const { client } = await setup()
    const pixels = solid(40, 30)
    for (let y = 5; y < 15; y++)
      for (let x = 10; x < 30; x++) pixels.data.set([250, 10, 10, 255], (y * 40 + x) * 4)
    const image = { key: 'tools', source: pixels }
    const mask = await client.magicWand(image, { x: 12, y: 7 }, { tolerance: 20 })
    expect(mask).toMatchObject({ box: { x1: 10, y1: 5, x2: 30, y2: 15 }, area: 200 })
    const { path } = await client.scissors(image, { x: 10, y: 5 }, { x: 29, y: 5 })
    expect(path?.slice(0, 2)).toEqual([10.5, 5.5])
    expect(path?.slice(-2)).toEqual([29.5, 5.5])
  })
})

describe('embedding cache', () => {
  it('evicts the least recently used beyond its limits', async () => {
    let now = 0
    const cache = await openEmbeddingCache({ maxEntries: 2 }, new IDBFactory(), () => now++)
    const embedding = (v: number) => ({
      family: 'sam' as const,
      image: { width: 1, height: 1 },
      image_embeddings: { type: 'float32' as const, data: new Float32Array([v]), dims: [1] },
    })
    await cache.put('a', embedding(1))
    await cache.put('b', embedding(2))
    expect(await cache.get('a')).toBeDefined() // a is now more recent than b
    await cache.put('c', embedding(3))
    expect(await cache.get('b')).toBeUndefined()
    expect((await cache.get('a'))?.image_embeddings.data).toEqual(new Float32Array([1]))
    expect(await cache.stats()).toEqual({ entries: 2, bytes: 8 })
  })
})
