// Where the selection handles of a shape sit: corners and edge midpoints of boxes (rotated
// with them), a rotation handle above the top edge, and vertices of point-list shapes.

import { rectCorners, rotatePoint } from './geometry'
import type { Handle, RenderShape } from './types'

/** Distance of the rotation handle above the top edge, in screen px. */
export const ROTATE_HANDLE_OFFSET = 28

export function handlesFor(shape: RenderShape, scale: number): Handle[] {
  const p = shape.points
  switch (shape.type) {
    case 'rectangle':
      return boxHandles(p, shape.rotation ?? 0, scale, true)
    case 'ellipse': {
      const [cx = 0, cy = 0, rx = 0, ry = 0] = p
      return boxHandles([cx - rx, cy - ry, cx + rx, cy + ry], shape.rotation ?? 0, scale, true)
    }
    case 'mask':
      return boxHandles(p, 0, scale, false)
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton': {
      const out: Handle[] = []
      for (let i = 0; i + 1 < p.length; i += 2)
        out.push({ kind: 'vertex', x: p[i]!, y: p[i + 1]!, index: i / 2 })
      return out
    }
  }
}

function boxHandles(box: readonly number[], rotation: number, scale: number, rotatable: boolean) {
  const c = rectCorners(box, rotation)
  const out: Handle[] = []
  for (let i = 0; i < 4; i++) out.push({ kind: 'corner', x: c[i * 2]!, y: c[i * 2 + 1]!, index: i })
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4
    out.push({
      kind: 'edge',
      x: (c[i * 2]! + c[j * 2]!) / 2,
      y: (c[i * 2 + 1]! + c[j * 2 + 1]!) / 2,
      index: i,
    })
  }
  if (rotatable) {
    const [a = 0, b = 0, cc = 0, d = 0] = box
    const cx = (a + cc) / 2
    const top = Math.min(b, d) - ROTATE_HANDLE_OFFSET / scale
    const [x, y] = rotatePoint(cx, top, cx, (b + d) / 2, rotation)
    out.push({ kind: 'rotate', x, y, index: 0 })
  }
  return out
}
