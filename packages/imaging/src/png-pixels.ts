// Unfiltered scanline bytes → colour samples: RGB (opaque) or RGBA, 8-bit samples as bytes,
// 16-bit ones as 0–65535. Grey is spread to R = G = B; bit depths below 8 are scaled to 0–255
// (1 → 255, 2 → 85, 4 → 17 per step, as the PNG spec's exact scaling gives); palette indices
// become their PLTE colour and tRNS alpha; a tRNS colour key becomes alpha 0.

import { PngDecodeError, PngErrorCode } from './png-error'
import type { PngHeader } from './png-header'

/** A scanline's pixels as samples: `channels` per pixel, each 0..max. */
export interface PixelRow {
  samples: Uint8Array | Uint16Array
  /** 3 (opaque RGB) or 4 (RGBA, straight alpha). */
  channels: 3 | 4
}

export interface PixelFormat {
  channels: 3 | 4
  /** 255 for bit depths up to 8, 65535 for 16. */
  max: number
  /** The pixels of one unfiltered scanline of `width` pixels; valid until the next call. */
  read(line: Uint8Array, width: number): PixelRow
}

/** The palette and transparency chunks seen before the image data. */
export interface PngColourChunks {
  /** PLTE data: RGB triples. */
  palette?: Uint8Array
  /** tRNS data. */
  transparency?: Uint8Array
}

const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!

/**
 * How this image's scanlines read as RGB(A). Checks PLTE and tRNS against the header (a
 * PngDecodeError bad-chunk when their sizes do not fit it).
 */
export function pixelFormat(header: PngHeader, chunks: PngColourChunks): PixelFormat {
  const { bitDepth, colorType, width } = header
  const max = bitDepth === 16 ? 65535 : 255
  const trns = chunks.transparency
  // tRNS means nothing for types that carry alpha already (4, 6); it is ignored there.
  const keyed = trns !== undefined && (colorType === 0 || colorType === 2 || colorType === 3)
  const expectTrns = (bytes: number) => {
    if (keyed && trns.length !== bytes) {
      throw new PngDecodeError(
        PngErrorCode.badChunk,
        `tRNS is ${trns.length} bytes, expected ${bytes} for colour type ${colorType}`,
        { chunk: 'tRNS' },
      )
    }
  }
  const u8 = new Uint8Array(width * 4)
  const wide = new Uint16Array(width * 4)

  if (colorType === 3) return paletteFormat(header, chunks)

  if (colorType === 0) {
    expectTrns(2)
    const key = keyed ? u16(trns, 0) : -1
    const channels = keyed ? 4 : 3
    if (bitDepth === 16) {
      return {
        channels,
        max,
        read(line, w) {
          for (let i = 0, o = 0; i < w; i++, o += channels) {
            const v = u16(line, 2 * i)
            wide[o] = wide[o + 1] = wide[o + 2] = v
            if (channels === 4) wide[o + 3] = v === key ? 0 : max
          }
          return { samples: wide, channels }
        },
      }
    }
    const mask = (1 << bitDepth) - 1
    const scale = 255 / mask
    const perByte = 8 / bitDepth
    return {
      channels,
      max,
      read(line, w) {
        for (let i = 0, o = 0; i < w; i++, o += channels) {
          const byte = line[(i / perByte) | 0]!
          const v = (byte >> (8 - bitDepth * ((i % perByte) + 1))) & mask
          u8[o] = u8[o + 1] = u8[o + 2] = v * scale
          if (channels === 4) u8[o + 3] = v === key ? 0 : 255
        }
        return { samples: u8, channels }
      },
    }
  }

  if (colorType === 2) {
    expectTrns(6)
    if (!keyed && bitDepth === 8)
      return { channels: 3, max, read: (line) => ({ samples: line, channels: 3 }) }
    const [kr, kg, kb] = keyed ? [u16(trns, 0), u16(trns, 2), u16(trns, 4)] : [-1, -1, -1]
    const channels = keyed ? 4 : 3
    return {
      channels,
      max,
      read(line, w) {
        const out = bitDepth === 16 ? wide : u8
        for (let i = 0, o = 0; i < w; i++, o += channels) {
          let r: number, g: number, b: number
          if (bitDepth === 16) {
            r = u16(line, 6 * i)
            g = u16(line, 6 * i + 2)
            b = u16(line, 6 * i + 4)
          } else {
            r = line[3 * i]!
            g = line[3 * i + 1]!
            b = line[3 * i + 2]!
          }
          out[o] = r
          out[o + 1] = g
          out[o + 2] = b
          if (channels === 4) out[o + 3] = r === kr && g === kg && b === kb ? 0 : max
        }
        return { samples: out, channels }
      },
    }
  }

  if (colorType === 4) {
    return {
      channels: 4,
      max,
      read(line, w) {
        if (bitDepth === 16) {
          for (let i = 0, o = 0; i < w; i++, o += 4) {
            wide[o] = wide[o + 1] = wide[o + 2] = u16(line, 4 * i)
            wide[o + 3] = u16(line, 4 * i + 2)
          }
          return { samples: wide, channels: 4 }
        }
        for (let i = 0, o = 0; i < w; i++, o += 4) {
          u8[o] = u8[o + 1] = u8[o + 2] = line[2 * i]!
          u8[o + 3] = line[2 * i + 1]!
        }
        return { samples: u8, channels: 4 }
      },
    }
  }

  // colour type 6
  if (bitDepth === 8) return { channels: 4, max, read: (line) => ({ samples: line, channels: 4 }) }
  return {
    channels: 4,
    max,
    read(line, w) {
      for (let i = 0; i < 4 * w; i++) wide[i] = u16(line, 2 * i)
      return { samples: wide, channels: 4 }
    },
  }
}

function paletteFormat(header: PngHeader, { palette, transparency }: PngColourChunks): PixelFormat {
  const { bitDepth, width } = header
  if (!palette) {
    throw new PngDecodeError(PngErrorCode.badChunk, 'colour type 3 image without a PLTE chunk', {
      chunk: 'IDAT',
    })
  }
  const entries = palette.length / 3
  if (transparency && transparency.length > entries) {
    throw new PngDecodeError(
      PngErrorCode.badChunk,
      `tRNS has ${transparency.length} entries, more than the palette's ${entries}`,
      { chunk: 'tRNS' },
    )
  }
  const channels = transparency ? 4 : 3
  const lut = new Uint8Array(256 * 4)
  for (let i = 0; i < entries; i++) {
    lut.set(palette.subarray(3 * i, 3 * i + 3), 4 * i)
    lut[4 * i + 3] = transparency?.[i] ?? 255
  }
  const out = new Uint8Array(width * channels)
  const mask = (1 << bitDepth) - 1
  const perByte = 8 / bitDepth
  return {
    channels,
    max: 255,
    read(line, w) {
      for (let i = 0, o = 0; i < w; i++, o += channels) {
        const index =
          bitDepth === 8
            ? line[i]!
            : (line[(i / perByte) | 0]! >> (8 - bitDepth * ((i % perByte) + 1))) & mask
        if (index >= entries) {
          throw new PngDecodeError(
            PngErrorCode.badPixel,
            `pixel ${i} names palette entry ${index}, the palette has ${entries}`,
          )
        }
        out[o] = lut[4 * index]!
        out[o + 1] = lut[4 * index + 1]!
        out[o + 2] = lut[4 * index + 2]!
        if (channels === 4) out[o + 3] = lut[4 * index + 3]!
      }
      return { samples: out, channels }
    },
  }
}
