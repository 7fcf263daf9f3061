import { describe, expect, it } from 'vitest'
import { buildShapeMesh } from './shape-mesh'
import type { RenderShape } from './types'

describe('buildShapeMesh', () => {
  it('fills closed shapes, outlines every edge, dots points, defers masks', () => {
    const shapes: RenderShape[] = [
      { id: 'r', type: 'rectangle', points: [0, 0, 10, 10], color: '#ff0000' },
      { id: 'p', type: 'polygon', points: [0, 0, 10, 0, 10, 10, 0, 10, 5, 5], color: '#00ff00' },
      { id: 'l', type: 'polyline', points: [0, 0, 10, 0, 10, 10], color: '#0000ff' },
      { id: 'k', type: 'points', points: [1, 1, 2, 2, 3, 3], color: '#ffffff' },
      {
        id: 's',
        type: 'skeleton',
        points: [0, 0, 5, 5, 9, 0],
        edges: [
          [0, 1],
          [1, 2],
        ],
        color: '#ffffff',
      },
      { id: 'm', type: 'mask', points: [0, 0, 4, 4], color: '#ffffff' },
      { id: 'h', type: 'polygon', points: [0, 0, 1, 0, 1, 1], color: '#ffffff', hidden: true },
    ]
    const mesh = buildShapeMesh(shapes)
    expect(mesh.fillVertices).toBe(2 * 3 + 3 * 3) // rectangle: 2 triangles, pentagon: 3
    expect(mesh.segmentCount).toBe(4 + 5 + 2 + 2)
    expect(mesh.dotCount).toBe(3 + 3)
    expect(mesh.masks.map((m) => m.id)).toEqual(['m'])
    expect(mesh.fillColors.length).toBe(mesh.fillVertices * 4)
    expect(mesh.segmentColors.length).toBe(mesh.segmentCount * 6 * 4)
    expect(mesh.dotColors.length).toBe(mesh.dotCount * 6 * 4)
    expect([...mesh.segmentColors.slice(0, 4)]).toEqual([255, 0, 0, 255])
  })
})
