// Plane geometry COCO export needs: bounds, polygon area, an ellipse as a polygon.

import { pointsBounds } from '@loupe/masks'

/** `[x1, y1, x2, y2]` of flat `x,y` pairs; zeros when there are none. */
export function pointBounds(points: readonly number[]): [number, number, number, number] {
  return points.length < 2 ? [0, 0, 0, 0] : pointsBounds(points)
}

/** Area of a simple polygon (shoelace). */
export function polygonArea(points: readonly number[]): number {
  const n = points.length >> 1
  let twice = 0
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n
    twice += points[2 * i]! * points[2 * j + 1]! - points[2 * j]! * points[2 * i + 1]!
  }
  return Math.abs(twice) / 2
}

const round2 = (v: number) => Math.round(v * 100) / 100 + 0

/**
 * An ellipse `[cx, cy, rx, ry]` rotated by `rotation` degrees (clockwise on screen, as CVAT and
 * Loupe draw it) as a polygon whose edges stray less than about a pixel from the curve: one vertex
 * per ~8 px of perimeter, 16 to 360 vertices, coordinates rounded to 0.01 px.
 */
export function ellipseToPolygon(ellipse: readonly number[], rotation = 0): number[] {
  const [cx = 0, cy = 0, rx = 0, ry = 0] = ellipse
  const perimeter = Math.PI * (3 * (rx + ry) - Math.sqrt((3 * rx + ry) * (rx + 3 * ry)))
  const n = Math.min(360, Math.max(16, Math.ceil(perimeter / 32) * 4))
  const theta = (rotation * Math.PI) / 180
  const cos = Math.cos(theta)
  const sin = Math.sin(theta)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n
    const x = rx * Math.cos(t)
    const y = ry * Math.sin(t)
    out.push(round2(cx + x * cos - y * sin), round2(cy + x * sin + y * cos))
  }
  return out
}
