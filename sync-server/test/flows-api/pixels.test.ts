import { describe, expect, it } from 'vitest'
import { decodeRgb, orientUpright } from '../../src/flows/builtin/pixels'
import { jpeg, png } from '../api/image-bytes'

describe('auto-annotate pixels', () => {
  it('decodes JPEG as well as PNG, upright by EXIF orientation', () => {
    const upright = decodeRgb(jpeg(16, 8))
    expect(upright).toMatchObject({ width: 16, height: 8 })
    // mid-grey everywhere
    expect(Math.abs(upright!.rgb[0]! - 128)).toBeLessThanOrEqual(2)
    expect(decodeRgb(jpeg(16, 8, 6))).toMatchObject({ width: 8, height: 16 })
    expect(decodeRgb(png(5, 3))).toMatchObject({ width: 5, height: 3 })
    expect(decodeRgb(new Uint8Array([0x47, 0x49, 0x46, 0x38]))).toBeNull()
  })

  it('turns stored pixels the way each orientation displays them', () => {
    // 3 × 2 stored, pixel value = its index (red channel only)
    const stored = { width: 3, height: 2, rgb: new Uint8Array(18) }
    for (let i = 0; i < 6; i++) stored.rgb[i * 3] = i
    const red = (img: { width: number; rgb: Uint8Array }) =>
      Array.from({ length: img.rgb.length / 3 }, (_, i) => img.rgb[i * 3])
    // stored:  0 1 2
    //          3 4 5
    expect(red(orientUpright(stored, 1))).toEqual([0, 1, 2, 3, 4, 5])
    expect(red(orientUpright(stored, 2))).toEqual([2, 1, 0, 5, 4, 3])
    expect(red(orientUpright(stored, 3))).toEqual([5, 4, 3, 2, 1, 0])
    // 6 = rotate 90° clockwise: 2 wide, 3 high
    const cw = orientUpright(stored, 6)
    expect(cw.width).toBe(2)
    expect(red(cw)).toEqual([3, 0, 4, 1, 5, 2])
    // 8 = rotate 90° counter-clockwise
    expect(red(orientUpright(stored, 8))).toEqual([2, 5, 1, 4, 0, 3])
  })
})
