import { describe, expect, it } from 'vitest'
import { bitmapToRle, cvatRleToRle, rleToBitmap, rleToCvatRle, type Bitmap } from './index'

function seeded(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

/** CVAT's encoding, straight from its definition: row-major runs starting with zeros. */
function cvatCounts(bitmap: Bitmap): number[] {
  const counts: number[] = []
  let on = false
  let run = 0
  for (const v of bitmap.data) {
    if ((v !== 0) !== on) {
      counts.push(run)
      run = 0
      on = !on
    }
    run++
  }
  counts.push(run)
  return counts
}

describe('CVAT mask RLE', () => {
  it('reads row-major counts into column-major COCO RLE', () => {
    // 2 rows × 3 columns: row 0 = 0 1 1, row 1 = 1 0 0
    const rle = cvatRleToRle([1, 3, 2], 3, 2)
    expect(rle).toEqual({ size: [2, 3], counts: [1, 2, 1, 1, 1] })
    expect(rleToBitmap(rle).data).toEqual(Uint8Array.from([0, 1, 1, 1, 0, 0]))
    expect(rleToCvatRle(rle)).toEqual([1, 3, 2])
  })

  it('treats counts that stop short as zeros and rejects counts past the box', () => {
    expect(cvatRleToRle([0, 2], 2, 2)).toEqual({ size: [2, 2], counts: [0, 1, 1, 1, 1] })
    expect(() => cvatRleToRle([0, 5], 2, 2)).toThrow(/more than 2 × 2 = 4 pixels/)
    expect(() => cvatRleToRle([1, -1], 2, 2)).toThrow(/counts\[1\]/)
  })

  it('matches bitmap encodings on random masks, both ways', () => {
    for (let seed = 1; seed < 40; seed++) {
      const rand = seeded(seed)
      const width = 1 + Math.floor(rand() * 17)
      const height = 1 + Math.floor(rand() * 13)
      const density = rand()
      const data = new Uint8Array(width * height)
      for (let i = 0; i < data.length; i++) data[i] = rand() < density ? 1 : 0
      const bitmap = { width, height, data }
      const coco = bitmapToRle(bitmap)
      const cvat = cvatCounts(bitmap)
      expect(cvatRleToRle(cvat, width, height)).toEqual(coco)
      expect(rleToCvatRle(coco)).toEqual(cvat)
    }
  })
})
