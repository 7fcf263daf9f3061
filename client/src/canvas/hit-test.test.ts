import { describe, expect, it } from 'vitest'
import { HitIndex, hitShape, pointInPolygon } from './hit-test'
import { encodeRle } from './rle'
import type { RenderShape } from './types'

const base = { color: '#ff0000' }

describe('hitShape', () => {
  it('point in polygon, including concave shapes', () => {
    const u = [0, 0, 30, 0, 30, 30, 20, 30, 20, 10, 10, 10, 10, 30, 0, 30]
    expect(pointInPolygon(u, 5, 20)).toBe(true)
    expect(pointInPolygon(u, 15, 20)).toBe(false)
    const shape: RenderShape = { ...base, id: 'u', type: 'polygon', points: u }
    expect(hitShape(shape, 15, 20, 1)).toBe(false)
    expect(hitShape(shape, 10.5, 20, 1)).toBe(true) // near an edge
  })

  it('rectangles honour rotation about the centre', () => {
    const r: RenderShape = { ...base, id: 'r', type: 'rectangle', points: [0, 40, 100, 60] }
    expect(hitShape(r, 50, 10, 0)).toBe(false)
    expect(hitShape({ ...r, rotation: 90 }, 50, 10, 0)).toBe(true)
    expect(hitShape({ ...r, rotation: 90 }, 5, 50, 0)).toBe(false)
    // Clockwise on a y-down screen: the long axis now runs top-left to bottom-right.
    expect(hitShape({ ...r, rotation: 45 }, 80, 80, 0)).toBe(true)
    expect(hitShape({ ...r, rotation: 45 }, 80, 20, 0)).toBe(false)
  })

  it('ellipses honour rotation', () => {
    const e: RenderShape = { ...base, id: 'e', type: 'ellipse', points: [0, 0, 50, 10] }
    expect(hitShape(e, 40, 0, 0)).toBe(true)
    expect(hitShape(e, 0, 40, 0)).toBe(false)
    expect(hitShape({ ...e, rotation: 90 }, 0, 40, 0)).toBe(true)
    expect(hitShape({ ...e, rotation: 90 }, 40, 0, 0)).toBe(false)
  })

  it('polylines, points and skeletons hit near their segments and points only', () => {
    const l: RenderShape = { ...base, id: 'l', type: 'polyline', points: [0, 0, 100, 0, 100, 100] }
    expect(hitShape(l, 50, 3, 4)).toBe(true)
    expect(hitShape(l, 50, 50, 4)).toBe(false) // no closing edge, no fill
    const p: RenderShape = { ...base, id: 'p', type: 'points', points: [10, 10, 50, 50] }
    expect(hitShape(p, 52, 51, 4)).toBe(true)
    expect(hitShape(p, 30, 30, 4)).toBe(false)
    const s: RenderShape = {
      ...base,
      id: 's',
      type: 'skeleton',
      points: [0, 0, 100, 0, 0, 100],
      edges: [[0, 1]],
    }
    expect(hitShape(s, 50, 2, 3)).toBe(true)
    expect(hitShape(s, 2, 50, 3)).toBe(false)
  })

  it('masks hit only where their RLE is set', () => {
    // 4 × 4 mask over a 40 × 40 box: left half set.
    const px = [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]
    const m: RenderShape = {
      ...base,
      id: 'm',
      type: 'mask',
      points: [100, 100, 140, 140],
      mask: encodeRle(px, 4, 4),
    }
    expect(hitShape(m, 105, 135, 0)).toBe(true)
    expect(hitShape(m, 125, 105, 0)).toBe(false)
    expect(hitShape(m, 95, 105, 0)).toBe(false)
  })
})

describe('HitIndex', () => {
  it('returns the topmost shape and skips hidden ones', () => {
    const idx = new HitIndex()
    const a: RenderShape = { ...base, id: 'a', type: 'rectangle', points: [0, 0, 100, 100] }
    const b: RenderShape = { ...base, id: 'b', type: 'rectangle', points: [50, 50, 150, 150] }
    idx.setShapes([a, b])
    expect(idx.hitTest(75, 75)?.id).toBe('b')
    expect(idx.hitTest(25, 25)?.id).toBe('a')
    expect(idx.hitTest(500, 500)).toBeNull()
    idx.setShapes([a, { ...b, hidden: true }])
    expect(idx.hitTest(75, 75)?.id).toBe('a')
  })

  it('picks among 20,000 polygons by testing only nearby candidates', () => {
    const shapes: RenderShape[] = []
    for (let i = 0; i < 20000; i++) {
      const cx = (i % 200) * 50 + 25
      const cy = Math.floor(i / 200) * 50 + 25
      const ring: number[] = []
      for (let k = 0; k < 20; k++) {
        const t = (k / 20) * Math.PI * 2
        ring.push(cx + 20 * Math.cos(t), cy + 20 * Math.sin(t))
      }
      shapes.push({ ...base, id: `s${i}`, type: 'polygon', points: ring })
    }
    const idx = new HitIndex()
    idx.setShapes(shapes)
    expect(idx.hitTest(25 + 50 * 7, 25 + 50 * 3)?.id).toBe('s607')
    expect(idx.hitTest(50, 50, 1)).toBeNull() // the gap between four discs
    expect(idx.shapesInside([0, 0, 100, 100]).map((s) => s.id)).toEqual([
      's0',
      's1',
      's200',
      's201',
    ])
  })
})

describe('HitIndex updates', () => {
  const disc = (id: string, cx: number, cy: number): RenderShape => {
    const ring: number[] = []
    for (let k = 0; k < 12; k++) {
      const t = (k / 12) * Math.PI * 2
      ring.push(cx + 20 * Math.cos(t), cy + 20 * Math.sin(t))
    }
    return { ...base, id, type: 'polygon', points: ring }
  }

  it('re-indexes only shapes that changed, appeared or went away', () => {
    const shapes = Array.from({ length: 5000 }, (_, i) =>
      disc(`s${i}`, (i % 100) * 50 + 25, Math.floor(i / 100) * 50 + 25),
    )
    const idx = new HitIndex()
    idx.setShapes(shapes)
    expect(idx.hitTest(25, 25)?.id).toBe('s0')
    expect(idx.stats).toEqual({ rebuilds: 1, inserted: 0, removed: 0 })

    // Move s0 far away: its old place is empty, its new one hits, one shape re-indexed.
    const moved = [disc('s0', 4000, 4000), ...shapes.slice(1)]
    idx.setShapes(moved)
    expect(idx.hitTest(25, 25)).toBeNull()
    expect(idx.hitTest(4000, 4000)?.id).toBe('s0')
    expect(idx.stats).toEqual({ rebuilds: 1, inserted: 1, removed: 1 })

    // Remove one, add one on top of another: topmost (last) wins.
    const next = [...moved.filter((s) => s.id !== 's1'), disc('top', 25 + 50 * 2, 25)]
    idx.setShapes(next)
    expect(idx.hitTest(75, 25)).toBeNull()
    expect(idx.hitTest(125, 25)?.id).toBe('top')
    expect(idx.stats).toEqual({ rebuilds: 1, inserted: 2, removed: 2 })

    // Reordering alone re-indexes nothing but changes which shape is on top.
    idx.setShapes([next[next.length - 1]!, ...next.slice(0, -1)])
    expect(idx.hitTest(125, 25)?.id).toBe('s2')
    expect(idx.stats).toEqual({ rebuilds: 1, inserted: 2, removed: 2 })
  })
})
