/**
 * Real, decodable image files built byte by byte for the tests (no binary fixtures to trust).
 */
import { crc32, deflateSync } from 'node:zlib'

const u32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}
const u16 = (n: number) => {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n)
  return b
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data])
  return Buffer.concat([u32(data.length), typeAndData, u32(crc32(typeAndData))])
}

/** An RGB PNG of one colour; `seed` changes the colour, hence the bytes and the hash. */
export function png(width: number, height: number, seed = 0): Buffer {
  const rgb = [seed & 0xff, (seed >> 8) & 0xff, 200]
  const row = Buffer.alloc(1 + width * 3)
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3)
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  const header = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

const segment = (marker: number, body: Buffer) =>
  Buffer.concat([Buffer.from([0xff, marker]), u16(body.length + 2), body])

/**
 * A baseline greyscale JPEG, mid-grey: every 8×8 block is DC difference 0 then end-of-block, with
 * one-symbol Huffman tables, so the entropy data is two zero bits per block. `orientation` adds an
 * EXIF APP1 segment with that orientation tag.
 */
export function jpeg(width: number, height: number, orientation?: number): Buffer {
  const parts = [Buffer.from([0xff, 0xd8])]
  parts.push(segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')))
  if (orientation !== undefined) {
    const tiff = Buffer.concat([
      Buffer.from('MM\0\x2a', 'latin1'),
      u32(8),
      u16(1),
      Buffer.concat([u16(0x0112), u16(3), u32(1), u16(orientation), u16(0)]),
      u32(0),
    ])
    parts.push(segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])))
  }
  parts.push(segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])))
  parts.push(
    segment(
      0xc0,
      Buffer.concat([Buffer.from([8]), u16(height), u16(width), Buffer.from([1, 1, 0x11, 0])]),
    ),
  )
  const oneSymbolTable = (tableClassAndId: number) =>
    segment(
      0xc4,
      Buffer.concat([Buffer.from([tableClassAndId, 1]), Buffer.alloc(15), Buffer.from([0])]),
    )
  parts.push(oneSymbolTable(0x00), oneSymbolTable(0x10))
  parts.push(segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])))
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8)
  const bits = blocks * 2
  const data = Buffer.alloc(Math.ceil(bits / 8))
  const padding = data.length * 8 - bits
  if (padding > 0) data[data.length - 1] = (1 << padding) - 1
  parts.push(data, Buffer.from([0xff, 0xd9]))
  return Buffer.concat(parts)
}

/** The classic 1×1 transparent GIF89a. */
export const gif1x1 = Buffer.from(
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
  'base64',
)

/** A 24-bit uncompressed BMP of one colour. */
export function bmp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4
  const pixels = Buffer.alloc(rowBytes * height, 0x80)
  const le32 = (n: number) => {
    const b = Buffer.alloc(4)
    b.writeInt32LE(n)
    return b
  }
  const le16 = (n: number) => {
    const b = Buffer.alloc(2)
    b.writeUInt16LE(n)
    return b
  }
  const info = Buffer.concat([
    le32(40),
    le32(width),
    le32(height),
    le16(1),
    le16(24),
    le32(0),
    le32(pixels.length),
    le32(2835),
    le32(2835),
    le32(0),
    le32(0),
  ])
  const fileSize = 14 + info.length + pixels.length
  const header = Buffer.concat([
    Buffer.from('BM', 'ascii'),
    le32(fileSize),
    le32(0),
    le32(14 + info.length),
  ])
  return Buffer.concat([header, info, pixels])
}
