import { describe, expect, it } from 'vitest'
import {
  bitmapToRle,
  checkRle,
  imageRleToShape,
  rleArea,
  rleCountsFromString,
  rleCountsToString,
  rleToBitmap,
  shapeRleToImage,
  type Bitmap,
} from './index'

function seeded(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

function randomBitmap(width: number, height: number, seed: number): Bitmap {
  const rand = seeded(seed)
  const data = new Uint8Array(width * height)
  for (let i = 0; i < data.length; i++) data[i] = rand() < 0.3 ? 1 : 0
  return { width, height, data }
}

describe('RLE', () => {
  it('is column-major and starts with a run of zeros', () => {
    // 2 × 3 (h × w): set pixels (x=0,y=1) and (x=2,y=0)
    const bitmap = { width: 3, height: 2, data: Uint8Array.from([0, 0, 1, 1, 0, 0]) }
    const rle = bitmapToRle(bitmap)
    expect(rle).toEqual({ size: [2, 3], counts: [1, 1, 2, 1, 1] })
    expect(rleToBitmap(rle)).toEqual(bitmap)
    expect(rleArea(rle)).toBe(2)
  })

  it('round-trips random bitmaps', () => {
    for (let seed = 1; seed < 20; seed++) {
      const bitmap = randomBitmap(7 + seed, 3 + (seed % 5), seed)
      const rle = bitmapToRle(bitmap)
      checkRle(rle)
      expect(rleToBitmap(rle)).toEqual(bitmap)
    }
  })

  it('rejects counts that do not cover the box', () => {
    expect(() => checkRle({ size: [2, 2], counts: [1, 2] })).toThrow(/cover 3 pixels/)
    expect(() => checkRle({ size: [2, 2], counts: [1, -1, 4] })).toThrow(/counts\[1\]/)
  })

  it('encodes COCO compressed strings as pycocotools does', () => {
    expect(rleCountsToString([2, 3, 4])).toBe('234')
    // the fourth count is written as a difference from the second: 1 - 3 = -2
    expect(rleCountsToString([2, 3, 4, 1])).toBe('234N')
    for (let seed = 1; seed < 30; seed++) {
      const rand = seeded(seed)
      const counts = Array.from({ length: 50 }, () => Math.floor(rand() ** 3 * 5_000_000))
      expect(rleCountsFromString(rleCountsToString(counts))).toEqual(counts)
    }
    expect(() => rleCountsFromString('23 4')).toThrow(/at 2/)
  })

  it('moves masks between whole-image and box-relative form', () => {
    const image = { width: 10, height: 8, data: new Uint8Array(80) }
    for (const [x, y] of [
      [3, 2],
      [4, 2],
      [4, 5],
    ] as const)
      image.data[y * 10 + x] = 1
    const shape = imageRleToShape(bitmapToRle(image))
    expect(shape?.box).toEqual({ x1: 3, y1: 2, x2: 5, y2: 6 })
    expect(shape?.rle.size).toEqual([4, 2])
    expect(shapeRleToImage(shape!.rle, shape!.box, 10, 8)).toEqual(bitmapToRle(image))
    expect(imageRleToShape({ size: [2, 2], counts: [4] })).toBeNull()
  })
})
