// A small PNG encoder for tests and benchmarks: any colour type and bit depth, a chosen filter
// per scanline, optional Adam7 interlacing, IDAT split into chunks of a chosen size. Written from
// the PNG specification, independently of the decoder it tests.

import { zlibSync } from 'fflate'

export interface PngSpec {
  width: number
  height: number
  colorType: 0 | 2 | 3 | 4 | 6
  bitDepth: 1 | 2 | 4 | 8 | 16
  /** Samples in row-major order, `channels` per pixel (1 grey, 3 RGB, 1 index, 2 grey+alpha, 4 RGBA). */
  samples: Uint8Array | Uint16Array
  /** PLTE data (RGB triples). */
  palette?: Uint8Array
  /** tRNS data as stored. */
  transparency?: Uint8Array
  interlaced?: boolean
  /** Filter type of scanline `row` of `pass` (0 without interlacing); default cycles 0–4. */
  filter?: (row: number, pass: number) => number
  /** Bytes per IDAT chunk (default: one chunk). */
  idatSize?: number
  /** zlib level (default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
}

export const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 255]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]

/** One chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  out.set(be32(data.length), 0)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  out.set(be32(crc32(out.subarray(4, 8 + data.length))), 8 + data.length)
  return out
}

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Packs one row of samples (for `xs` columns) into scanline bytes at the spec's bit depth. */
function packRow(spec: PngSpec, y: number, xs: number[]): Uint8Array {
  const channels = CHANNELS[spec.colorType]
  const bits = spec.bitDepth
  const out = new Uint8Array(Math.ceil((xs.length * channels * bits) / 8))
  let bit = 0
  for (const x of xs) {
    for (let c = 0; c < channels; c++) {
      const v = spec.samples[(y * spec.width + x) * channels + c]!
      if (bits === 16) {
        out[bit >> 3] = v >> 8
        out[(bit >> 3) + 1] = v & 255
      } else if (bits === 8) {
        out[bit >> 3] = v
      } else {
        out[bit >> 3]! |= v << (8 - bits - (bit & 7))
      }
      bit += bits
    }
  }
  return out
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  if (pa <= pb && pa <= pc) return a
  return pb <= pc ? b : c
}

/** Filters `raw` (the row above is `prev`, null for a pass's first row) with filter `type`. */
export function filterScanline(
  type: number,
  raw: Uint8Array,
  prev: Uint8Array | null,
  bpp: number,
): Uint8Array {
  const out = new Uint8Array(raw.length + 1)
  out[0] = type
  for (let i = 0; i < raw.length; i++) {
    const left = i >= bpp ? raw[i - bpp]! : 0
    const up = prev ? prev[i]! : 0
    const upLeft = prev && i >= bpp ? prev[i - bpp]! : 0
    const predictor =
      type === 0
        ? 0
        : type === 1
          ? left
          : type === 2
            ? up
            : type === 3
              ? (left + up) >> 1
              : paeth(left, up, upLeft)
    out[i + 1] = (raw[i]! - predictor) & 255
  }
  return out
}

const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
]

/** The filtered scanlines (filter bytes included) of the whole image, before compression. */
export function pngScanlines(spec: PngSpec): Uint8Array {
  const { width, height } = spec
  const bpp = Math.max(1, (CHANNELS[spec.colorType] * spec.bitDepth) >> 3)
  const filter = spec.filter ?? ((row: number) => row % 5)
  const passes = spec.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const)
  const parts: Uint8Array[] = []
  passes.forEach(([x0, y0, dx, dy], p) => {
    const xs: number[] = []
    for (let x = x0; x < width; x += dx) xs.push(x)
    if (xs.length === 0) return
    let prev: Uint8Array | null = null
    for (let y = y0, row = 0; y < height; y += dy, row++) {
      const raw = packRow(spec, y, xs)
      parts.push(filterScanline(filter(row, spec.interlaced ? p + 1 : 0), raw, prev, bpp))
      prev = raw
    }
  })
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** IHDR data for the spec. */
export function ihdr(
  spec: Pick<PngSpec, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlaced'>,
): Uint8Array {
  return new Uint8Array([
    ...be32(spec.width),
    ...be32(spec.height),
    spec.bitDepth,
    spec.colorType,
    0,
    0,
    spec.interlaced ? 1 : 0,
  ])
}

/** Assembles a PNG file from the spec and its compressed image data. */
export function assemblePng(spec: PngSpec, zlib: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [PNG_SIGNATURE, pngChunk('IHDR', ihdr(spec))]
  chunks.push(
    pngChunk(
      'tEXt',
      Uint8Array.from('Software\0loupe png-testing', (c) => c.charCodeAt(0)),
    ),
  )
  if (spec.palette) chunks.push(pngChunk('PLTE', spec.palette))
  if (spec.transparency) chunks.push(pngChunk('tRNS', spec.transparency))
  const size = spec.idatSize ?? Math.max(1, zlib.length)
  for (let at = 0; at < zlib.length; at += size)
    chunks.push(pngChunk('IDAT', zlib.subarray(at, at + size)))
  chunks.push(pngChunk('IEND', new Uint8Array(0)))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/** The PNG file for a spec. */
export function encodePng(spec: PngSpec): Uint8Array {
  return assemblePng(spec, zlibSync(pngScanlines(spec), { level: spec.level ?? 6 }))
}
