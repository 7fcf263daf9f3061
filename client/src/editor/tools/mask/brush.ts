// Brush strokes rasterised into a mask over the painted box, and merged with an existing mask.
// Masks are COCO RLE over their box, column-major, with an integer box whose x2/y2 are
// exclusive, so `size = [y2 - y1, x2 - x1]` (the model's rule, DESIGN.md §5).

import type { Rle } from '@loupe/model'
import { decodeRle, encodeRle } from '../../../canvas'

/** A bitmap over an integer box of the image; 1 = painted. Row-major. */
export interface Bitmap {
  x1: number
  y1: number
  x2: number
  y2: number
  data: Uint8Array
}

/** Centres of brush discs along a stroke, at most half a radius apart. */
export function strokeDiscs(path: readonly number[], radius: number): number[] {
  const out: number[] = []
  const step = Math.max(0.5, radius / 2)
  for (let i = 0; i + 1 < path.length; i += 2) {
    const x = path[i]!
    const y = path[i + 1]!
    if (i === 0) {
      out.push(x, y)
      continue
    }
    const px = path[i - 2]!
    const py = path[i - 1]!
    const n = Math.max(1, Math.ceil(Math.hypot(x - px, y - py) / step))
    for (let k = 1; k <= n; k++) out.push(px + ((x - px) * k) / n, py + ((y - py) * k) / n)
  }
  return out
}

/** The integer box a stroke touches, clipped to the image; null when it misses the image. */
export function strokeBox(discs: readonly number[], radius: number, width: number, height: number) {
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -Infinity
  let y2 = -Infinity
  for (let i = 0; i + 1 < discs.length; i += 2) {
    x1 = Math.min(x1, Math.floor(discs[i]! - radius))
    y1 = Math.min(y1, Math.floor(discs[i + 1]! - radius))
    x2 = Math.max(x2, Math.ceil(discs[i]! + radius))
    y2 = Math.max(y2, Math.ceil(discs[i + 1]! + radius))
  }
  x1 = Math.max(0, x1)
  y1 = Math.max(0, y1)
  x2 = Math.min(width, x2)
  y2 = Math.min(height, y2)
  return x2 > x1 && y2 > y1 ? { x1, y1, x2, y2 } : null
}

export function emptyBitmap(x1: number, y1: number, x2: number, y2: number): Bitmap {
  return { x1, y1, x2, y2, data: new Uint8Array((x2 - x1) * (y2 - y1)) }
}

/** Sets (or with `erase` clears) every pixel whose centre lies within `radius` of a disc. */
export function paintDiscs(
  target: Bitmap,
  discs: readonly number[],
  radius: number,
  erase = false,
) {
  const w = target.x2 - target.x1
  const value = erase ? 0 : 1
  const r2 = radius * radius
  for (let i = 0; i + 1 < discs.length; i += 2) {
    const cx = discs[i]!
    const cy = discs[i + 1]!
    const px1 = Math.max(target.x1, Math.floor(cx - radius))
    const px2 = Math.min(target.x2, Math.ceil(cx + radius))
    const py1 = Math.max(target.y1, Math.floor(cy - radius))
    const py2 = Math.min(target.y2, Math.ceil(cy + radius))
    for (let y = py1; y < py2; y++) {
      const dy = y + 0.5 - cy
      for (let x = px1; x < px2; x++) {
        const dx = x + 0.5 - cx
        if (dx * dx + dy * dy <= r2) target.data[(y - target.y1) * w + (x - target.x1)] = value
      }
    }
  }
}

/** A stored mask as a bitmap over its box. */
export function maskBitmap(points: readonly number[], rle: Rle): Bitmap {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = points
  const bytes = decodeRle(rle)
  const out = emptyBitmap(x1, y1, x2, y2)
  for (let i = 0; i < bytes.length; i++) out.data[i] = bytes[i] ? 1 : 0
  return out
}

/** A bitmap over the union of `a`'s box and a box, holding `a`'s pixels. */
export function growBitmap(a: Bitmap, box: { x1: number; y1: number; x2: number; y2: number }) {
  const out = emptyBitmap(
    Math.min(a.x1, box.x1),
    Math.min(a.y1, box.y1),
    Math.max(a.x2, box.x2),
    Math.max(a.y2, box.y2),
  )
  const aw = a.x2 - a.x1
  const ow = out.x2 - out.x1
  for (let y = a.y1; y < a.y2; y++) {
    const src = (y - a.y1) * aw
    out.data.set(a.data.subarray(src, src + aw), (y - out.y1) * ow + (a.x1 - out.x1))
  }
  return out
}

/** The mask geometry (tight box + RLE) of a bitmap, or null when nothing is painted. */
export function bitmapToMask(b: Bitmap): { points: number[]; mask: Rle } | null {
  const w = b.x2 - b.x1
  const h = b.y2 - b.y1
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -Infinity
  let y2 = -Infinity
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (b.data[y * w + x]) {
        if (x < x1) x1 = x
        if (x > x2) x2 = x
        if (y < y1) y1 = y
        if (y > y2) y2 = y
      }
  if (x1 === Infinity) return null
  const cw = x2 - x1 + 1
  const ch = y2 - y1 + 1
  const crop = new Uint8Array(cw * ch)
  for (let y = 0; y < ch; y++)
    crop.set(b.data.subarray((y + y1) * w + x1, (y + y1) * w + x1 + cw), y * cw)
  const rle = encodeRle(crop, ch, cw)
  return {
    points: [b.x1 + x1, b.y1 + y1, b.x1 + x2 + 1, b.y1 + y2 + 1],
    mask: { size: [ch, cw], counts: rle.counts },
  }
}

/** An outline of a stroke (a fat line) for the overlay preview. */
export function strokeOutline(path: readonly number[], radius: number): number[] {
  const n = path.length >> 1
  if (n === 0) return []
  if (n === 1) {
    const out: number[] = []
    for (let i = 0; i < 16; i++) {
      const t = (i / 16) * Math.PI * 2
      out.push(path[0]! + radius * Math.cos(t), path[1]! + radius * Math.sin(t))
    }
    return out
  }
  const left: number[] = []
  const right: number[] = []
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1)
    const b = Math.min(n - 1, i + 1)
    const dx = path[b * 2]! - path[a * 2]!
    const dy = path[b * 2 + 1]! - path[a * 2 + 1]!
    const len = Math.hypot(dx, dy) || 1
    const nx = (-dy / len) * radius
    const ny = (dx / len) * radius
    left.push(path[i * 2]! + nx, path[i * 2 + 1]! + ny)
    right.unshift(path[i * 2]! - nx, path[i * 2 + 1]! - ny)
  }
  return [...left, ...right]
}
