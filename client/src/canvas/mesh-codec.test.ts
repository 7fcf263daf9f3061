import { describe, expect, it } from 'vitest'
import { buildChunkMesh, type ChunkMesh } from './chunk-mesh'
import { chunkMasks, decodeChunk, encodeChunks, packMesh, type PackedMesh } from './mesh-codec'
import { createMeshJob, readMesh, serveMeshJob } from './mesh-share'
import type { RenderShape, ShapeType } from './types'
import { randomScene, seeded } from './__fixtures__/random-scene'

/** What buildChunkMesh reads of a shape (decodeChunk leaves out ids and mask data). */
const meshInput = (s: RenderShape) => ({
  type: s.type,
  points: s.points,
  color: s.color,
  selected: s.selected === true ? true : undefined,
  rotation: s.rotation,
  edges: s.edges,
})

/** The first index where two array-likes differ (by value), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return -1
}

/** Every array of the mesh byte for byte, indices by value (the worker narrows them). */
function expectSameMesh(actual: PackedMesh, expected: ChunkMesh): void {
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  for (const key of [
    'fillPositions',
    'fillColors',
    'segments',
    'segmentColors',
    'dots',
    'dotColors',
    'small',
    'smallColors',
    'fillStart',
    'segmentStart',
    'smallStart',
  ] as const) {
    expect(actual[key].constructor, key).toBe(expected[key].constructor)
    expect(firstDifference(bytes(actual[key]), bytes(expected[key])), key).toBe(-1)
  }
  for (const key of ['fillIndices', 'segmentIndices', 'dotIndices', 'smallIndices'] as const) {
    expect(actual[key].constructor, key).toBe(
      expected.maxVertices > 0xffff ? Uint32Array : Uint16Array,
    )
    expect(firstDifference(actual[key], expected[key]), key).toBe(-1)
  }
  expect(actual.maxVertices).toBe(expected.maxVertices)
  const boundsBytes = (b: readonly number[]) => bytes(new Float64Array(b))
  expect(firstDifference(boundsBytes(actual.bounds), boundsBytes(expected.bounds))).toBe(-1)
}

describe('encodeChunks / decodeChunk', () => {
  it('round-trips what a mesh is built from, leaving out hidden shapes', () => {
    const rand = seeded(1)
    const lists = [randomScene(rand, 200), [], randomScene(rand, 50)]
    const [encoded, transfer] = encodeChunks(lists)
    // Every typed array's buffer is listed for transfer, once.
    expect(new Set(transfer).size).toBe(transfer.length)
    expect(transfer).toContain(encoded.points.buffer)
    const received = structuredClone(encoded, { transfer })
    expect(encoded.points.byteLength).toBe(0) // transferred
    expect(lists.map((_, c) => decodeChunk(received, c).map(meshInput))).toEqual(
      lists.map((l) => l.filter((s) => !s.hidden).map(meshInput)),
    )
  })

  it('keeps any double exactly: -0, tiny and huge values, NaN rotations', () => {
    const shape: RenderShape = {
      id: 'x',
      type: 'polygon',
      points: [-0, 1e-300, 1.0000000000000002, 3e300, 0.1 + 0.2, -7.5],
      rotation: NaN,
      color: '#00ff00',
    }
    const [decoded] = [decodeChunk(encodeChunks([[shape]])[0], 0)]
    expect(Object.is(decoded[0]!.points[0], -0)).toBe(true)
    expect(decoded[0]!.points).toEqual(shape.points)
    expect(decoded[0]!.rotation).toBeNaN()
  })
})

describe('meshes built from the encoding, through the shared arena', () => {
  it('are identical to buildChunkMesh on the main thread, on random scenes', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = seeded(seed)
      const lists = Array.from({ length: 1 + Math.floor(rand() * 4) }, () =>
        randomScene(rand, Math.floor(rand() * 150)),
      )
      const [chunks, transfer] = encodeChunks(lists)
      const job = createMeshJob(chunks)
      // The worker's copy of the job, as postMessage makes it: arrays moved, memory shared.
      serveMeshJob(structuredClone(job, { transfer }))
      lists.forEach((shapes, c) => {
        const expected = buildChunkMesh(shapes)
        expectSameMesh(readMesh(job, c), expected)
        expect(chunkMasks(shapes)).toEqual(expected.masks)
      })
    }
  })

  it('use 32-bit indices where a chunk has more than 65,535 vertices', () => {
    const rand = seeded(7)
    const big: RenderShape[] = Array.from({ length: 900 }, (_, i) => ({
      id: `p${i}`,
      type: 'polygon' as ShapeType,
      points: Array.from({ length: 40 }, () => rand() * 1000),
      color: '#123456',
    }))
    const expected = buildChunkMesh(big)
    expect(expected.maxVertices).toBeGreaterThan(0xffff)
    expectSameMesh(packMesh(expected), expected)
    const job = createMeshJob(encodeChunks([big, big.slice(0, 10)])[0])
    serveMeshJob(job)
    expectSameMesh(readMesh(job, 0), expected)
  })
})
