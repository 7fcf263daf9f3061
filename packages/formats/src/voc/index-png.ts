// Fast paths for the PNGs of segmentation masks, which are large (image-sized) and mostly one
// value: fast-png writes and reads them a byte at a time (~0.2 s for a 1920 × 1080 image here),
// these handle whole rows (a few ms). Encoding writes 8-bit palette PNGs with no row filters;
// decoding handles non-interlaced 8-bit grey, RGB, palette, grey+alpha and RGBA images and
// leaves everything else (other bit depths, interlacing) to fast-png.

import { unzlibSync, zlibSync } from 'fflate'
import { decode } from 'fast-png'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length))
  return out
}

/** An 8-bit palette PNG: `data` holds one palette index per pixel, row-major. */
export function encodePalettePng(
  width: number,
  height: number,
  data: Uint8Array,
  palette: readonly (readonly [number, number, number])[],
): Uint8Array {
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  header[8] = 8 // bit depth
  header[9] = 3 // colour type: palette
  const plte = new Uint8Array(palette.length * 3)
  palette.forEach((color, i) => plte.set(color, i * 3))
  const raw = new Uint8Array((width + 1) * height)
  for (let y = 0; y < height; y++) {
    // filter byte 0 (none), then the row
    raw.set(data.subarray(y * width, (y + 1) * width), y * (width + 1) + 1)
  }
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk('IHDR', header),
    chunk('PLTE', plte),
    // level 3: the fastest here for large, mostly uniform masks (and as small as level 6)
    chunk('IDAT', zlibSync(raw, { level: 3 })),
    chunk('IEND', new Uint8Array(0)),
  ]
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

export interface DecodedPixels {
  width: number
  height: number
  /** Samples per pixel in `data`: 1 (grey or palette index), 2, 3 or 4. */
  channels: number
  /** Whether the single channel is a palette index. */
  indexed: boolean
  /** Bits per sample: 8, except from the fallback (1, 2, 4 packed per row, or 16). */
  depth: number
  /** 8-bit samples, row-major. */
  data: Uint8Array
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Decodes a PNG into 8-bit samples; throws (with fast-png's message) on a broken file. */
export function decodePixels(bytes: Uint8Array): DecodedPixels {
  const fallback = (): DecodedPixels => {
    const png = decode(bytes)
    return {
      width: png.width,
      height: png.height,
      channels: png.channels,
      indexed: png.palette !== undefined,
      depth: png.depth,
      data: png.data as Uint8Array,
    }
  }
  if (bytes.length < 33 || !SIGNATURE.every((b, i) => bytes[i] === b)) return fallback()
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const width = view.getUint32(16)
  const height = view.getUint32(20)
  const depth = bytes[24]!
  const colorType = bytes[25]!
  const interlace = bytes[28]!
  const channels = CHANNELS[colorType]
  if (depth !== 8 || interlace !== 0 || channels === undefined) return fallback()
  // gather the IDAT chunks
  const idat: Uint8Array[] = []
  let at = 8
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at)
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!)
    if (at + 12 + length > bytes.length) return fallback()
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length))
    if (type === 'IEND') break
    at += 12 + length
  }
  let compressed: Uint8Array
  if (idat.length === 1) compressed = idat[0]!
  else {
    compressed = new Uint8Array(idat.reduce((n, part) => n + part.length, 0))
    let offset = 0
    for (const part of idat) {
      compressed.set(part, offset)
      offset += part.length
    }
  }
  let raw: Uint8Array
  try {
    raw = unzlibSync(compressed)
  } catch {
    return fallback()
  }
  const stride = width * channels
  if (raw.length < (stride + 1) * height) return fallback()
  const data = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const src = y * (stride + 1) + 1
    const row = y * stride
    const prev = row - stride
    switch (filter) {
      case 0:
        data.set(raw.subarray(src, src + stride), row)
        break
      case 1:
        for (let i = 0; i < stride; i++) {
          data[row + i] = (raw[src + i]! + (i >= channels ? data[row + i - channels]! : 0)) & 0xff
        }
        break
      case 2:
        for (let i = 0; i < stride; i++)
          data[row + i] = (raw[src + i]! + (y > 0 ? data[prev + i]! : 0)) & 0xff
        break
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= channels ? data[row + i - channels]! : 0
          const up = y > 0 ? data[prev + i]! : 0
          data[row + i] = (raw[src + i]! + ((left + up) >> 1)) & 0xff
        }
        break
      case 4:
        for (let i = 0; i < stride; i++) {
          const left = i >= channels ? data[row + i - channels]! : 0
          const up = y > 0 ? data[prev + i]! : 0
          const corner = y > 0 && i >= channels ? data[prev + i - channels]! : 0
          data[row + i] = (raw[src + i]! + paeth(left, up, corner)) & 0xff
        }
        break
      default:
        return fallback()
    }
  }
  return { width, height, channels, indexed: colorType === 3, depth: 8, data }
}
