import { describe, expect, it } from 'vitest'
import { bitmapToRle } from '@loupe/masks'
import { logitsToPolygons, maskShapeToPolygons, polygonArea, simplifyPolygon } from './polygon'
import { logitsToMask } from './upsample'

describe('simplifyPolygon', () => {
  it('drops vertices within the tolerance and keeps corners', () => {
    const square = [0, 0, 5, 0.2, 10, 0, 10, 10, 5, 9.9, 0, 10]
    expect(simplifyPolygon(square, 0.5)).toEqual([0, 0, 10, 0, 10, 10, 0, 10])
    expect(simplifyPolygon(square, 0)).toEqual(square)
  })
})

describe('mask → polygons', () => {
  it('a disc gives one ~circle polygon of the disc area, largest region first', () => {
    const w = 200
    const h = 120
    const data = new Uint8Array(w * h)
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (Math.hypot(x + 0.5 - 60, y + 0.5 - 60) < 50) data[y * w + x] = 1
        if (x >= 170 && x < 180 && y >= 10 && y < 20) data[y * w + x] = 1
      }
    }
    const mask = {
      box: { x1: 0, y1: 0, x2: w, y2: h },
      rle: bitmapToRle({ width: w, height: h, data }),
      area: 0,
    }
    const polygons = maskShapeToPolygons(mask, { tolerance: 1 })
    expect(polygons).toHaveLength(2)
    expect(Math.abs(polygonArea(polygons[0]!) / (Math.PI * 50 * 50) - 1)).toBeLessThan(0.02)
    expect(polygonArea(polygons[1]!)).toBe(100)
    expect(maskShapeToPolygons(mask, { minArea: 150 })).toHaveLength(1)
  })

  it('traces huge masks on a reduced grid and scales back', () => {
    const data = new Float32Array(256 * 256)
    for (let y = 0; y < 256; y++)
      for (let x = 0; x < 256; x++) data[y * 256 + x] = 100 - Math.hypot(x - 128, y - 96)
    const logits = { data, width: 256, height: 256, space: 'low-res' as const }
    const image = { width: 16000, height: 12000 }
    const full = logitsToMask(logits, image)!
    const polygons = logitsToPolygons(logits, image, {
      tolerance: 4,
      maxPixels: 1024 * 1024,
      mask: full,
    })
    expect(polygons).toHaveLength(1)
    expect(Math.abs(polygonArea(polygons[0]!) / full.area - 1)).toBeLessThan(0.01)
  })
})
