import { describe, expect, it } from 'vitest'
import { bitmapOutlines, maskToPolygons } from './mask-outline'
import { referenceBitmapOutlines, referenceMaskToPolygons } from './mask-outline-reference'
import { fillPolygon, polygonToMask } from './polygon-fill'
import { bitmapToRle, rleToBitmap, type Bitmap } from './rle'

function bitmapOf(rows: string[]): Bitmap {
  const height = rows.length
  const width = rows[0]!.length
  const data = new Uint8Array(width * height)
  rows.forEach((row, y) => [...row].forEach((c, x) => (data[y * width + x] = c === '#' ? 1 : 0)))
  return { width, height, data }
}

function fill(points: number[], width: number, height: number): Bitmap {
  const bitmap = { width, height, data: new Uint8Array(width * height) }
  fillPolygon(points, bitmap)
  return bitmap
}

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/**
 * The pixels of a region with its holes filled: everything that background pixels 8-connected
 * to the border cannot reach (the tracer lets background pass between diagonal pixels).
 */
function filledRegion(bitmap: Bitmap, region: Uint8Array): Uint8Array {
  const { width: w, height: h } = bitmap
  const outside = new Uint8Array(w * h)
  const stack: number[] = []
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const border = x === 0 || y === 0 || x === w - 1 || y === h - 1
      if (border && !region[y * w + x]) {
        outside[y * w + x] = 1
        stack.push(y * w + x)
      }
    }
  }
  while (stack.length) {
    const i = stack.pop()!
    const x = i % w
    const y = (i - x) / w
    for (let ny = y - 1; ny <= y + 1; ny++) {
      for (let nx = x - 1; nx <= x + 1; nx++) {
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue
        const j = ny * w + nx
        if (!region[j] && !outside[j]) {
          outside[j] = 1
          stack.push(j)
        }
      }
    }
  }
  return outside.map((v) => (v ? 0 : 1))
}

describe('fillPolygon', () => {
  it('fills the pixels whose centres are inside', () => {
    expect([...fill([1, 1, 3, 1, 3, 2, 1, 2], 4, 3).data]).toEqual([
      0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0,
    ])
    // a triangle: a centre on a right-hand edge is outside (spans are [left, right))
    expect(fill([0, 0, 4, 0, 0, 4], 4, 4).data.reduce((a, b) => a + b, 0)).toBe(6)
    // a polygon partly outside is clipped
    expect(fill([-5, -5, 10, -5, 10, 10, -5, 10], 3, 2).data.every((v) => v === 1)).toBe(true)
  })

  it('turns a polygon into a tight mask box', () => {
    const mask = polygonToMask([10.2, 20.7, 14, 20.7, 14, 23, 10.2, 23])!
    expect(mask.box).toEqual({ x1: 10, y1: 21, x2: 14, y2: 23 })
    expect(mask.rle).toEqual({ size: [2, 4], counts: [0, 8] })
    expect(polygonToMask([0, 0, 1, 0, 0.5, 0.2])).toBeNull()
    expect(polygonToMask([0, 0, 1, 1])).toBeNull()
  })
})

describe('bitmapOutlines', () => {
  it('traces a region along pixel edges, clockwise, one vertex per turn', () => {
    const outlines = bitmapOutlines(bitmapOf(['....', '.##.', '.#..', '....']))
    expect(outlines).toEqual([[1, 1, 3, 1, 3, 2, 2, 2, 2, 3, 1, 3]])
  })

  it('keeps regions that touch at a corner apart and fills holes', () => {
    const diagonal = bitmapOf(['#.', '.#'])
    expect(bitmapOutlines(diagonal)).toEqual([
      [0, 0, 1, 0, 1, 1, 0, 1],
      [1, 1, 2, 1, 2, 2, 1, 2],
    ])
    const ring = bitmapOf(['###', '#.#', '###'])
    expect(bitmapOutlines(ring)).toEqual([[0, 0, 3, 0, 3, 3, 0, 3]])
  })

  it('fills back to the region with its holes filled, on random bitmaps', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed)
      const w = 1 + Math.floor(next() * 12)
      const h = 1 + Math.floor(next() * 12)
      const density = 0.3 + next() * 0.5
      const bitmap: Bitmap = { width: w, height: h, data: new Uint8Array(w * h) }
      for (let i = 0; i < w * h; i++) bitmap.data[i] = next() < density ? 1 : 0
      const outlines = bitmapOutlines(bitmap)
      const union = new Uint8Array(w * h)
      for (const outline of outlines) {
        const filled = fill(outline, w, h)
        // the region traced is the set pixels of this outline's fill that are set in the bitmap
        // and 4-connected to its first pixel; its fill must equal that region with holes filled
        const region = fillRegionFrom(bitmap, outline[0]!, outline[1]!)
        expect([...filled.data], `seed ${seed}`).toEqual([...filledRegion(bitmap, region)])
        filled.data.forEach((v, i) => (union[i] = union[i]! | v))
      }
      // every set pixel is covered by some outline
      bitmap.data.forEach((v, i) => {
        if (v) expect(union[i], `seed ${seed} pixel ${i}`).toBe(1)
      })
    }
  })

  it('round-trips a mask through outlines and fill', () => {
    const bitmap = bitmapOf(['.###.', '##.##', '.###.'])
    const rle = bitmapToRle(bitmap)
    const polygons = maskToPolygons(rle, { x1: 100, y1: 50 })
    expect(polygons).toHaveLength(1)
    const back = polygonToMask(polygons[0]!)!
    expect(back.box).toEqual({ x1: 100, y1: 50, x2: 105, y2: 53 })
    // the hole is filled
    expect([...rleToBitmap(back.rle).data]).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0])
  })
})

describe('outlines from runs match the per-pixel reference exactly', () => {
  /** Random blobs and holes, or salt-and-pepper noise, in a w × h bitmap. */
  function randomBitmap(seed: number, w: number, h: number, noise: boolean): Bitmap {
    const next = random(seed)
    const data = new Uint8Array(w * h)
    if (noise) {
      const density = next()
      for (let i = 0; i < data.length; i++) data[i] = next() < density ? 1 : 0
    } else {
      for (let k = 0; k < 8; k++) {
        const cx = next() * w
        const cy = next() * h
        const r = 1 + next() * Math.min(w, h) * 0.3
        const value = k % 3 === 2 ? 0 : 1 // some discs cut holes
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const wobble = 1 + 0.3 * Math.sin(7 * Math.atan2(y - cy, x - cx) + seed)
            if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) < r * wobble) data[y * w + x] = value
          }
        }
      }
    }
    return { width: w, height: h, data }
  }

  it('on random bitmaps and their RLEs (blobs with holes, noise, 1-pixel strips)', () => {
    const next = random(99)
    for (let n = 0; n < 80; n++) {
      const w = 1 + Math.floor(next() * (n < 40 ? 16 : 300))
      const h = 1 + Math.floor(next() * (n < 40 ? 16 : 300))
      const bitmap = randomBitmap(1000 + n, w, h, n % 4 === 1)
      const where = `case ${n}: ${w}x${h}`
      expect(bitmapOutlines(bitmap), where).toEqual(referenceBitmapOutlines(bitmap))
      const rle = bitmapToRle(bitmap)
      const box = { x1: n, y1: -n }
      expect(maskToPolygons(rle, box), where).toEqual(referenceMaskToPolygons(rle, box))
    }
  })

  it('RLE counts with empty runs between set runs, and runs across column ends', () => {
    const rle = { size: [3, 4] as [number, number], counts: [1, 2, 0, 3, 1, 0, 2, 3] }
    expect(maskToPolygons(rle, { x1: 0, y1: 0 })).toEqual(
      referenceMaskToPolygons(rle, { x1: 0, y1: 0 }),
    )
    expect(maskToPolygons({ size: [0, 0], counts: [0] }, { x1: 0, y1: 0 })).toEqual([])
  })
})

/** The 4-connected region of set pixels whose top-left corner is (x, y). */
function fillRegionFrom(bitmap: Bitmap, x: number, y: number): Uint8Array {
  const { width: w, height: h, data } = bitmap
  const region = new Uint8Array(w * h)
  const stack = [y * w + x]
  region[y * w + x] = 1
  while (stack.length) {
    const i = stack.pop()!
    const px = i % w
    for (const j of [px > 0 ? i - 1 : -1, px + 1 < w ? i + 1 : -1, i - w, i + w]) {
      if (j >= 0 && j < w * h && data[j] && !region[j]) {
        region[j] = 1
        stack.push(j)
      }
    }
  }
  return region
}
