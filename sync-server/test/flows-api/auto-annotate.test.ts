import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { jobRoom } from '@loupe/sync-protocol'
import { request } from '../api/harness'
import { connectProvider, synced, waitFor } from '../sync/helpers'
import type { FlowTestServer } from './harness'
import { runFlow, startFlowServer } from './harness'
import { constantModel } from './fixtures/onnx-builder'
import { seedProject } from './seed'
import type { SeededProject } from './seed'

let t: FlowTestServer
let birds: SeededProject

beforeAll(async () => {
  t = await startFlowServer()
  birds = await seedProject(t, 'Birds')
})
afterAll(() => t.close())

/** Two candidate boxes on a 32×32 input: a gull at 0.9 and a tern at 0.3 (below threshold). */
const detector = constantModel({ h: 32, w: 32 }, [
  { name: 'boxes', type: 'float32', dims: [1, 2, 4], data: [4, 4, 16, 16, 8, 8, 30, 20] },
  { name: 'scores', type: 'float32', dims: [1, 2], data: [0.9, 0.3] },
  { name: 'labels', type: 'int64', dims: [1, 2], data: [0, 1] },
])

async function uploadModel(bytes: Uint8Array): Promise<string> {
  const res = await request(t, 'POST', `/api/projects/${birds.id}/models`, {
    token: birds.token,
    body: bytes as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': 'application/octet-stream' },
  })
  expect(res.status, JSON.stringify(res.json)).toBe(201)
  return res.json.model.sha256
}

describe('auto-annotate', () => {
  it('writes the model’s boxes on unannotated images; a connected client receives them', async () => {
    const sha256 = await uploadModel(detector)
    const doc = new Y.Doc()
    const wsUrl = t.url.replace(/^http/, 'ws') + '/sync'
    const provider = connectProvider(wsUrl, jobRoom(birds.id, birds.jobId), birds.token, doc)
    try {
      await synced(provider)
      const shapes = doc.getMap<Y.Map<unknown>>('shapes')
      expect(shapes.size).toBe(3)
      const run = await runFlow(t, birds.token, 'auto-annotate', {
        projectId: birds.id,
        model: { sha256 },
        classes: ['gull', 'tern'],
      })
      expect(run.state, run.error).toBe('Completed')
      // Images 0 and 1 are annotated already: only image 2 gets the box.
      expect(run.result).toMatchObject({ images: 1, shapes: 1 })
      await waitFor(() => shapes.size === 4, { message: 'the auto shape on the client' })
      const auto = [...shapes.values()].map((s) => s.toJSON()).find((s) => s.source === 'auto')!
      expect(auto).toMatchObject({
        imageId: birds.imageIds[2],
        labelId: birds.labels.gull,
        type: 'rectangle',
        createdBy: 'auto-annotate',
      })
      // 32×32 model input → 64×48 image: x × 2, y × 1.5.
      expect(auto.points).toEqual([8, 6, 32, 24])
    } finally {
      provider.destroy()
    }
    // Nothing is left without annotations: a second run writes nothing.
    const again = await runFlow(t, birds.token, 'auto-annotate', {
      projectId: birds.id,
      model: { sha256 },
    })
    expect(again.result).toMatchObject({ images: 0, shapes: 0 })
  })

  it('a segmentation model writes masks that the document model accepts', async () => {
    const sea = await seedProject(t, 'Sea')
    // [1, 2, 4, 4]: channel 1 (tern) wins in the top-left 2×2 cells, background elsewhere.
    const fg = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    const segmenter = constantModel({ h: 16, w: 16 }, [
      {
        name: 'masks',
        type: 'float32',
        dims: [1, 2, 4, 4],
        data: [...fg.map((v) => 1 - v), ...fg],
      },
    ])
    const res = await request(t, 'POST', `/api/projects/${sea.id}/models`, {
      token: sea.token,
      body: segmenter as Uint8Array<ArrayBuffer>,
    })
    const run = await runFlow(t, sea.token, 'auto-annotate', {
      projectId: sea.id,
      model: { sha256: res.json.model.sha256 },
      classes: ['background', 'tern'],
    })
    expect(run.state, run.error).toBe('Completed')
    expect(run.result).toMatchObject({ images: 1, shapes: 1 })
    const shapes = await t.server.relay.read(jobRoom(sea.id, sea.jobId), (doc) =>
      Object.values(doc.getMap('shapes').toJSON() as Record<string, Record<string, unknown>>),
    )
    const mask = shapes.find((s) => s.source === 'auto')!
    // Half the 64×48 image's width and height, from the top-left corner.
    expect(mask).toMatchObject({
      type: 'mask',
      labelId: sea.labels.tern,
      points: [0, 0, 32, 24],
      mask: { size: [24, 32], counts: [0, 24 * 32] },
    })
  })

  it('fails clearly on a model with an unknown signature or a missing model', async () => {
    const fresh = await seedProject(t, 'Fresh')
    const odd = constantModel({ h: 8, w: 8 }, [
      { name: 'out', type: 'float32', dims: [2, 3], data: [1, 2, 3, 4, 5, 6] },
    ])
    const res = await request(t, 'POST', `/api/projects/${fresh.id}/models`, {
      token: fresh.token,
      body: odd as Uint8Array<ArrayBuffer>,
    })
    const run = await runFlow(t, fresh.token, 'auto-annotate', {
      projectId: fresh.id,
      model: { sha256: res.json.model.sha256 },
    })
    expect(run.state).toBe('Failed')
    expect(run.error).toContain('expected [1, 4+C, N] (YOLO) or [1, C, h, w] (segmentation)')
    const missing = await runFlow(t, fresh.token, 'auto-annotate', {
      projectId: fresh.id,
      model: { sha256: 'f'.repeat(64) },
    })
    expect(missing.state).toBe('Failed')
    expect(missing.error).toContain('no uploaded model')
    const bad = await request(t, 'POST', '/api/flow-runs', {
      token: fresh.token,
      json: { flow: 'auto-annotate', parameters: { projectId: fresh.id, model: { path: '../x' } } },
    })
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toContain('model')
  })
})
