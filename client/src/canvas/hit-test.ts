// CPU picking: which shape is under an image-pixel point. Shapes are indexed in a spatial grid
// by their drawn bounds; candidates are tested exactly, topmost (last drawn) first.

import { segmentDistance2 } from '@loupe/masks'
import { ellipseRing, rectCorners, shapeBounds, type Bounds } from './geometry'
import { cachedBounds } from './shape-bounds'
import { rleAt } from './rle'
import { SpatialGrid } from './spatial-grid'
import type { RenderShape } from './types'

/** Counts of grid work, so tests can tell an incremental update from a rebuild. */
export interface HitIndexStats {
  /** Full rebuilds of the grid. */
  rebuilds: number
  /** Shapes inserted into or removed from the grid (a changed shape counts once each). */
  inserted: number
  removed: number
}

export class HitIndex {
  private shapes: readonly RenderShape[] = []
  /** Draw order (index in `shapes`) by id, for topmost-first results. */
  private readonly order = new Map<string, number>()
  /** What the grid holds per id: the shape object and the bounds it was inserted with. */
  private readonly indexed = new Map<string, { shape: RenderShape; bounds: Bounds }>()
  private grid: SpatialGrid<string> | null = null
  /** The extent the grid's cell size was chosen for. */
  private gridExtent = 0
  private dirty = true
  readonly stats: HitIndexStats = { rebuilds: 0, inserted: 0, removed: 0 }

  /**
   * Replaces the indexed shapes. The grid is brought up to date lazily on the next query, and
   * only for shapes whose object changed (by identity), appeared or went away.
   */
  setShapes(shapes: readonly RenderShape[]): void {
    this.shapes = shapes
    this.dirty = true
  }

  /**
   * The topmost visible shape at (x, y), image px. `tolerance` (image px) widens lines and
   * points; callers pass a screen tolerance divided by the camera scale.
   */
  hitTest(x: number, y: number, tolerance = 4): RenderShape | null {
    for (const shape of this.candidates([
      x - tolerance,
      y - tolerance,
      x + tolerance,
      y + tolerance,
    ])) {
      if (!shape.hidden && hitShape(shape, x, y, tolerance)) return shape
    }
    return null
  }

  /** Visible shapes whose bounds lie wholly inside the box (marquee selection). */
  shapesInside(box: Bounds): RenderShape[] {
    const out: RenderShape[] = []
    for (const shape of this.candidates(box)) {
      const b = cachedBounds(shape)
      if (!shape.hidden && b[0] >= box[0] && b[1] >= box[1] && b[2] <= box[2] && b[3] <= box[3])
        out.push(shape)
    }
    return out.reverse()
  }

  /** Candidate shapes, topmost first. */
  private candidates(box: Bounds): RenderShape[] {
    if (this.dirty) this.sync()
    const ids = [...this.grid!.query(box)]
    const order = this.order
    ids.sort((a, b) => order.get(b)! - order.get(a)!)
    return ids.map((id) => this.shapes[order.get(id)!]!)
  }

  private sync(): void {
    this.dirty = false
    const { order, indexed } = this
    order.clear()
    // Duplicate ids: the last one wins, as in a Map.
    this.shapes.forEach((s, i) => order.set(s.id, i))
    if (!this.grid || indexed.size === 0) {
      this.rebuild()
      return
    }
    const grid = this.grid
    for (const [id, entry] of indexed) {
      const i = order.get(id)
      const now = i === undefined ? undefined : this.shapes[i]
      if (now === entry.shape) continue
      grid.remove(id, entry.bounds)
      indexed.delete(id)
      this.stats.removed++
    }
    let extent = this.gridExtent
    for (const [id, i] of order) {
      if (indexed.has(id)) continue
      const shape = this.shapes[i]!
      const bounds = cachedBounds(shape)
      grid.insert(id, bounds)
      indexed.set(id, { shape, bounds })
      this.stats.inserted++
      extent = Math.max(extent, bounds[2], bounds[3])
    }
    // Shapes far beyond what the cell size was chosen for: choose again.
    if (extent > this.gridExtent * 8) this.rebuild()
  }

  private rebuild(): void {
    this.stats.rebuilds++
    let extent = 0
    for (const s of this.shapes) {
      const b = cachedBounds(s)
      extent = Math.max(extent, b[2], b[3])
    }
    // About 256 cells along the longer side, but no smaller than 32 px.
    this.grid = new SpatialGrid<string>(Math.max(32, Math.ceil(extent / 256)))
    this.gridExtent = Math.max(extent, 256)
    this.indexed.clear()
    for (const [id, i] of this.order) {
      const shape = this.shapes[i]!
      const bounds = cachedBounds(shape)
      this.grid.insert(id, bounds)
      this.indexed.set(id, { shape, bounds })
    }
  }
}

export function hitShape(shape: RenderShape, x: number, y: number, tol: number): boolean {
  const p = shape.points
  switch (shape.type) {
    case 'rectangle': {
      const ring = rectCorners(p, shape.rotation)
      return pointInPolygon(ring, x, y) || nearRing(ring, x, y, tol, true)
    }
    case 'ellipse': {
      const [cx = 0, cy = 0, rx = 0, ry = 0] = p
      const t = (-(shape.rotation ?? 0) * Math.PI) / 180
      const dx = x - cx
      const dy = y - cy
      const lx = dx * Math.cos(t) - dy * Math.sin(t)
      const ly = dx * Math.sin(t) + dy * Math.cos(t)
      const inside = (lx * lx) / (rx * rx || 1) + (ly * ly) / (ry * ry || 1) <= 1
      return inside || nearRing(ellipseRing(p, shape.rotation), x, y, tol, true)
    }
    case 'polygon':
      return pointInPolygon(p, x, y) || nearRing(p, x, y, tol, true)
    case 'polyline':
      return nearRing(p, x, y, tol, false)
    case 'points':
      return nearPoint(p, x, y, tol)
    case 'skeleton': {
      if (nearPoint(p, x, y, tol)) return true
      for (const [a, b] of shape.edges ?? []) {
        const ax = p[a * 2]
        const ay = p[a * 2 + 1]
        const bx = p[b * 2]
        const by = p[b * 2 + 1]
        if (ax === undefined || ay === undefined || bx === undefined || by === undefined) continue
        if (segmentDistance2(x, y, ax, ay, bx, by) <= tol * tol) return true
      }
      return false
    }
    case 'mask': {
      const [x1, y1, x2, y2] = shapeBounds(shape)
      if (x < x1 || y < y1 || x >= x2 || y >= y2) return false
      if (!shape.mask) return true
      const [h, w] = shape.mask.size
      const col = Math.floor(((x - x1) / (x2 - x1 || 1)) * w)
      const row = Math.floor(((y - y1) / (y2 - y1 || 1)) * h)
      return rleAt(shape.mask, col, row)
    }
  }
}

/** Even-odd point in polygon over a flat ring. */
export function pointInPolygon(ring: readonly number[], x: number, y: number): boolean {
  let inside = false
  const n = ring.length >> 1
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i * 2]!
    const yi = ring[i * 2 + 1]!
    const xj = ring[j * 2]!
    const yj = ring[j * 2 + 1]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

function nearRing(ring: readonly number[], x: number, y: number, tol: number, closed: boolean) {
  const n = ring.length >> 1
  const last = closed ? n : n - 1
  for (let i = 0; i < last; i++) {
    const j = (i + 1) % n
    const d2 = segmentDistance2(
      x,
      y,
      ring[i * 2]!,
      ring[i * 2 + 1]!,
      ring[j * 2]!,
      ring[j * 2 + 1]!,
    )
    if (d2 <= tol * tol) return true
  }
  return n === 1 && nearPoint(ring, x, y, tol)
}

function nearPoint(p: readonly number[], x: number, y: number, tol: number): boolean {
  for (let i = 0; i + 1 < p.length; i += 2) {
    const dx = p[i]! - x
    const dy = p[i + 1]! - y
    if (dx * dx + dy * dy <= tol * tol) return true
  }
  return false
}
