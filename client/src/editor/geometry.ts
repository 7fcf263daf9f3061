// Pure geometry of editing: moving, resizing and rotating whole shapes, and vertex edits.
// Everything is in image pixels; every function returns new arrays.

import type { ShapeRecord } from '@loupe/model'

const DEG = Math.PI / 180

export function rotateAbout(x: number, y: number, cx: number, cy: number, deg: number) {
  if (!deg) return [x, y] as [number, number]
  const c = Math.cos(deg * DEG)
  const s = Math.sin(deg * DEG)
  const dx = x - cx
  const dy = y - cy
  return [cx + dx * c - dy * s, cy + dx * s + dy * c] as [number, number]
}

/** The pixel (integer corner) under an image point, or null outside a `width` × `height` image. */
export function pixelAt(p: { x: number; y: number }, width: number, height: number) {
  return p.x >= 0 && p.y >= 0 && p.x < width && p.y < height
    ? { x: Math.floor(p.x), y: Math.floor(p.y) }
    : null
}

/** `[x1,y1,x2,y2]` with x1 ≤ x2 and y1 ≤ y2. */
export function normalizeBox(x1: number, y1: number, x2: number, y2: number): number[] {
  return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]
}

/** The axis-aligned box an ellipse `[cx,cy,rx,ry]` is drawn in (before rotation). */
export function ellipseBox(points: readonly number[]): number[] {
  const [cx = 0, cy = 0, rx = 0, ry = 0] = points
  return [cx - rx, cy - ry, cx + rx, cy + ry]
}

export function boxToEllipse(box: readonly number[]): number[] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box
  return [(x1 + x2) / 2, (y1 + y2) / 2, Math.abs(x2 - x1) / 2, Math.abs(y2 - y1) / 2]
}

/** The shape's points moved by (dx, dy). Masks move by whole pixels (their box is integer). */
export function translatePoints(
  shape: Pick<ShapeRecord, 'type' | 'points'>,
  dx: number,
  dy: number,
) {
  if (shape.type === 'mask') {
    dx = Math.round(dx)
    dy = Math.round(dy)
  }
  if (shape.type === 'ellipse') {
    const [cx = 0, cy = 0, rx = 0, ry = 0] = shape.points
    return [cx + dx, cy + dy, rx, ry]
  }
  return shape.points.map((v, i) => v + (i % 2 === 0 ? dx : dy))
}

/**
 * Resizes a (rotated) box by dragging a handle to (px, py). Corners are 0..3 (TL, TR, BR, BL
 * before rotation), edges 0..3 (top, right, bottom, left). The opposite corner or edge stays
 * where it is on screen; the result keeps the rotation. `keepAspect` holds the box's ratio.
 */
export function resizeBox(
  box: readonly number[],
  rotation: number,
  handle: { kind: 'corner' | 'edge'; index: number },
  px: number,
  py: number,
  keepAspect = false,
): number[] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = normalizeBox(box[0]!, box[1]!, box[2]!, box[3]!)
  const cx = (x1 + x2) / 2
  const cy = (y1 + y2) / 2
  // Into the box's own (unrotated) frame about its centre.
  const [lx, ly] = rotateAbout(px, py, cx, cy, -rotation)
  let [nx1, ny1, nx2, ny2] = [x1, y1, x2, y2]
  if (handle.kind === 'corner') {
    const right = handle.index === 1 || handle.index === 2
    const bottom = handle.index === 2 || handle.index === 3
    if (right) nx2 = lx
    else nx1 = lx
    if (bottom) ny2 = ly
    else ny1 = ly
    if (keepAspect && x2 > x1 && y2 > y1) {
      const ratio = (x2 - x1) / (y2 - y1)
      const w = Math.abs(nx2 - nx1)
      const h = Math.abs(ny2 - ny1)
      const size = Math.max(w / ratio, h)
      const nw = size * ratio
      if (right) nx2 = nx1 + Math.sign(nx2 - nx1 || 1) * nw
      else nx1 = nx2 - Math.sign(nx2 - nx1 || 1) * nw
      if (bottom) ny2 = ny1 + Math.sign(ny2 - ny1 || 1) * size
      else ny1 = ny2 - Math.sign(ny2 - ny1 || 1) * size
    }
  } else if (handle.index === 0) ny1 = ly
  else if (handle.index === 1) nx2 = lx
  else if (handle.index === 2) ny2 = ly
  else nx1 = lx
  const local = normalizeBox(nx1, ny1, nx2, ny2) as [number, number, number, number]
  // The new centre back in image space; the box is stored unrotated about that centre.
  const [wcx, wcy] = rotateAbout(
    (local[0] + local[2]) / 2,
    (local[1] + local[3]) / 2,
    cx,
    cy,
    rotation,
  )
  const hw = (local[2] - local[0]) / 2
  const hh = (local[3] - local[1]) / 2
  return [wcx - hw, wcy - hh, wcx + hw, wcy + hh]
}

/** Degrees in [0, 360) of a rotation handle dragged to (px, py) around (cx, cy). */
export function rotationTowards(cx: number, cy: number, px: number, py: number, snap = 0): number {
  let deg = Math.atan2(py - cy, px - cx) / DEG + 90
  if (snap > 0) deg = Math.round(deg / snap) * snap
  return ((deg % 360) + 360) % 360
}

export function shapeCenter(shape: Pick<ShapeRecord, 'type' | 'points'>): [number, number] {
  const p = shape.points
  if (shape.type === 'ellipse') return [p[0] ?? 0, p[1] ?? 0]
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -Infinity
  let y2 = -Infinity
  for (let i = 0; i + 1 < p.length; i += 2) {
    x1 = Math.min(x1, p[i]!)
    x2 = Math.max(x2, p[i]!)
    y1 = Math.min(y1, p[i + 1]!)
    y2 = Math.max(y2, p[i + 1]!)
  }
  return [(x1 + x2) / 2, (y1 + y2) / 2]
}

/** Minimum vertex count of a point-list shape type. */
export function minVertices(type: ShapeRecord['type']): number {
  return type === 'polygon' ? 3 : type === 'polyline' ? 2 : 1
}

export function moveVertex(points: readonly number[], index: number, x: number, y: number) {
  const out = points.slice()
  out[index * 2] = x
  out[index * 2 + 1] = y
  return out
}

export function removeVertex(points: readonly number[], index: number): number[] {
  const out = points.slice()
  out.splice(index * 2, 2)
  return out
}

export function insertVertex(points: readonly number[], after: number, x: number, y: number) {
  const out = points.slice()
  out.splice((after + 1) * 2, 0, x, y)
  return out
}

/** The segment of a ring nearest to (x, y): its first vertex index and the closest point. */
export function nearestSegment(points: readonly number[], closed: boolean, x: number, y: number) {
  const n = points.length >> 1
  const last = closed ? n : n - 1
  let best = { index: -1, x: 0, y: 0, distance: Infinity }
  for (let i = 0; i < last; i++) {
    const j = (i + 1) % n
    const ax = points[i * 2]!
    const ay = points[i * 2 + 1]!
    const bx = points[j * 2]!
    const by = points[j * 2 + 1]!
    const dx = bx - ax
    const dy = by - ay
    const len2 = dx * dx + dy * dy
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0
    const qx = ax + t * dx
    const qy = ay + t * dy
    const distance = Math.hypot(qx - x, qy - y)
    if (distance < best.distance) best = { index: i, x: qx, y: qy, distance }
  }
  return best
}

/** Keeps a point inside the image. */
export function clampToImage(x: number, y: number, width: number, height: number) {
  return [Math.max(0, Math.min(width, x)), Math.max(0, Math.min(height, y))] as [number, number]
}
