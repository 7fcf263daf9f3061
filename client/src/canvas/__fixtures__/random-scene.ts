// Seeded random shapes of every type and look (hidden, selected, rotated, degenerate, odd
// colours, skeleton edges that point nowhere), for tests that compare mesh builds.

import type { RenderShape, ShapeType } from '../types'

/** A small seeded PRNG (mulberry32), uniform in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TYPES: ShapeType[] = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'mask',
  'skeleton',
]
const COLORS = ['#ff4d4f', '#40A9FF', '73d13d', '#abc', 'red', ' #ffc53d ']

let nextId = 1

export function randomScene(rand: () => number, count: number): RenderShape[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!
  const shapes: RenderShape[] = []
  for (let i = 0; i < count; i++) {
    const type = pick(TYPES)
    // Sizes from a fraction of a pixel to thousands, so every size class occurs.
    const size = 2 ** (rand() * 14 - 2)
    const x = rand() * 4000
    const y = rand() * 4000
    const coord = () => Math.round((rand() - 0.5) * size * 10) / 10
    let points: number[]
    if (type === 'rectangle' || type === 'mask') points = [x, y, x + coord(), y + coord()]
    else if (type === 'ellipse') points = [x, y, size * rand(), size * rand()]
    else {
      const n = rand() < 0.1 ? Math.floor(rand() * 3) : 3 + Math.floor(rand() * 30)
      points = []
      for (let k = 0; k < n; k++) {
        const t = (k / Math.max(1, n)) * Math.PI * 2
        const r = size * (rand() < 0.2 ? rand() : 0.6 + 0.4 * rand())
        points.push(x + r * Math.cos(t), y + r * Math.sin(t))
      }
      // Now and then a repeated vertex or a self-intersection.
      if (n > 3 && rand() < 0.2) points.push(points[0]!, points[1]!, x + coord(), y + coord())
    }
    const shape: RenderShape = { id: `s${nextId++}`, type, points, color: pick(COLORS) }
    if (rand() < 0.1) shape.hidden = true
    if (rand() < 0.15) shape.selected = true
    if (rand() < 0.1) shape.selected = false
    if ((type === 'rectangle' || type === 'ellipse') && rand() < 0.5)
      shape.rotation = pick([0, 90, -180, rand() * 360, -rand() * 45])
    if (type === 'mask') {
      const w = Math.max(1, Math.round(Math.abs(points[2]! - points[0]!)))
      const h = Math.max(1, Math.round(Math.abs(points[3]! - points[1]!)))
      shape.mask = { size: [h, w], counts: [w * h] }
    }
    if (type === 'skeleton' && rand() < 0.8) {
      const n = points.length >> 1
      shape.edges = Array.from({ length: Math.floor(rand() * (n + 2)) }, () => [
        pick([0, 1, 2, n - 1, n, -1, 1.5]),
        Math.floor(rand() * (n + 1)),
      ])
    }
    if (type === 'skeleton' && rand() < 0.5) {
      shape.visibility = Array.from({ length: points.length >> 1 }, () =>
        pick(['visible', 'occluded', 'hidden'] as const),
      )
    }
    shapes.push(shape)
  }
  return shapes
}
