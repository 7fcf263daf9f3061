import { describe, expect, it } from 'vitest'
import { contains, regionAround, shiftPath } from './regions'

describe('windows of large images for the wand and the live wire', () => {
  const huge = { width: 16_000, height: 12_000 }

  it('centres the window on the points and keeps it inside the image', () => {
    expect(regionAround([{ x: 8000, y: 6000 }], huge)).toEqual({
      x: 6976,
      y: 4976,
      width: 2048,
      height: 2048,
    })
    expect(regionAround([{ x: 10, y: 11_990 }], huge)).toEqual({
      x: 0,
      y: 12_000 - 2048,
      width: 2048,
      height: 2048,
    })
    const both = regionAround(
      [
        { x: 1000, y: 1000 },
        { x: 2000, y: 1500 },
      ],
      huge,
    )
    expect(contains(both, { x: 1000, y: 1000 }) && contains(both, { x: 2000, y: 1500 })).toBe(true)
    expect(regionAround([{ x: 5, y: 5 }], { width: 300, height: 200 })).toEqual({
      x: 0,
      y: 0,
      width: 300,
      height: 200,
    })
  })

  it('shifts paths back into image pixels', () => {
    expect(shiftPath([0, 0, 3, 4], { x: 100, y: 200 })).toEqual([100, 200, 103, 204])
  })
})
