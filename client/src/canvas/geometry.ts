// Shape geometry in image pixels, shared by the GPU buffers and CPU hit testing so what is
// drawn and what is picked can never disagree.

import { pointsBounds } from '@loupe/masks'
import type { RenderShape } from './types'

export type Bounds = [x1: number, y1: number, x2: number, y2: number]
export { pointsBounds }

const DEG = Math.PI / 180

/** Rotates (x, y) about (cx, cy) by `deg` degrees (clockwise on a y-down screen). */
export function rotatePoint(
  x: number,
  y: number,
  cx: number,
  cy: number,
  deg: number,
): [number, number] {
  if (!deg) return [x, y]
  const c = Math.cos(deg * DEG)
  const s = Math.sin(deg * DEG)
  const dx = x - cx
  const dy = y - cy
  return [cx + dx * c - dy * s, cy + dx * s + dy * c]
}

/** Corners of a (possibly rotated) rectangle `[x1,y1,x2,y2]`: TL, TR, BR, BL before rotation. */
export function rectCorners(points: readonly number[], rotation = 0): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = points
  const x1 = Math.min(a, c)
  const x2 = Math.max(a, c)
  const y1 = Math.min(b, d)
  const y2 = Math.max(b, d)
  const cx = (x1 + x2) / 2
  const cy = (y1 + y2) / 2
  const out: number[] = []
  for (const [x, y] of [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ] as const) {
    out.push(...rotatePoint(x, y, cx, cy, rotation))
  }
  return out
}

/** Enough segments that the chord error stays under ~0.25 px at 1:1. */
export function ellipseSegments(rx: number, ry: number): number {
  const r = Math.max(Math.abs(rx), Math.abs(ry))
  return Math.min(256, Math.max(24, Math.ceil(Math.PI / Math.acos(1 - 0.25 / Math.max(r, 1)))))
}

/** A closed ring approximating the ellipse `[cx,cy,rx,ry]`, rotated about its centre. */
export function ellipseRing(points: readonly number[], rotation = 0): number[] {
  const [cx = 0, cy = 0, rx = 0, ry = 0] = points
  const n = ellipseSegments(rx, ry)
  const c = Math.cos(rotation * DEG)
  const s = Math.sin(rotation * DEG)
  const out = new Array<number>(n * 2)
  for (let i = 0; i < n; i++) {
    const t = (i / n) * 2 * Math.PI
    const ex = rx * Math.cos(t)
    const ey = ry * Math.sin(t)
    out[i * 2] = cx + ex * c - ey * s
    out[i * 2 + 1] = cy + ex * s + ey * c
  }
  return out
}

/** The outline drawn for a shape and whether it closes; null for shapes with no outline. */
export function shapeOutline(shape: RenderShape): { ring: number[]; closed: boolean } | null {
  switch (shape.type) {
    case 'rectangle':
      return { ring: rectCorners(shape.points, shape.rotation), closed: true }
    case 'ellipse':
      return { ring: ellipseRing(shape.points, shape.rotation), closed: true }
    case 'polygon':
      return { ring: shape.points, closed: true }
    case 'polyline':
      return { ring: shape.points, closed: false }
    case 'mask':
      return null
    case 'points':
    case 'skeleton':
      return null
  }
}

/** Axis-aligned bounds of the shape as drawn (rotation included). */
export function shapeBounds(shape: RenderShape): Bounds {
  const p = shape.points
  switch (shape.type) {
    case 'rectangle':
      return pointsBounds(rectCorners(p, shape.rotation))
    case 'ellipse': {
      const [cx = 0, cy = 0, rx = 0, ry = 0] = p
      const t = (shape.rotation ?? 0) * DEG
      const hw = Math.hypot(rx * Math.cos(t), ry * Math.sin(t))
      const hh = Math.hypot(rx * Math.sin(t), ry * Math.cos(t))
      return [cx - hw, cy - hh, cx + hw, cy + hh]
    }
    case 'mask': {
      const [a = 0, b = 0, c = 0, d = 0] = p
      return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)]
    }
    default:
      return pointsBounds(p)
  }
}
