import { describe, expect, it } from 'vitest'
import {
  buildChunkMesh,
  EXACT_CLASS,
  SMALL_SHAPE_PX,
  sizeClass,
  smallClassLimit,
} from './chunk-mesh'
import type { RenderShape } from './types'

const polygon = (id: string, x: number, y: number, r: number, n = 20): RenderShape => {
  const points: number[] = []
  for (let k = 0; k < n; k++) {
    const t = (k / n) * Math.PI * 2
    points.push(x + r * Math.cos(t), y + r * Math.sin(t))
  }
  return { id, type: 'polygon', points, color: '#ff0000' }
}

describe('buildChunkMesh', () => {
  it('indexes shared vertices: a polygon ring once, 4 vertices per segment and dot', () => {
    const mesh = buildChunkMesh([
      polygon('p', 0, 0, 100),
      { id: 'k', type: 'points', points: [1, 1, 2, 2], color: '#ffffff' },
    ])
    expect(mesh.fillPositions.length).toBe(20 * 2)
    expect(mesh.fillIndices.length).toBe(18 * 3)
    expect(mesh.segments.length).toBe(20 * 4 * 5)
    expect(mesh.segmentIndices.length).toBe(20 * 6)
    expect(mesh.segmentColors.length).toBe(20 * 4 * 4)
    expect(mesh.dots.length).toBe(2 * 4 * 3)
    expect(mesh.dotIndices.length).toBe(2 * 6)
    expect(Math.max(...mesh.segmentIndices)).toBe(20 * 4 - 1)
    expect(mesh.bounds).toEqual([-100, expect.closeTo(-100, 6), 100, expect.closeTo(100, 6)])
  })

  it('orders shapes by size class so each zoom draws a prefix as quads, the rest exactly', () => {
    // Interleaved sizes, in draw order.
    const shapes = [
      polygon('big', 0, 0, 400),
      polygon('tiny', 0, 0, 2),
      polygon('mid', 0, 0, 40),
      polygon('tiny2', 10, 10, 3),
      { id: 'k', type: 'points', points: [1, 1], color: '#ffffff' } as RenderShape,
    ]
    const mesh = buildChunkMesh(shapes)
    const total = {
      fill: mesh.fillStart[EXACT_CLASS + 1]!,
      seg: mesh.segmentStart[EXACT_CLASS + 1]!,
    }
    expect(total.fill).toBe(mesh.fillIndices.length)
    expect(total.seg).toBe(mesh.segmentIndices.length)
    // Points are never a small-shape quad.
    expect(mesh.smallIndices.length).toBe(4 * 6)
    for (const scale of [0.001, 0.01, 0.05, 0.1, 0.3, 1, 4]) {
      const limit = smallClassLimit(scale)
      const quads = mesh.smallStart[limit]! / 6
      const exactSegs = (total.seg - mesh.segmentStart[limit]!) / 6
      // Every polygon is drawn exactly one way: as a quad, or with its 20 segments.
      expect(quads + exactSegs / 20).toBe(4)
      // A quad only for shapes no bigger than SMALL_SHAPE_PX on screen.
      const expectedQuads = shapes.filter((s) => {
        if (s.type === 'points') return false
        const xs = s.points.filter((_, i) => i % 2 === 0)
        return (Math.max(...xs) - Math.min(...xs)) * scale <= SMALL_SHAPE_PX
      }).length
      expect(quads).toBeLessThanOrEqual(expectedQuads)
      // …and at most one size class (√2) short of that.
      const loose = shapes.filter((s) => {
        if (s.type === 'points') return false
        const xs = s.points.filter((_, i) => i % 2 === 0)
        return (Math.max(...xs) - Math.min(...xs)) * scale * Math.SQRT2 <= SMALL_SHAPE_PX
      }).length
      expect(quads).toBeGreaterThanOrEqual(loose)
    }
  })

  it("draws a skeleton's occluded nodes faint and leaves out hidden nodes and their bones", () => {
    const skeleton = (visibility?: RenderShape['visibility']): RenderShape => ({
      id: 's',
      type: 'skeleton',
      points: [0, 0, 10, 0, 10, 10],
      edges: [
        [0, 1],
        [1, 2],
      ],
      color: '#ffffff',
      ...(visibility ? { visibility } : {}),
    })
    const all = buildChunkMesh([skeleton()])
    expect(all.dotIndices.length / 6).toBe(3)
    expect(all.segmentIndices.length / 6).toBe(2)
    const some = buildChunkMesh([skeleton(['visible', 'occluded', 'hidden'])])
    expect(some.dotIndices.length / 6).toBe(2) // the hidden node has no dot
    expect(some.segmentIndices.length / 6).toBe(1) // nor the bone 1-2
    const alphas = [...some.dotColors].filter((_, i) => i % 4 === 3)
    expect(alphas).toEqual([255, 255, 255, 255, 110, 110, 110, 110])
  })

  it('skips hidden shapes and keeps masks aside', () => {
    const mesh = buildChunkMesh([
      { ...polygon('h', 0, 0, 10), hidden: true },
      { id: 'm', type: 'mask', points: [0, 0, 4, 4], color: '#ffffff' },
    ])
    expect(mesh.fillIndices.length).toBe(0)
    expect(mesh.smallIndices.length).toBe(0)
    expect(mesh.masks.map((s) => s.id)).toEqual(['m'])
    expect(mesh.bounds).toEqual([0, 0, 4, 4])
  })
})

describe('size classes', () => {
  it('are half octaves of extent, capped', () => {
    expect(sizeClass(0)).toBe(0)
    expect(sizeClass(1)).toBe(0)
    expect(sizeClass(2)).toBe(2)
    expect(sizeClass(2.1)).toBe(3)
    expect(sizeClass(1e30)).toBeLessThan(EXACT_CLASS)
  })

  it('small-shape limit grows as the camera zooms out', () => {
    // Classes below the limit hold extents ≤ 2^(k/2); the limit's own class may exceed it.
    const limit = smallClassLimit(1)
    expect(2 ** ((limit - 1) / 2)).toBeLessThanOrEqual(SMALL_SHAPE_PX)
    expect(2 ** (limit / 2)).toBeGreaterThan(SMALL_SHAPE_PX)
    expect(smallClassLimit(0.1)).toBeGreaterThan(smallClassLimit(1))
    expect(smallClassLimit(1000)).toBe(0)
  })
})
