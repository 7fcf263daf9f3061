import { zlibSync } from 'fflate'
import { decode, encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { decodePixels, encodePalettePng } from './index-png'

/** Builds a PNG whose rows use the given filter types, from the raw pixel samples. */
function filteredPng(
  width: number,
  height: number,
  channels: number,
  samples: Uint8Array,
  filters: number[],
): Uint8Array {
  // start from a valid PNG of the same kind, then swap its IDAT for our filtered rows
  const base = encode({ width, height, data: samples, depth: 8, channels })
  const stride = width * channels
  const raw = new Uint8Array((stride + 1) * height)
  const at = (x: number, y: number) => (x < 0 || y < 0 ? 0 : samples[y * stride + x]!)
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length]!
    raw[y * (stride + 1)] = filter
    for (let i = 0; i < stride; i++) {
      const value = samples[y * stride + i]!
      const left = at(i - channels, y)
      const up = at(i, y - 1)
      const corner = i >= channels && y > 0 ? at(i - channels, y - 1) : 0
      const p = left + up - corner
      const predictor = [
        0,
        left,
        up,
        (left + up) >> 1,
        Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - corner)
          ? left
          : Math.abs(p - up) <= Math.abs(p - corner)
            ? up
            : corner,
      ][filter]!
      raw[y * (stride + 1) + 1 + i] = (value - predictor) & 0xff
    }
  }
  const idat = zlibSync(raw)
  // signature + IHDR (8 + 25 bytes) are kept; a fresh IDAT and IEND follow (CRCs unchecked by
  // decodePixels; fast-png checks them, so it only reads `base`)
  const out = new Uint8Array(33 + 12 + idat.length + 12)
  out.set(base.subarray(0, 33))
  const view = new DataView(out.buffer)
  view.setUint32(33, idat.length)
  out.set([73, 68, 65, 84], 37)
  out.set(idat, 41)
  view.setUint32(41 + idat.length + 4, 0)
  out.set([73, 69, 78, 68], 41 + idat.length + 8)
  return out
}

describe('index PNGs', () => {
  it('encodes palette PNGs that fast-png reads back', () => {
    const data = new Uint8Array([0, 1, 2, 255, 1, 1, 0, 0])
    const palette: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [
      i,
      0,
      255 - i,
    ])
    const png = decode(encodePalettePng(4, 2, data, palette))
    expect([png.width, png.height, png.depth, png.channels]).toEqual([4, 2, 8, 1])
    expect([...png.data]).toEqual([...data])
    expect(png.palette![255]).toEqual([255, 0, 0])
  })

  it('decodes every row filter of 8-bit RGB, grey and RGBA images', () => {
    for (const channels of [1, 3, 4]) {
      const width = 5
      const height = 6
      const samples = new Uint8Array(width * height * channels).map((_, i) => (i * 37 + 11) % 256)
      const png = filteredPng(width, height, channels, samples, [0, 1, 2, 3, 4])
      const decoded = decodePixels(png)
      expect([decoded.width, decoded.height, decoded.channels, decoded.depth]).toEqual([
        width,
        height,
        channels,
        8,
      ])
      expect([...decoded.data], `channels ${channels}`).toEqual([...samples])
    }
  })

  it('leaves other bit depths to fast-png', () => {
    const packed = encode({
      width: 3,
      height: 1,
      data: new Uint8Array([0b10100000]),
      depth: 1,
      channels: 1,
    })
    const decoded = decodePixels(packed)
    expect(decoded.depth).toBe(1)
    expect([...decoded.data]).toEqual([0b10100000])
  })
})
