import { describe, expect, it } from 'vitest'
import { PngDecodeError } from '@loupe/imaging'
import { modelInputSize } from '@loupe/sam'
import { encodePng, type PngSpec } from '../../packages/imaging/src/png-testing/encode-png'
import {
  referencePixels,
  referenceResize,
  seededRandom,
} from '../../packages/imaging/src/png-testing/reference'
import { decodeForEncoder, encoderDecodePlan, readImageInfo } from './sam-image-decode'

const u16 = (n: number) => [(n >> 8) & 255, n & 255]
const u32 = (n: number) => [(n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]

/** A PNG's signature and IHDR chunk (all a header reader needs; no pixels behind them). */
function pngHeader(width: number, height: number): Uint8Array {
  const ihdr = [...u32(width), ...u32(height), 8, 6, 0, 0, 0]
  return new Uint8Array([
    ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    ...u32(13),
    ...[0x49, 0x48, 0x44, 0x52],
    ...ihdr,
    ...u32(0), // CRC (not checked by header readers)
  ])
}

/**
 * A JPEG's markers up to its frame header: EXIF orientation `orientation`, then `padding` bytes
 * of APP2 segments (an ICC profile, say), then SOF0 with the stored size.
 */
function jpegHeader(width: number, height: number, orientation: number, padding = 0): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 0x2a, ...u32(8), ...u16(1), ...[0x01, 0x12, 0, 3], ...u32(1)]
  const exif = [...[0x45, 0x78, 0x69, 0x66, 0, 0], ...tiff, ...u16(orientation), 0, 0, ...u32(0)]
  const bytes = [0xff, 0xd8, 0xff, 0xe1, ...u16(exif.length + 2), ...exif]
  for (let left = padding; left > 0;) {
    const n = Math.min(left, 60_000)
    bytes.push(0xff, 0xe2, ...u16(n + 2), ...new Array<number>(n).fill(0x20))
    left -= n
  }
  const sof = [8, ...u16(height), ...u16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
  bytes.push(0xff, 0xc0, ...u16(sof.length + 2), ...sof, 0xff, 0xd9)
  return new Uint8Array(bytes)
}

const blobOf = (bytes: Uint8Array, type = '') =>
  new Blob([bytes as Uint8Array<ArrayBuffer>], { type })

describe('decoding images for the SAM encoder', () => {
  it('decodes a 16,000 × 12,000 image at SAM input size (longest side 1024), never whole', () => {
    const jpeg = encoderDecodePlan({ mime: 'image/jpeg', width: 16_000, height: 12_000 })
    expect(jpeg).toEqual({
      original: { width: 16_000, height: 12_000 },
      target: { width: 1024, height: 768 },
      via: 'jpeg-reduced',
    })
    // PNG has no reduced decode in browsers: streamed through the area-averaging decoder.
    const png = encoderDecodePlan({ mime: 'image/png', width: 16_000, height: 12_000 })
    expect(png.target).toEqual({ width: 1024, height: 768 })
    expect(png.via).toBe('png-stream')
    // A PNG no larger than the target (it is scaled up) and other formats: createImageBitmap.
    expect(encoderDecodePlan({ mime: 'image/png', width: 640, height: 480 }).via).toBe('bitmap')
    expect(encoderDecodePlan({ mime: 'image/png', width: 1024, height: 700 }).via).toBe('bitmap')
    expect(encoderDecodePlan({ mime: 'image/png', width: 1025, height: 3 }).via).toBe('png-stream')
    expect(encoderDecodePlan({ mime: 'image/webp', width: 16_000, height: 12_000 }).via).toBe(
      'bitmap',
    )
  })

  it('targets exactly what SAM preprocessing resizes to (so coordinates map back exactly)', () => {
    for (const [width, height] of [
      [12_000, 16_000],
      [4000, 3000],
      [1500, 1000],
      [1023, 7],
      [640, 480],
      [1, 1],
    ] as const) {
      const plan = encoderDecodePlan({ mime: 'image/jpeg', width, height })
      expect(plan.original).toEqual({ width, height })
      expect(plan.target).toEqual(modelInputSize({ width, height }))
      expect(Math.max(plan.target.width, plan.target.height)).toBe(1024)
      // A reduced decode only when the file is at least twice the target (JPEG scales by 1/2..1/8).
      expect(plan.via).toBe(width >= 2 * plan.target.width ? 'jpeg-reduced' : 'bitmap')
    }
  })

  it('reads the size from the header: PNG, and JPEG as displayed (EXIF quarter turn)', async () => {
    expect(await readImageInfo(blobOf(pngHeader(16_000, 12_000)))).toEqual({
      mime: 'image/png',
      width: 16_000,
      height: 12_000,
    })
    // Stored 16,000 × 12,000, orientation 6: displayed (and decoded by the browser) upright.
    const rotated = await readImageInfo(blobOf(jpegHeader(16_000, 12_000, 6)))
    expect(rotated).toMatchObject({ mime: 'image/jpeg', width: 12_000, height: 16_000 })
    expect(encoderDecodePlan(rotated!).target).toEqual({ width: 768, height: 1024 })
  })

  it('reads on past the first 64 KB when the metadata before the frame header is large', async () => {
    const bytes = jpegHeader(8000, 6000, 1, 200_000)
    expect(bytes.length).toBeGreaterThan(200_000)
    expect(await readImageInfo(blobOf(bytes, 'image/png'))).toMatchObject({
      mime: 'image/jpeg',
      width: 8000,
      height: 6000,
    })
  })

  it('is null for what is not an image header (the worker then decodes it whole)', async () => {
    expect(await readImageInfo(blobOf(new TextEncoder().encode('<html>not found</html>')))).toBe(
      null,
    )
    // A JPEG cut off before its frame header.
    expect(await readImageInfo(blobOf(jpegHeader(800, 600, 1).subarray(0, 30)))).toBe(null)
  })

  it('streams a PNG larger than the target from the blob, area-averaged to SAM input size', async () => {
    const random = seededRandom(3)
    const [width, height] = [1500, 1100]
    const samples = new Uint8Array(width * height * 4)
    for (let i = 0; i < samples.length; i++) {
      samples[i] = i % 4 === 3 ? 200 + random(56) : ((i >> 6) % 256) ^ random(16)
    }
    const spec: PngSpec = { width, height, colorType: 6, bitDepth: 8, samples, idatSize: 65536 }
    const png = encodePng(spec)
    const decoded = await decodeForEncoder(blobOf(png, 'image/png'))
    expect(decoded?.via).toBe('png-stream')
    expect(decoded?.original).toEqual({ width, height })
    const target = modelInputSize({ width, height })
    expect(target).toEqual({ width: 1024, height: 751 })
    expect([decoded!.pixels.width, decoded!.pixels.height]).toEqual([1024, 751])
    const { rgba, max } = referencePixels(spec)
    const want = referenceResize(rgba, width, height, max, target.width, target.height)
    let worst = 0
    for (let i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(want[i]! - decoded!.pixels.data[i]!))
    }
    expect(worst).toBeLessThanOrEqual(1)

    // A damaged file rejects with what and where, rather than giving pixels.
    const cut = png.subarray(0, png.length >> 1)
    const error = await decodeForEncoder(blobOf(cut)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PngDecodeError)
    expect((error as PngDecodeError).message).toMatch(/ends inside the IDAT chunk.*row \d+ of 1100/)
  })
})
