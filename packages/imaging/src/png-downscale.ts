// PNG → RGBA at a smaller size, reading the file once as a stream and never holding the image at
// its own size: chunks are parsed as bytes arrive, IDAT is inflated piece by piece, scanlines are
// unfiltered against the one above, turned into RGB(A) and area-averaged into the output. Memory:
// the output, two scanlines, the inflater's 32 KB window and what one piece of IDAT inflates to.
// A 16,000 × 12,000 PNG shrunk to 1024 × 768 needs a few MB where a full decode needs 768 MB.
//
// The inflater: in browsers, the platform's DecompressionStream (native zlib, a few times faster
// than JavaScript); elsewhere (Node, whose DecompressionStream does not behave as the Streams spec
// has it: png-zlib-native.ts) and in the synchronous PngDownscaleDecoder, fflate's streaming
// Unzlib. Both give the same pixels and the same errors.
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

import { PngDecodeError, PngErrorCode, type PngErrorPlace } from './png-error'
import { PngStreamDecoder, type DownscaledPng, type PngTarget } from './png-stream-decoder'
import { FflateZlibInflater } from './png-zlib-fflate'
import { NativeZlibInflater, nativeInflateSupported } from './png-zlib-native'

export type { DownscaledPng, PngTarget } from './png-stream-decoder'

const EMPTY = new Uint8Array(0)

/**
 * Decodes a PNG pushed to it in pieces into RGBA at a target size (area-averaged; best used to
 * shrink, where it is exact; a larger target repeats pixels), inflating with fflate as the bytes
 * arrive. `push` the file's bytes in order, then `finish`. Throws PngDecodeError for damaged
 * files, from `push` as soon as the damage is read, or from `finish` when the file ends early.
 */
export class PngDownscaleDecoder extends PngStreamDecoder {
  private zlib: FflateZlibInflater | null = null

  /** Reads the next bytes of the file. True once IEND has been read (the rest is not needed). */
  push(bytes: Uint8Array): boolean {
    if (this.failure) throw this.failure
    if (this.ended) return true
    try {
      this.readChunks(bytes)
    } catch (error) {
      this.failure = error
      throw error
    }
    return this.ended
  }

  /** The image, after the whole file (or up to IEND) has been pushed. */
  finish(): DownscaledPng {
    if (this.failure) throw this.failure
    try {
      if (this.imageDataEndPending()) {
        try {
          this.image!.ended = true
          this.imageDataEnd(this.reader.position)
        } catch (error) {
          throw this.truncatedAtEnd(error)
        }
      }
    } catch (error) {
      this.failure = error
      throw error
    }
    return this.output('fflate')
  }

  protected startInflater(onData: (bytes: Uint8Array) => void): void {
    this.zlib = new FflateZlibInflater(onData)
  }

  protected imageData(place: PngErrorPlace, bytes: Uint8Array): void {
    try {
      this.zlib!.push(bytes, false)
    } catch (error) {
      throw this.inflateFailure(error, place, false)
    }
  }

  protected imageDataEnd(end: number): void {
    const place = { chunk: 'IDAT', offset: end }
    try {
      this.zlib!.push(EMPTY, true)
    } catch (error) {
      throw this.inflateFailure(error, place, true)
    }
    if (!this.image!.scanlines.done) throw this.missingRows(place)
    const problem = this.zlib!.checksumProblem()
    if (problem) {
      throw new PngDecodeError(
        PngErrorCode.badZlib,
        `zlib checksum of the image data is wrong (${problem}): damaged IDAT`,
        { chunk: 'IDAT' },
      )
    }
  }
}

/** Work for the native inflater, in file order: IDAT bytes, or the end of the IDAT chunks. */
type InflateWork = { place: PngErrorPlace; bytes: Uint8Array } | { end: number }

/**
 * The same decoder inflating with DecompressionStream: `push` reads the chunks and queues the
 * IDAT bytes (views into what was pushed: keep them until `settle` has settled), `settle`
 * inflates them. Errors come in file order: one the chunk reader finds after queued IDAT bytes
 * waits until those are inflated, since they may hold an earlier one.
 */
class NativePngDownscaleDecoder extends PngStreamDecoder {
  private zlib: NativeZlibInflater | null = null
  private readonly work: InflateWork[] = []
  /** An error the chunk reader found behind queued work. */
  private deferred: { error: unknown } | null = null

  push(bytes: Uint8Array): boolean {
    if (this.failure) throw this.failure
    if (this.ended || this.deferred) return true
    try {
      this.readChunks(bytes)
    } catch (error) {
      if (this.work.length > 0) {
        this.deferred = { error }
        return true
      }
      this.fail(error)
    }
    return this.ended
  }

  /** Inflates the queued IDAT bytes; throws the first error in the file so far. */
  async settle(): Promise<void> {
    if (this.failure) throw this.failure
    try {
      for (let i = 0; i < this.work.length; i++) {
        const work = this.work[i]!
        if ('end' in work) await this.endOfImageData(work.end)
        else await this.inflate(work.place, work.bytes)
      }
    } catch (error) {
      this.fail(error)
    } finally {
      this.work.length = 0
    }
    if (this.deferred) this.fail(this.deferred.error)
  }

  async finish(): Promise<DownscaledPng> {
    await this.settle()
    try {
      if (this.imageDataEndPending()) {
        try {
          this.image!.ended = true
          await this.endOfImageData(this.reader.position)
        } catch (error) {
          throw this.truncatedAtEnd(error)
        }
      }
    } catch (error) {
      this.fail(error)
    }
    return this.output('native')
  }

  /** Stops the inflater (the caller gave up). */
  dispose(): void {
    this.zlib?.abort()
  }

  private fail(error: unknown): never {
    this.failure = error
    this.zlib?.abort()
    throw error
  }

  protected startInflater(onData: (bytes: Uint8Array) => void): void {
    this.zlib = new NativeZlibInflater(onData)
  }

  protected imageData(place: PngErrorPlace, bytes: Uint8Array): void {
    this.work.push({ place, bytes })
  }

  protected imageDataEnd(end: number): void {
    this.work.push({ end })
  }

  private async inflate(place: PngErrorPlace, bytes: Uint8Array): Promise<void> {
    try {
      await this.zlib!.write(bytes)
    } catch (error) {
      throw this.inflateFailure(error, place, false)
    }
  }

  private async endOfImageData(end: number): Promise<void> {
    const place = { chunk: 'IDAT', offset: end }
    try {
      await this.zlib!.close()
    } catch (error) {
      throw this.inflateFailure(error, place, true)
    }
    if (!this.image!.scanlines.done) throw this.missingRows(place)
  }
}

/** Which inflater decodes: `auto` (the default) is `native` where it works, else `fflate`. */
export type PngInflater = 'auto' | 'native' | 'fflate'

export interface DecodePngOptions {
  inflater?: PngInflater
}

/**
 * Images larger than this many pixels inflate with fflate even where the native inflater works:
 * Chromium collects DecompressionStream's output chunks late, so its garbage grows with the
 * inflated bytes (16,000 × 12,000: +163 MB peak vs fflate's +79 MB; 576 MB inflated: +308 MB),
 * while fflate stays flat. Below it, native is ~3× faster (8000 × 6000: 0.91 vs 2.65 s).
 */
export const NATIVE_INFLATE_MAX_PIXELS = 100_000_000

/** The inflater for an image of this size: bounded memory first for the largest ones. */
export function inflaterFor(size: { width: number; height: number }): PngInflater {
  return size.width * size.height > NATIVE_INFLATE_MAX_PIXELS ? 'fflate' : 'auto'
}

/** A stream's reader, as `ReadableStream.getReader()` returns it (Blob.stream(), fetch bodies). */
export interface ByteStreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>
  cancel(reason?: unknown): Promise<void>
}

/** What PNG bytes can come from: a whole file, a ReadableStream, or any async iterable of pieces. */
export type PngSource = Uint8Array | { getReader(): ByteStreamReader } | AsyncIterable<Uint8Array>

/**
 * Hands the source's pieces, in order, to `take` until it returns true (IEND read). A stream is
 * cancelled when reading stops, with the error if one stopped it.
 */
async function readSource(
  source: PngSource,
  take: (piece: Uint8Array) => boolean | Promise<boolean>,
): Promise<void> {
  if (source instanceof Uint8Array) {
    await take(source)
    return
  }
  if (!('getReader' in source)) {
    for await (const piece of source) {
      if (await take(piece)) break
    }
    return
  }
  const reader = source.getReader()
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) break
      if (next.value && (await take(next.value))) break
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {})
    throw error
  }
  await reader.cancel().catch(() => {})
}

async function useNative(inflater: PngInflater): Promise<boolean> {
  if (inflater === 'fflate') return false
  const supported = await nativeInflateSupported()
  if (inflater === 'native' && !supported) {
    throw new Error(
      "inflater 'native' needs a DecompressionStream that inflates each write before it settles (the Streams spec's, as browsers have); this one does not",
    )
  }
  return supported
}

/**
 * Decodes a PNG from a stream (e.g. `blob.stream()`) into RGBA at `target` (a size, or a function
 * of the image's size), area-averaged, without ever holding the full-size image. Reading stops at
 * IEND. Throws PngDecodeError for a damaged or truncated file.
 */
export async function decodePngDownscaled(
  source: PngSource,
  target: PngTarget,
  options: DecodePngOptions = {},
): Promise<DownscaledPng> {
  if (!(await useNative(options.inflater ?? 'auto'))) {
    const decoder = new PngDownscaleDecoder(target)
    await readSource(source, (piece) => decoder.push(piece))
    return decoder.finish()
  }
  const decoder = new NativePngDownscaleDecoder(target)
  try {
    await readSource(source, async (piece) => {
      const ended = decoder.push(piece)
      await decoder.settle()
      return ended
    })
    return await decoder.finish()
  } finally {
    decoder.dispose()
  }
}
