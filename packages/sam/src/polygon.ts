// Mask → polygon: outline tracing (`maskToPolygons` of @loupe/masks, vertices on pixel corners)
// then Douglas–Peucker simplification of each closed outline with a tolerance in image pixels.
// Huge masks are traced on a reduced grid (at most `maxPixels` in the box) and scaled back, so
// the outline of a 16,000 × 12,000 mask costs what a ~4 M-pixel one does.

import { maskToPolygons, segmentDistance2 } from '@loupe/masks'
import { logitsToMask, type MaskLogits, type MaskShape } from './upsample'
import { SAM_INPUT_SIZE, type Size } from './geometry'

/** Douglas–Peucker over vertices [first, last] of a flat `x,y` list; marks the kept ones. */
function simplifyRange(
  points: readonly number[],
  first: number,
  last: number,
  tol2: number,
  keep: Uint8Array,
): void {
  const stack: number[] = [first, last]
  while (stack.length > 0) {
    const b = stack.pop()!
    const a = stack.pop()!
    let worst = -1
    let worstD = tol2
    const ax = points[2 * a]!
    const ay = points[2 * a + 1]!
    const bx = points[2 * b]!
    const by = points[2 * b + 1]!
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(points[2 * i]!, points[2 * i + 1]!, ax, ay, bx, by)
      if (d > worstD) {
        worstD = d
        worst = i
      }
    }
    if (worst >= 0) {
      keep[worst] = 1
      stack.push(a, worst, worst, b)
    }
  }
}

/**
 * Simplifies a closed polygon (flat `x,y` pairs, not repeating the first vertex) with
 * Douglas–Peucker: every removed vertex lies within `tolerance` of the kept outline. The split
 * points are the first vertex and the vertex farthest from it. Keeps at least 3 vertices.
 */
export function simplifyPolygon(points: readonly number[], tolerance: number): number[] {
  const n = points.length >> 1
  if (n <= 3 || !(tolerance > 0)) return points.slice()
  let far = 0
  let farD = -1
  for (let i = 1; i < n; i++) {
    const d = (points[2 * i]! - points[0]!) ** 2 + (points[2 * i + 1]! - points[1]!) ** 2
    if (d > farD) {
      farD = d
      far = i
    }
  }
  const closed = [...points, points[0]!, points[1]!]
  const keep = new Uint8Array(n + 1)
  keep[0] = 1
  keep[far] = 1
  keep[n] = 1
  const tol2 = tolerance * tolerance
  simplifyRange(closed, 0, far, tol2, keep)
  simplifyRange(closed, far, n, tol2, keep)
  const out: number[] = []
  for (let i = 0; i < n; i++) if (keep[i]) out.push(points[2 * i]!, points[2 * i + 1]!)
  if (out.length < 6) {
    // a sliver: keep the first vertex, the farthest and the vertex farthest from that chord
    let third = -1
    let thirdD = -1
    for (let i = 0; i < n; i++) {
      if (i === 0 || i === far) continue
      const d = segmentDistance2(
        points[2 * i]!,
        points[2 * i + 1]!,
        points[0]!,
        points[1]!,
        points[2 * far]!,
        points[2 * far + 1]!,
      )
      if (d > thirdD) {
        thirdD = d
        third = i
      }
    }
    const idx = [0, far, third].sort((a, b) => a - b)
    return idx.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!])
  }
  return out
}

/** Shoelace area of a closed polygon (absolute). */
export function polygonArea(points: readonly number[]): number {
  const n = points.length >> 1
  let s = 0
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n
    s += points[2 * i]! * points[2 * j + 1]! - points[2 * j]! * points[2 * i + 1]!
  }
  return Math.abs(s) / 2
}

export interface PolygonOptions {
  /** Douglas–Peucker tolerance in image pixels (0 keeps every pixel corner). Default 1. */
  tolerance?: number
  /** Drop regions smaller than this many pixels (SAM's speckle). Default 0: keep all. */
  minArea?: number
}

/**
 * Outline polygons of a mask shape, largest first: one per 4-connected region (holes filled),
 * simplified with `tolerance`, in image pixels.
 */
export function maskShapeToPolygons(mask: MaskShape, options: PolygonOptions = {}): number[][] {
  const tolerance = options.tolerance ?? 1
  const minArea = options.minArea ?? 0
  return maskToPolygons(mask.rle, mask.box)
    .map((outline) => ({ outline, area: polygonArea(outline) }))
    .filter((r) => r.area >= minArea && r.area > 0)
    .sort((a, b) => b.area - a.area)
    .map((r) => simplifyPolygon(r.outline, tolerance))
}

/** Default limit of pixels in a mask box traced at full resolution (2048²). */
export const MAX_TRACE_PIXELS = 2048 * 2048

export interface TraceOptions extends PolygonOptions {
  /** Most pixels of the traced grid in the mask's box. Default `MAX_TRACE_PIXELS`. */
  maxPixels?: number
  /**
   * `model` (default): trace on a grid of half a model-input pixel at most (images up to 2048
   * px are traced at full resolution) — finer than SAM's own detail (its logits are 4 model
   * pixels a cell) and much cheaper on large images. `full`: trace at image pixels.
   */
  resolution?: 'model' | 'full'
  /** The full-resolution mask when already computed (`logitsToMask`). */
  mask?: MaskShape | null
}

/**
 * Outline polygons straight from logits, largest first, in image pixels. The mask is traced on
 * a reduced grid when `resolution` or `maxPixels` ask for it, and the outline scaled back.
 */
export function logitsToPolygons(
  logits: MaskLogits,
  image: Size,
  options: TraceOptions = {},
): number[][] {
  const maxPixels = options.maxPixels ?? MAX_TRACE_PIXELS
  const full = options.mask === undefined ? logitsToMask(logits, image) : options.mask
  if (!full) return []
  const boxPixels = (full.box.x2 - full.box.x1) * (full.box.y2 - full.box.y1)
  let f = Math.min(1, Math.sqrt(maxPixels / boxPixels))
  if (options.resolution !== 'full') {
    f = Math.min(f, (2 * SAM_INPUT_SIZE) / Math.max(image.width, image.height))
  }
  if (f >= 1) return maskShapeToPolygons(full, options)
  const grid = {
    width: Math.max(1, Math.round(image.width * f)),
    height: Math.max(1, Math.round(image.height * f)),
  }
  const reduced = logitsToMask(logits, image, { output: grid })
  if (!reduced) return []
  const sx = image.width / grid.width
  const sy = image.height / grid.height
  const tolerance = options.tolerance ?? 1
  return maskShapeToPolygons(reduced, {
    // at least one grid cell: a pixel staircase needs that to simplify at all
    tolerance: tolerance > 0 ? Math.max(1, tolerance / Math.max(sx, sy)) : 0,
    minArea: (options.minArea ?? 0) / (sx * sy),
  }).map((polygon) => polygon.map((v, i) => (i % 2 === 0 ? v * sx : v * sy)))
}
