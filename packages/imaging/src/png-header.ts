// The PNG header (IHDR) and the geometry it implies: bytes per scanline, Adam7 passes.

import { PngDecodeError, PngErrorCode } from './png-error'

export interface PngHeader {
  width: number
  height: number
  /** Bits per sample (per palette index for colour type 3): 1, 2, 4, 8 or 16. */
  bitDepth: number
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number
  interlaced: boolean
}

/** Largest width or height decoded (as `probeImage` accepts): 2^20 pixels. */
export const PNG_MAX_SIDE = 1 << 20

/** Samples per pixel of each colour type, and the bit depths the format allows for it. */
const COLOR_TYPES: Record<number, { channels: number; depths: readonly number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
}

const u32 = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0

/** The header from IHDR's 13 data bytes; a PngDecodeError (bad-header) for any invalid field. */
export function parsePngHeader(data: Uint8Array): PngHeader {
  const fail = (problem: string) =>
    new PngDecodeError(PngErrorCode.badHeader, problem, { chunk: 'IHDR' })
  if (data.length !== 13) throw fail(`IHDR is ${data.length} bytes, expected 13`)
  const width = u32(data, 0)
  const height = u32(data, 4)
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13)
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    throw fail(`invalid size ${width}x${height}`)
  if (width > PNG_MAX_SIDE || height > PNG_MAX_SIDE) {
    throw new PngDecodeError(
      PngErrorCode.tooLarge,
      `${width}x${height} is larger than ${PNG_MAX_SIDE} pixels on a side`,
      { chunk: 'IHDR' },
    )
  }
  const type = COLOR_TYPES[colorType!]
  if (!type) throw fail(`invalid colour type ${colorType} (expected 0, 2, 3, 4 or 6)`)
  if (!type.depths.includes(bitDepth!))
    throw fail(`bit depth ${bitDepth} is not allowed with colour type ${colorType}`)
  if (compression !== 0) throw fail(`unknown compression method ${compression}`)
  if (filter !== 0) throw fail(`unknown filter method ${filter}`)
  if (interlace !== 0 && interlace !== 1) throw fail(`unknown interlace method ${interlace}`)
  return { width, height, bitDepth: bitDepth!, colorType: colorType!, interlaced: interlace === 1 }
}

/** Samples per pixel (1 for a palette index). */
export const channelsOf = (header: PngHeader): number => COLOR_TYPES[header.colorType]!.channels

/** The "bpp" of the filters: bytes per complete pixel, at least 1. */
export const filterStride = (header: PngHeader): number =>
  Math.max(1, (channelsOf(header) * header.bitDepth) >> 3)

/** Bytes of a scanline of `width` pixels, without its filter-type byte. */
export const scanlineBytes = (header: PngHeader, width: number): number =>
  Math.ceil((width * channelsOf(header) * header.bitDepth) / 8)

/** One pass of the image: the pixels at (x0 + i·dx, y0 + j·dy), `width` × `height` of them. */
export interface PngPass {
  /** 1–7 for Adam7 passes, 0 for a non-interlaced image (one pass of every pixel). */
  index: number
  x0: number
  y0: number
  dx: number
  dy: number
  width: number
  height: number
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const

/** The passes holding the image's pixels in file order; empty Adam7 passes are left out. */
export function pngPasses(header: PngHeader): PngPass[] {
  const { width, height } = header
  if (!header.interlaced) return [{ index: 0, x0: 0, y0: 0, dx: 1, dy: 1, width, height }]
  return ADAM7.map(([x0, y0, dx, dy], i) => ({
    index: i + 1,
    x0,
    y0,
    dx,
    dy,
    width: Math.ceil((width - x0) / dx),
    height: Math.ceil((height - y0) / dy),
  })).filter((pass) => pass.width > 0 && pass.height > 0)
}
