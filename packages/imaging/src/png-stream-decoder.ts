// What the streaming PNG decoders share: the chunks' order and shape, the header, palette and
// transparency, the pixel pipeline (scanlines → pixels → area-averaging resizer), and how the
// inflater's failures become PngDecodeErrors. How IDAT is inflated (now, by fflate; or by the
// platform's DecompressionStream, asynchronously) is left to the subclass.

import { AreaResizer, ScatteredAreaResizer, type Size } from './area-downscale'
import { PngChunkReader, type ChunkHandler, type PngChunk } from './png-chunks'
import { PngDecodeError, PngErrorCode, type PngErrorPlace } from './png-error'
import { PNG_MAX_SIDE, parsePngHeader, type PngHeader } from './png-header'
import { pixelFormat, type PngColourChunks } from './png-pixels'
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
  /** What inflated the image data: the platform's DecompressionStream, or fflate. */
  inflater: 'native' | 'fflate'
}

/**
 * IDAT is handed to the inflater at most this many bytes at a time: what one piece inflates to is
 * held at once, and deflate can expand 1,032-fold (a flat colour), so 8 KB bounds it to ~8 MB.
 */
const INFLATE_PIECE = 8 * 1024

/** The state of one image's data: scanlines and resizer. */
export interface PixelPipeline {
  scanlines: ScanlineReader
  resizer: AreaResizer | ScatteredAreaResizer
  target: Size
  /** Whether the IDAT chunks are over. */
  ended: boolean
}

const validSize = (size: Size) =>
  Number.isInteger(size.width) &&
  Number.isInteger(size.height) &&
  size.width >= 1 &&
  size.height >= 1 &&
  size.width <= PNG_MAX_SIDE &&
  size.height <= PNG_MAX_SIDE

/** Chromium words stream failures as "Failed to execute 'write' on '…': <what>". */
const zlibMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(
    /^Failed to execute '[^']*' on '[^']*': /,
    '',
  )

export abstract class PngStreamDecoder implements ChunkHandler {
  protected readonly reader = new PngChunkReader(this)
  protected header: PngHeader | null = null
  private readonly colours: PngColourChunks = {}
  protected image: PixelPipeline | null = null
  /** Whether IEND has been read. */
  protected ended = false
  private chunkCount = 0
  protected failure: unknown = null

  constructor(private readonly target: PngTarget) {}

  /** The header, once read. */
  get pngHeader(): PngHeader | null {
    return this.header
  }

  /** Inflater: the image data starts; inflated bytes go to `onData`. */
  protected abstract startInflater(onData: (bytes: Uint8Array) => void): void
  /** Inflater: the next IDAT bytes, from the chunk at `place`. */
  protected abstract imageData(place: PngErrorPlace, bytes: Uint8Array): void
  /** Inflater: the IDAT chunks are over; the next chunk (or the file's end) is at `end`. */
  protected abstract imageDataEnd(end: number): void

  /** Runs the chunk reader on the next bytes; a PngDecodeError says which chunk it is in. */
  protected readChunks(bytes: Uint8Array): void {
    try {
      this.reader.push(bytes)
    } catch (error) {
      const chunk = this.reader.current
      throw error instanceof PngDecodeError && chunk
        ? error.at({ chunk: chunk.type, offset: chunk.offset })
        : error
    }
  }

  /**
   * At the end of the file: throws if it ended before a whole image; true when the end of the
   * image data has still to be checked (the file ends after IDAT, without IEND).
   */
  protected imageDataEndPending(): boolean {
    if (this.ended) return false
    const image = this.image
    const where = this.reader.describeEnd()
    if (!image) throw new PngDecodeError(PngErrorCode.truncated, `${where}, before any image data`)
    if (image.ended) return false
    if (!image.scanlines.done) {
      throw new PngDecodeError(PngErrorCode.truncated, `${where}, before the image's last row`, {
        ...image.scanlines.place(),
        chunk: 'IDAT',
      })
    }
    return true
  }

  /** A failure at the end of the image data when the file ends there: the file is truncated. */
  protected truncatedAtEnd(error: unknown): unknown {
    if (!(error instanceof PngDecodeError)) return error
    const where = this.reader.describeEnd()
    return new PngDecodeError(PngErrorCode.truncated, `${where} (${error.problem})`, error.place)
  }

  protected output(inflater: DownscaledPng['inflater']): DownscaledPng {
    const { resizer, target } = this.image!
    const data = resizer instanceof AreaResizer ? resizer.output : resizer.finish()
    return { width: target.width, height: target.height, data, header: this.header!, inflater }
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
    if (image && !image.ended && type !== 'IDAT') {
      image.ended = true
      this.imageDataEnd(chunk.offset)
    }
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
    const place = { chunk: chunk.type, offset: chunk.offset }
    for (let at = 0; at < bytes.length; at += INFLATE_PIECE) {
      this.imageData(place, bytes.subarray(at, at + INFLATE_PIECE))
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
    const scanlines = new ScanlineReader(header, (line, pass, row) => {
      const pixels = format.read(line, pass.width)
      const y = pass.y0 + row * pass.dy
      if (resizer instanceof AreaResizer) resizer.addRow(y, pixels)
      else resizer.addPixels(y, pass.x0, pass.dx, pixels)
    })
    this.image = { scanlines, resizer, target, ended: false }
    this.startInflater((inflated) => scanlines.write(inflated))
  }

  /**
   * What the inflater's failure on the bytes at `place` means (`final`: there are no more bytes):
   * a PngDecodeError from the scanlines gets its place; anything else is the zlib stream's fault.
   */
  protected inflateFailure(error: unknown, place: PngErrorPlace, final: boolean): unknown {
    const image = this.image!
    if (error instanceof PngDecodeError) {
      // Too much data is about the whole image, not a row.
      return error.at(
        error.code === PngErrorCode.tooMuchData ? place : { ...image.scanlines.place(), ...place },
      )
    }
    const message = zlibMessage(error)
    const at = { ...image.scanlines.place(), ...place }
    if (/data check/i.test(message)) {
      return new PngDecodeError(
        PngErrorCode.badZlib,
        `zlib checksum of the image data is wrong (${message}): damaged IDAT`,
        place,
      )
    }
    if (final && !image.scanlines.done) {
      return new PngDecodeError(
        PngErrorCode.truncated,
        `${this.shortData()} (zlib: ${message})`,
        at,
      )
    }
    return new PngDecodeError(PngErrorCode.badZlib, `invalid zlib data in IDAT (${message})`, at)
  }

  /** The error for image data that is over before the image's last row. */
  protected missingRows(place: PngErrorPlace): PngDecodeError {
    return new PngDecodeError(PngErrorCode.truncated, this.shortData(), {
      ...this.image!.scanlines.place(),
      ...place,
    })
  }

  private shortData(): string {
    const { width, height } = this.header!
    return `image data ends before the image's last row (IDAT data too short for ${width}x${height})`
  }
}
