import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { buildChunkMeshes } from './chunk-builds'
import { buildChunkMesh } from './chunk-mesh'
import { planChunks, type Chunk } from './chunk-plan'
import { encodeChunks, type PackedMesh } from './mesh-codec'
import {
  claim,
  createMeshJob,
  DONE,
  joinMeshJob,
  MAIN,
  readMesh,
  serveMeshJob,
  WORKER,
  type MeshJob,
} from './mesh-share'
import { MeshWorker, sharedMeshWorker, type MeshWorkerPort } from './mesh-worker'
import type { RenderShape } from './types'
import { randomScene, seeded } from './__fixtures__/random-scene'

/**
 * The mesh worker's code in a Node worker thread (__fixtures__/node-mesh-worker.ts): a real
 * second thread sharing the job's memory, as a Web Worker does in the browser.
 */
function threadWorker() {
  // TypeScript in the thread through tsx's loader (the test runner's does not reach threads).
  const entry = new URL('./__fixtures__/node-mesh-worker.ts', import.meta.url).href
  const thread = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`,
    { eval: true },
  )
  const port: MeshWorkerPort = {
    postMessage: (job, transfer) => thread.postMessage(job, transfer as ArrayBuffer[]),
    onmessage: null,
    onerror: null,
  }
  thread.on('message', (data: unknown) => port.onmessage?.({ data } as MessageEvent))
  thread.on('error', () => port.onerror?.(new Event('error')))
  const worker = new MeshWorker(port, () => void thread.terminate())
  closers.push(() => thread.terminate())
  return { worker, port, thread }
}

async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Chunks of a random scene, as the annotation layer plans them. */
function sceneChunks(seed: number, shapes = 1200): Chunk[] {
  return planChunks([], randomScene(seeded(seed), shapes), 64, 1024).chunks
}

interface Delivery {
  chunk: Chunk
  mesh: PackedMesh
  masks: RenderShape[]
}

function expectMeshOf({ chunk, mesh, masks }: Delivery): void {
  const expected = buildChunkMesh(chunk.shapes)
  const values = (a: ArrayLike<number>) => Array.from(a)
  for (const key of [
    'segments',
    'segmentColors',
    'fillPositions',
    'fillIndices',
    'smallStart',
  ] as const)
    expect(values(mesh[key]), key).toEqual(values(expected[key]))
  expect(mesh.bounds).toEqual(expected.bounds)
  expect(masks).toEqual(expected.masks)
}

const closers: (() => unknown)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

describe('buildChunkMeshes', () => {
  it('shares a big rebuild with a ready worker; every mesh is in when it returns', async () => {
    const { worker } = threadWorker()
    await until(() => worker.ready)
    const chunks = sceneChunks(1, 4000)
    expect(chunks.length).toBeGreaterThan(20)
    const deliveries: Delivery[] = []
    buildChunkMeshes(
      chunks,
      worker,
      (chunk, mesh, masks) => deliveries.push({ chunk, mesh, masks }),
      100,
    )
    expect(deliveries.map((d) => d.chunk.key).sort((a, b) => a - b)).toEqual(
      chunks.map((c) => c.key).sort((a, b) => a - b),
    )
    deliveries.forEach(expectMeshOf)
    // Both threads built some (the worker's indices come narrowed to 16 bits).
    const fromWorker = deliveries.filter((d) => d.mesh.fillIndices instanceof Uint16Array)
    expect(fromWorker.length).toBeGreaterThan(0)
    expect(fromWorker.length).toBeLessThan(deliveries.length)
  })

  it('builds here alone: small rebuilds, a worker not ready yet, no worker', () => {
    const chunks = sceneChunks(2)
    const count = (worker: MeshWorker | null, minShapes: number) => {
      let n = 0
      buildChunkMeshes(chunks, worker, () => n++, minShapes)
      return n
    }
    const { worker } = threadWorker()
    // Just created: its script has not said it is ready.
    expect(worker.ready).toBe(false)
    expect(count(worker, 100)).toBe(chunks.length)
    expect(count(null, 100)).toBe(chunks.length)
    expect(count(worker, 1e9)).toBe(chunks.length)
    // No Web Worker in Node: the page's worker is null, and the renderer builds alone.
    expect(typeof globalThis.Worker).toBe('undefined')
    expect(sharedMeshWorker()).toBeNull()
  })

  it('stops sharing once the worker fails', async () => {
    const { worker, port } = threadWorker()
    await until(() => worker.ready)
    // What a Worker fires when its script fails (or a CSP blocks it).
    port.onerror?.(new Event('error'))
    expect(worker.ready).toBe(false)
    const chunks = sceneChunks(3)
    const deliveries: Delivery[] = []
    buildChunkMeshes(
      chunks,
      worker,
      (chunk, mesh, masks) => deliveries.push({ chunk, mesh, masks }),
      100,
    )
    expect(deliveries.length).toBe(chunks.length)
    deliveries.forEach(expectMeshOf)
  })
})

describe('joinMeshJob', () => {
  const jobOf = (chunks: Chunk[]): MeshJob =>
    createMeshJob(encodeChunks(chunks.map((c) => c.shapes))[0])

  it('hands over the meshes the worker has built', async () => {
    const { thread } = threadWorker()
    await new Promise((resolve) => thread.once('message', resolve))
    const chunks = sceneChunks(4)
    const job = jobOf(chunks)
    thread.postMessage(job)
    // Let the worker finish the whole job first: every mesh comes from it.
    const states = new Int32Array(job.control, 0, job.count)
    await until(() => states.every((s) => s === DONE))
    const handed: (PackedMesh | null)[] = []
    joinMeshJob(
      job,
      (c, packed) => (handed[c] = packed),
      () => 0,
    )
    expect(handed.every((m) => m !== null)).toBe(true)
    handed.forEach((mesh, c) =>
      expectMeshOf({
        chunk: chunks[c]!,
        mesh: mesh!,
        masks: buildChunkMesh(chunks[c]!.shapes).masks,
      }),
    )
  })

  it('takes back a chunk the worker is stuck on, and never reads its late copy', () => {
    const chunks = sceneChunks(5)
    const job = jobOf(chunks)
    const worker = structuredClone(job)
    const last = job.count - 1
    // The worker has claimed the last chunk and is slow: past the patience, it is built here.
    expect(claim(worker, last, WORKER)).toBe(true)
    const handed: (PackedMesh | null)[] = []
    let waited = 0
    joinMeshJob(
      job,
      (c, packed) => (handed[c] = packed),
      () => (waited++ < 100 ? 1e9 : 0),
    )
    expect(handed.length).toBe(job.count)
    expect(handed.every((m) => m === null)).toBe(true)
    const states = new Int32Array(job.control, 0, job.count)
    expect(states[last]).toBe(MAIN)
    // The worker, coming back to the job, finds nothing left to build.
    serveMeshJob(worker)
    expect([...states].every((s) => s === MAIN)).toBe(true)
  })

  it('has the worker build from the back and stop where this thread has claimed', () => {
    const chunks = sceneChunks(6)
    const job = jobOf(chunks)
    const states = new Int32Array(job.control, 0, job.count)
    // This thread has claimed the first three chunks.
    for (const c of [0, 1, 2]) expect(claim(job, c, MAIN)).toBe(true)
    serveMeshJob(structuredClone(job))
    expect([...states]).toEqual(chunks.map((_, c) => (c < 3 ? MAIN : DONE)))
    for (let c = 3; c < job.count; c++) {
      const mesh = readMesh(job, c)
      expectMeshOf({ chunk: chunks[c]!, mesh, masks: buildChunkMesh(chunks[c]!.shapes).masks })
    }
  })
})
