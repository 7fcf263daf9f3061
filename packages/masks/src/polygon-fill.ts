// Polygon → mask: fills a polygon by the pixel-centre rule (a pixel is set when its centre lies
// inside the polygon, even-odd), the rule that makes a polygon along pixel edges fill exactly
// the pixels it encloses, so `maskOutlines` (outline tracing) and this fill invert each other.

import { pointsBounds } from './geometry'
import { bitmapBounds, bitmapToRle, cropBitmap, type Bitmap, type PixelBox, type Rle } from './rle'

interface Edge {
  /** First and last pixel row (inclusive) whose centre the edge crosses. */
  row0: number
  row1: number
  x0: number
  y0: number
  slope: number
}

/**
 * Sets (to 1) the pixels of `bitmap` whose centres lie inside the polygon (flat `x,y` pairs in
 * image pixels, even-odd rule). The bitmap's pixel (0, 0) is image pixel (`left`, `top`).
 * Scanline with an active edge list: cost follows rows × edges crossing them, not rows × edges.
 */
export function fillPolygon(points: readonly number[], bitmap: Bitmap, left = 0, top = 0): void {
  const { width, height, data } = bitmap
  const n = points.length >> 1
  if (n < 3 || width === 0 || height === 0) return
  const edges: Edge[] = []
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n
    let x0 = points[2 * i]! - left
    let y0 = points[2 * i + 1]! - top
    let x1 = points[2 * j]! - left
    let y1 = points[2 * j + 1]! - top
    if (y0 === y1) continue
    if (y0 > y1) [x0, y0, x1, y1] = [x1, y1, x0, y0]
    // rows whose centre c = row + 0.5 satisfies y0 <= c < y1
    const row0 = Math.max(0, Math.ceil(y0 - 0.5))
    const row1 = Math.min(height - 1, Math.ceil(y1 - 0.5) - 1)
    if (row0 > row1) continue
    edges.push({ row0, row1, x0, y0, slope: (x1 - x0) / (y1 - y0) })
  }
  edges.sort((a, b) => a.row0 - b.row0)
  let next = 0
  let active: Edge[] = []
  const xs: number[] = []
  for (let row = 0; row < height; row++) {
    while (next < edges.length && edges[next]!.row0 === row) active.push(edges[next++]!)
    if (active.length === 0) {
      if (next >= edges.length) break
      continue
    }
    active = active.filter((edge) => edge.row1 >= row)
    const c = row + 0.5
    xs.length = 0
    for (const edge of active) xs.push(edge.x0 + (c - edge.y0) * edge.slope)
    xs.sort((a, b) => a - b)
    const base = row * width
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // pixels whose centre x + 0.5 lies in [xa, xb)
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5))
      const to = Math.min(width, Math.ceil(xs[k + 1]! - 0.5))
      for (let x = from; x < to; x++) data[base + x] = 1
    }
  }
}

/**
 * A polygon (flat `x,y` pairs, image pixels) → Loupe's mask form: the tight whole-pixel box of
 * the pixels it fills and an RLE over that box. Null when it fills no pixel (fewer than three
 * points, no area, or thinner than a pixel between centres).
 */
export function polygonToMask(points: readonly number[]): { box: PixelBox; rle: Rle } | null {
  if (points.length < 6) return null
  const [minX, minY, maxX, maxY] = pointsBounds(points)
  if (![minX, minY, maxX, maxY].every(Number.isFinite)) return null
  const left = Math.floor(minX)
  const top = Math.floor(minY)
  const width = Math.ceil(maxX) - left
  const height = Math.ceil(maxY) - top
  if (width <= 0 || height <= 0) return null
  const bitmap: Bitmap = { width, height, data: new Uint8Array(width * height) }
  fillPolygon(points, bitmap, left, top)
  const tight = bitmapBounds(bitmap)
  if (!tight) return null
  const rle = bitmapToRle(cropBitmap(bitmap, tight))
  return {
    box: { x1: tight.x1 + left, y1: tight.y1 + top, x2: tight.x2 + left, y2: tight.y2 + top },
    rle,
  }
}
