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

/** A row that a format hands out again and again (only its samples' contents change). */
const rowOf = (samples: Uint8Array | Uint16Array, channels: 3 | 4): PixelRow => ({
  samples,
  channels,
})

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
      const row = rowOf(wide, channels)
      return {
        channels,
        max,
        read(line, w) {
          for (let i = 0, o = 0; i < w; i++, o += channels) {
            const v = u16(line, 2 * i)
            wide[o] = wide[o + 1] = wide[o + 2] = v
            if (channels === 4) wide[o + 3] = v === key ? 0 : max
          }
          return row
        },
      }
    }
    const mask = (1 << bitDepth) - 1
    const scale = 255 / mask
    const perByte = 8 / bitDepth
    const row = rowOf(u8, channels)
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
        return row
      },
    }
  }

  if (colorType === 2) {
    expectTrns(6)
    if (!keyed && bitDepth === 8) {
      // The scanline's bytes are the samples.
      const row = rowOf(u8, 3)
      return {
        channels: 3,
        max,
        read(line) {
          row.samples = line
          return row
        },
      }
    }
    const [kr, kg, kb] = keyed ? [u16(trns, 0), u16(trns, 2), u16(trns, 4)] : [-1, -1, -1]
    const channels = keyed ? 4 : 3
    const out = bitDepth === 16 ? wide : u8
    const row = rowOf(out, channels)
    const step = bitDepth === 16 ? 2 : 1
    return {
      channels,
      max,
      read(line, w) {
        for (let i = 0, o = 0, at = 0; i < w; i++, o += channels, at += 3 * step) {
          const r = step === 2 ? u16(line, at) : line[at]!
          const g = step === 2 ? u16(line, at + 2) : line[at + 1]!
          const b = step === 2 ? u16(line, at + 4) : line[at + 2]!
          out[o] = r
          out[o + 1] = g
          out[o + 2] = b
          if (channels === 4) out[o + 3] = r === kr && g === kg && b === kb ? 0 : max
        }
        return row
      },
    }
  }

  if (colorType === 4) {
    const wideRow = rowOf(wide, 4)
    const u8Row = rowOf(u8, 4)
    return {
      channels: 4,
      max,
      read(line, w) {
        if (bitDepth === 16) {
          for (let i = 0, o = 0; i < w; i++, o += 4) {
            wide[o] = wide[o + 1] = wide[o + 2] = u16(line, 4 * i)
            wide[o + 3] = u16(line, 4 * i + 2)
          }
          return wideRow
        }
        for (let i = 0, o = 0; i < w; i++, o += 4) {
          u8[o] = u8[o + 1] = u8[o + 2] = line[2 * i]!
          u8[o + 3] = line[2 * i + 1]!
        }
        return u8Row
      },
    }
  }

  // colour type 6
  if (bitDepth === 8) {
    // The scanline's bytes are the samples.
    const row = rowOf(u8, 4)
    return {
      channels: 4,
      max,
      read(line) {
        row.samples = line
        return row
      },
    }
  }
  const row = rowOf(wide, 4)
  return {
    channels: 4,
    max,
    read(line, w) {
      for (let i = 0; i < 4 * w; i++) wide[i] = u16(line, 2 * i)
      return row
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
  const row = rowOf(out, channels)
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
      return row
    },
  }
}
