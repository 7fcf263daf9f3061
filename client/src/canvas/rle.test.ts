import { describe, expect, it } from 'vitest'
import { decodeRle, encodeRle, rleAt } from './rle'

describe('RLE', () => {
  it('decodes COCO column-major counts into row-major bytes', () => {
    // h = 2, w = 3; column-major: col0 = [0,1], col1 = [1,1], col2 = [0,0]
    const m = { size: [2, 3] as [number, number], counts: [1, 3, 2] }
    expect([...decodeRle(m)]).toEqual([0, 255, 0, 255, 255, 0])
    expect(rleAt(m, 0, 0)).toBe(false)
    expect(rleAt(m, 0, 1)).toBe(true)
    expect(rleAt(m, 1, 0)).toBe(true)
    expect(rleAt(m, 2, 1)).toBe(false)
    expect(rleAt(m, 3, 0)).toBe(false)
  })

  it('round-trips through encode, starting with a zero-length run when set first', () => {
    const px = [1, 0, 1, 1, 1, 0]
    const m = encodeRle(px, 2, 3)
    expect(m.counts[0]).toBe(0)
    expect([...decodeRle(m)].map((v) => (v ? 1 : 0))).toEqual(px)
    for (let x = 0; x < 3; x++)
      for (let y = 0; y < 2; y++) expect(rleAt(m, x, y)).toBe(px[y * 3 + x] === 1)
  })
})
