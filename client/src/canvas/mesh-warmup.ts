// A small scene of every shape type that the mesh worker builds once before it takes work:
// its first job then runs optimised code. A cold worker is slow, and on two cores its JIT
// and GC work also slows the main thread building beside it (bench/first-paint run.ts
// `meshes`), so the main thread only shares with a worker that has warmed up.

import type { RenderShape, ShapeType } from './types'

/** `chunks` lists of `perChunk` shapes, mostly 20-vertex polygons like a big job's. */
export function warmUpScene(chunks = 4, perChunk = 600): RenderShape[][] {
  const lists: RenderShape[][] = []
  const types: ShapeType[] = ['rectangle', 'ellipse', 'polyline', 'points', 'skeleton', 'mask']
  let k = 0
  for (let c = 0; c < chunks; c++) {
    const list: RenderShape[] = []
    for (let i = 0; i < perChunk; i++, k++) {
      const x = (k * 37) % 4000
      const y = (k * 53) % 4000
      const r = 4 + (k % 60)
      const type: ShapeType = k % 8 < 6 ? 'polygon' : types[k % types.length]!
      const n = type === 'polygon' || type === 'polyline' ? 20 : type === 'points' ? 3 : 2
      const points: number[] = []
      for (let j = 0; j < n; j++) {
        const t = (j / n) * 2 * Math.PI
        const rr = r * (0.6 + (0.4 * (((k + j) * 7919) % 11)) / 10)
        points.push(x + rr * Math.cos(t), y + rr * Math.sin(t))
      }
      if (type === 'rectangle' || type === 'mask') points.splice(0, 4, x, y, x + r, y + r)
      if (type === 'ellipse') points.splice(0, 4, x, y, r, r / 2)
      list.push({
        id: '',
        type,
        points,
        color: ['#ff4d4f', '#40a9ff', '#73d13d'][k % 3]!,
        selected: k % 50 === 0,
        rotation: type === 'rectangle' || type === 'ellipse' ? k % 90 : undefined,
        edges: type === 'skeleton' ? [[0, 1]] : undefined,
      })
    }
    lists.push(list)
  }
  return lists
}
