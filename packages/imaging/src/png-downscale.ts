// PNG → RGBA at a smaller size, reading the file once as a stream and never holding the image at
// its own size: chunks are parsed as bytes arrive, IDAT is inflated piece by piece (fflate's
// streaming Unzlib), scanlines are unfiltered against the one above, turned into RGB(A) and
// area-averaged into the output. Memory: the output, two scanlines, fflate's 32 KB window and
// what one piece of IDAT inflates to. A 16,000 × 12,000 PNG shrunk to 1024 × 768 needs a few MB
// where a full decode needs 768 MB.
//
// Adam7-interlaced files are decoded too: their passes visit the rows several times, so the
// output's sums are kept whole (32 bytes per output pixel, 25 MB at 1024 × 768) instead of a few
// rows of them.
//
// Not applied: gAMA, cHRM, iCCP, sRGB (samples are taken as they are stored, i.e. as sRGB) and
// sBIT. 16-bit samples are averaged at 16 bits, then rounded to 8. Averages are alpha-weighted.
//
// Damaged files throw a PngDecodeError saying what and where (chunk, byte offset, row): a file
// that ends early, IDAT data too short or too long for the image, invalid zlib data or a wrong
// zlib checksum, a bad filter type, a palette index past the palette, misplaced or misshapen
// chunks. Chunk CRCs are not checked; the zlib stream's Adler-32 is, so damaged image data
// cannot pass as pixels. A file that ends after its image data but before IEND is accepted.

import { Unzlib } from 'fflate'
import { AreaResizer, ScatteredAreaResizer, type Size } from './area-downscale'
import { PngChunkReader, type ChunkHandler, type PngChunk } from './png-chunks'
import { PngDecodeError, PngErrorCode, type PngErrorPlace } from './png-error'
import { PNG_MAX_SIDE, parsePngHeader, type PngHeader } from './png-header'
import { pixelFormat, type PixelFormat, type PngColourChunks } from './png-pixels'
import { ScanlineReader } from './png-scanlines'

/** The output size, or how to choose it from the image's size once the header is read. */
export type PngTarget = Size | ((image: Size) => Size)

export interface DownscaledPng {
  /** The output's size. */
  width: number
  height: number
  /** RGBA, straight alpha, row-major (ImageData's layout). */
  data: Uint8ClampedArray<ArrayBuffer>
  /** The file's header: its size, colour type, bit depth, interlacing. */
  header: PngHeader
}

/**
 * IDAT is handed to the inflater at most this many bytes at a time: what one push inflates to is
 * held at once, and deflate can expand 1,032-fold (a flat colour), so 8 KB bounds it to ~8 MB.
 */
const INFLATE_PIECE = 8 * 1024

/** Adler-32 over the inflated bytes, kept as they stream past. */
class Adler32 {
  private a = 1
  private b = 0
  update(bytes: Uint8Array): void {
    let { a, b } = this
    for (let i = 0; i < bytes.length;) {
      // 5552 bytes is the most that can be summed before b can overflow 2^32 (zlib's NMAX).
      const end = Math.min(bytes.length, i + 5552)
      for (; i < end; i++) {
        a += bytes[i]!
        b += a
      }
      a %= 65521
      b %= 65521
    }
    this.a = a
    this.b = b
  }
  get value(): number {
    return ((this.b << 16) | this.a) >>> 0
  }
}

/** The state of one image's data: inflater, scanlines, pixels, resizer. */
interface PixelPipeline {
  inflater: Unzlib
  scanlines: ScanlineReader
  adler: Adler32
  /** The last 4 bytes of IDAT data seen (the zlib stream's Adler-32, once it is all there). */
  tail: Uint8Array
  tailLength: number
  resizer: AreaResizer | ScatteredAreaResizer
  format: PixelFormat
  target: Size
  ended: boolean
}

const validSize = (size: Size) =>
  Number.isInteger(size.width) &&
  Number.isInteger(size.height) &&
  size.width >= 1 &&
  size.height >= 1 &&
  size.width <= PNG_MAX_SIDE &&
  size.height <= PNG_MAX_SIDE

/**
 * Decodes a PNG pushed to it in pieces into RGBA at a target size (area-averaged; best used to
 * shrink, where it is exact; a larger target repeats pixels). `push` the file's bytes in order,
 * then `finish`. Throws PngDecodeError for damaged files, from `push` as soon as the damage is
 * read, or from `finish` when the file ends early.
 */
export class PngDownscaleDecoder implements ChunkHandler {
  private readonly reader = new PngChunkReader(this)
  private header: PngHeader | null = null
  private readonly colours: PngColourChunks = {}
  private image: PixelPipeline | null = null
  private ended = false
  private chunkCount = 0
  private failure: unknown = null

  constructor(private readonly target: PngTarget) {}

  /** The header, once read. */
  get pngHeader(): PngHeader | null {
    return this.header
  }

  /** Reads the next bytes of the file. True once IEND has been read (the rest is not needed). */
  push(bytes: Uint8Array): boolean {
    if (this.failure) throw this.failure
    if (this.ended) return true
    try {
      this.reader.push(bytes)
    } catch (error) {
      const chunk = this.reader.current
      this.failure =
        error instanceof PngDecodeError && chunk
          ? error.at({ chunk: chunk.type, offset: chunk.offset })
          : error
      throw this.failure
    }
    return this.ended
  }

  /** The image, after the whole file (or up to IEND) has been pushed. */
  finish(): DownscaledPng {
    if (this.failure) throw this.failure
    try {
      this.checkComplete()
    } catch (error) {
      this.failure = error
      throw error
    }
    const { resizer, target } = this.image!
    const data = resizer instanceof AreaResizer ? resizer.output : resizer.finish()
    return { width: target.width, height: target.height, data, header: this.header! }
  }

  /** Whether the file held a whole image (IEND may be missing after complete image data). */
  private checkComplete(): void {
    if (this.ended) return
    const image = this.image
    const where = this.reader.describeEnd()
    if (!image) throw new PngDecodeError(PngErrorCode.truncated, `${where}, before any image data`)
    if (image.ended) return
    if (!image.scanlines.done) {
      throw new PngDecodeError(PngErrorCode.truncated, `${where}, before the image's last row`, {
        ...image.scanlines.place(),
        chunk: 'IDAT',
      })
    }
    try {
      this.endImageData(this.reader.position)
    } catch (error) {
      if (!(error instanceof PngDecodeError)) throw error
      throw new PngDecodeError(PngErrorCode.truncated, `${where} (${error.problem})`, error.place)
    }
  }

  // ChunkHandler

  /** @internal */
  start(chunk: PngChunk): 'gather' | 'stream' | 'skip' {
    const { type, length } = chunk
    const index = this.chunkCount++
    const fail = (code: PngErrorCode, problem: string) => new PngDecodeError(code, problem)
    if (index === 0 && type !== 'IHDR')
      throw fail(PngErrorCode.badChunk, `first chunk is ${type}, expected IHDR`)
    if (index > 0 && type === 'IHDR') throw fail(PngErrorCode.badChunk, 'a second IHDR chunk')
    const image = this.image
    if (image && !image.ended && type !== 'IDAT') this.endImageData(chunk.offset)
    switch (type) {
      case 'IHDR':
        if (length !== 13)
          throw fail(PngErrorCode.badHeader, `IHDR is ${length} bytes, expected 13`)
        return 'gather'
      case 'PLTE':
        if (image) throw fail(PngErrorCode.badChunk, 'PLTE after the image data')
        if (this.colours.palette) throw fail(PngErrorCode.badChunk, 'a second PLTE chunk')
        if (length === 0 || length > 768 || length % 3 !== 0) {
          throw fail(
            PngErrorCode.badChunk,
            `PLTE is ${length} bytes, expected 3 to 768 in steps of 3`,
          )
        }
        return 'gather'
      case 'tRNS':
        if (image) throw fail(PngErrorCode.badChunk, 'tRNS after the image data')
        if (length > 256)
          throw fail(PngErrorCode.badChunk, `tRNS is ${length} bytes, at most 256 expected`)
        return 'gather'
      case 'IDAT':
        if (image?.ended) throw fail(PngErrorCode.badChunk, 'IDAT chunks are not consecutive')
        if (!image) this.startImageData()
        return 'stream'
      case 'IEND':
        if (!image) throw fail(PngErrorCode.truncated, 'IEND before any IDAT chunk: no image data')
        this.ended = true
        return 'skip'
      default:
        // Ancillary chunks (lowercase first letter) may be skipped; critical ones may not.
        if (type.charCodeAt(0) < 97)
          throw fail(PngErrorCode.badChunk, `unknown critical chunk ${type}`)
        return 'skip'
    }
  }

  /** @internal */
  data(chunk: PngChunk, bytes: Uint8Array): void {
    const image = this.image!
    const place = { chunk: chunk.type, offset: chunk.offset }
    this.keepTail(image, bytes)
    for (let at = 0; at < bytes.length; at += INFLATE_PIECE) {
      this.inflate(image, place, bytes.subarray(at, at + INFLATE_PIECE), false)
    }
  }

  /** @internal */
  end(chunk: PngChunk, data?: Uint8Array): void {
    if (!data) return
    if (chunk.type === 'IHDR') this.header = parsePngHeader(data)
    else if (chunk.type === 'PLTE') this.colours.palette = data
    else if (chunk.type === 'tRNS') this.colours.transparency = data
  }

  private startImageData(): void {
    const header = this.header!
    const source = { width: header.width, height: header.height }
    const target = typeof this.target === 'function' ? this.target(source) : this.target
    if (!validSize(target)) {
      throw new RangeError(
        `target size ${target.width}x${target.height} is not 1 to ${PNG_MAX_SIDE} whole pixels a side`,
      )
    }
    const format = pixelFormat(header, this.colours)
    const options = { source, target, alpha: format.channels === 4, max: format.max }
    const resizer = header.interlaced ? new ScatteredAreaResizer(options) : new AreaResizer(options)
    const adler = new Adler32()
    const scanlines = new ScanlineReader(header, (line, pass, row) => {
      const pixels = format.read(line, pass.width)
      const y = pass.y0 + row * pass.dy
      if (resizer instanceof AreaResizer) resizer.addRow(y, pixels)
      else resizer.addPixels(y, pass.x0, pass.dx, pixels)
    })
    const inflater = new Unzlib((inflated) => {
      adler.update(inflated)
      scanlines.write(inflated)
    })
    this.image = {
      inflater,
      scanlines,
      adler,
      tail: new Uint8Array(4),
      tailLength: 0,
      resizer,
      format,
      target,
      ended: false,
    }
  }

  private keepTail(image: PixelPipeline, bytes: Uint8Array): void {
    const { tail } = image
    if (bytes.length >= 4) {
      tail.set(bytes.subarray(bytes.length - 4))
    } else {
      tail.copyWithin(0, bytes.length)
      tail.set(bytes, 4 - bytes.length)
    }
    image.tailLength = Math.min(4, image.tailLength + bytes.length)
  }

  /**
   * Inflates the next IDAT bytes (`final`: there are no more). `place` says where they are: the
   * chunk they come from, or the end of the IDAT chunks.
   */
  private inflate(
    image: PixelPipeline,
    place: PngErrorPlace,
    bytes: Uint8Array,
    final: boolean,
  ): void {
    try {
      image.inflater.push(bytes, final)
    } catch (error) {
      if (error instanceof PngDecodeError) {
        // Too much data is about the whole image, not a row.
        throw error.at(
          error.code === PngErrorCode.tooMuchData
            ? place
            : { ...image.scanlines.place(), ...place },
        )
      }
      const message = error instanceof Error ? error.message : String(error)
      const at = { ...image.scanlines.place(), ...place }
      if (final && !image.scanlines.done) {
        throw new PngDecodeError(
          PngErrorCode.truncated,
          `${this.shortData()} (zlib: ${message})`,
          at,
        )
      }
      throw new PngDecodeError(PngErrorCode.badZlib, `invalid zlib data in IDAT (${message})`, at)
    }
  }

  private shortData(): string {
    const { width, height } = this.header!
    return `image data ends before the image's last row (IDAT data too short for ${width}x${height})`
  }

  /** The IDAT chunks are over (the next chunk starts at `end`): the image must be complete. */
  private endImageData(end: number): void {
    const image = this.image!
    image.ended = true
    const place = { chunk: 'IDAT', offset: end }
    this.inflate(image, place, new Uint8Array(0), true)
    if (!image.scanlines.done) {
      throw new PngDecodeError(PngErrorCode.truncated, this.shortData(), {
        ...image.scanlines.place(),
        ...place,
      })
    }
    const { tail, tailLength, adler } = image
    const stored =
      tailLength === 4
        ? ((tail[0]! << 24) | (tail[1]! << 16) | (tail[2]! << 8) | tail[3]!) >>> 0
        : -1
    if (stored !== adler.value) {
      throw new PngDecodeError(
        PngErrorCode.badZlib,
        `zlib checksum of the image data is wrong (stored ${stored.toString(16)}, computed ${adler.value.toString(16)}): damaged IDAT`,
        { chunk: 'IDAT' },
      )
    }
  }
}

/** A stream's reader, as `ReadableStream.getReader()` returns it (Blob.stream(), fetch bodies). */
export interface ByteStreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>
  cancel(reason?: unknown): Promise<void>
}

/** What PNG bytes can come from: a whole file, a ReadableStream, or any async iterable of pieces. */
export type PngSource = Uint8Array | { getReader(): ByteStreamReader } | AsyncIterable<Uint8Array>

/**
 * Decodes a PNG from a stream (e.g. `blob.stream()`) into RGBA at `target` (a size, or a function
 * of the image's size), area-averaged, without ever holding the full-size image. Reading stops at
 * IEND. Throws PngDecodeError for a damaged or truncated file.
 */
export async function decodePngDownscaled(
  source: PngSource,
  target: PngTarget,
): Promise<DownscaledPng> {
  const decoder = new PngDownscaleDecoder(target)
  if (source instanceof Uint8Array) {
    decoder.push(source)
    return decoder.finish()
  }
  if ('getReader' in source) {
    const reader = source.getReader()
    try {
      for (;;) {
        const next = await reader.read()
        if (next.done) break
        if (next.value && decoder.push(next.value)) break
      }
    } catch (error) {
      await reader.cancel(error).catch(() => {})
      throw error
    }
    await reader.cancel().catch(() => {})
    return decoder.finish()
  }
  for await (const piece of source) {
    if (decoder.push(piece)) break
  }
  return decoder.finish()
}
