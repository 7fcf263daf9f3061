import { decode, encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { vocColor, type Rgb } from './labelmap'
import { decodeIndexPng, encodeIndexPng } from './segmentation'

describe('segmentation PNGs', () => {
  it('writes 8-bit palette PNGs of indexes and reads them back', () => {
    const data = new Uint8Array([0, 1, 2, 255, 1, 1, 0, 0])
    const palette = Array.from({ length: 256 }, (_, i) => vocColor(i))
    const bytes = encodeIndexPng({ width: 4, height: 2, data }, palette)
    const png = decode(bytes)
    expect([png.width, png.height, png.depth, png.channels]).toEqual([4, 2, 8, 1])
    expect([...png.data]).toEqual([...data])
    expect(png.palette![255]).toEqual([...vocColor(255)])
    expect([...decodeIndexPng('a.png', bytes, palette).data]).toEqual([...data])
  })

  it('reads packed 1-, 2- and 4-bit palette and grey PNGs as indexes', () => {
    const values = [0, 1, 1, 0, 1]
    for (const depth of [1, 2, 4] as const) {
      // one row, pixels packed from the high bits, the last byte padded with zeros
      const packed = new Uint8Array(Math.ceil((values.length * depth) / 8))
      values.forEach((v, x) => {
        packed[Math.floor((x * depth) / 8)]! |= v << (8 - depth - ((x * depth) % 8))
      })
      for (const palette of [
        undefined,
        [
          [0, 0, 0],
          [255, 0, 0],
        ],
      ]) {
        const bytes = encode({ width: 5, height: 1, data: packed, depth, channels: 1, palette })
        expect([...decodeIndexPng('a.png', bytes, []).data], `depth ${depth}`).toEqual(values)
      }
    }
  })

  it('maps RGB pixels back to indexes through the colors, void included', () => {
    const colors: Rgb[] = [vocColor(0), [10, 20, 30], vocColor(2)]
    const rgb = [...colors[0]!, ...colors[1]!, ...vocColor(255), ...colors[2]!]
    const bytes = encode({ width: 4, height: 1, data: new Uint8Array(rgb), depth: 8, channels: 3 })
    expect([...decodeIndexPng('a.png', bytes, colors).data]).toEqual([0, 1, 255, 2])
  })

  it('names the file of a PNG it cannot read', () => {
    expect(() => decodeIndexPng('SegmentationClass/a.png', new Uint8Array([1, 2, 3]), [])).toThrow(
      /^SegmentationClass\/a\.png: expected a PNG image \(/,
    )
  })
})
