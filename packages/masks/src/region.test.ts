import { describe, expect, it } from 'vitest'
import {
  bitmapToRle,
  boxRleToImageRle,
  imageRleToBoxRle,
  imageRleToShape,
  shapeRleToImage,
  type Bitmap,
} from './index'

function seeded(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

function randomBitmap(width: number, height: number, seed: number, density = 0.3): Bitmap {
  const rand = seeded(seed)
  const data = new Uint8Array(width * height)
  for (let i = 0; i < data.length; i++) data[i] = rand() < density ? 1 : 0
  return { width, height, data }
}

describe('box ↔ image RLE without bitmaps', () => {
  it('agrees with the bitmap-based conversions on random masks', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = seeded(seed * 7)
      const width = 1 + Math.floor(rand() * 30)
      const height = 1 + Math.floor(rand() * 30)
      const image = bitmapToRle(randomBitmap(width, height, seed, rand() * 0.6))
      const fast = imageRleToBoxRle(image)
      const slow = imageRleToShape(image)
      expect(fast).toEqual(slow)
      if (!fast) continue
      expect(boxRleToImageRle(fast.rle, fast.box, width, height)).toEqual(image)
      expect(boxRleToImageRle(fast.rle, fast.box, width, height)).toEqual(
        shapeRleToImage(fast.rle, fast.box, width, height),
      )
    }
  })

  it('clips a box that reaches past the image', () => {
    const local = bitmapToRle({ width: 3, height: 2, data: Uint8Array.from([1, 1, 1, 1, 1, 1]) })
    const box = { x1: -1, y1: 1, x2: 2, y2: 3 }
    expect(boxRleToImageRle(local, box, 2, 2)).toEqual(shapeRleToImage(local, box, 2, 2))
    expect(boxRleToImageRle(local, box, 2, 2)).toEqual({ size: [2, 2], counts: [1, 1, 1, 1] })
  })

  it('finds no box in an empty mask', () => {
    expect(imageRleToBoxRle({ size: [4, 5], counts: [20] })).toBeNull()
  })

  it('handles runs that span several columns', () => {
    // 3 × 3 image, pixels 2..6 (column-major) set: (0,2), (1,0..2), (2,0)
    const image = { size: [3, 3] as [number, number], counts: [2, 5, 2] }
    const shape = imageRleToBoxRle(image)
    expect(shape?.box).toEqual({ x1: 0, y1: 0, x2: 3, y2: 3 })
    expect(shape?.rle).toEqual(image)
  })
})
