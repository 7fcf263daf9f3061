// Inflated IDAT bytes → unfiltered scanlines, one at a time. Only the scanline being filled and
// the previous one are kept (the filters look one row up), so memory is two rows whatever the
// image's height.

import { PngDecodeError, PngErrorCode } from './png-error'
import { filterStride, pngPasses, scanlineBytes, type PngHeader, type PngPass } from './png-header'
import { unfilterScanline } from './png-unfilter'

/**
 * Receives each scanline's bytes (unfiltered, filter-type byte removed) at the start of `line`,
 * which may be longer (it is the longest row's buffer); valid only during the call.
 */
export type ScanlineSink = (line: Uint8Array, pass: PngPass, row: number) => void

/** Cuts the inflated image data into scanlines, unfilters them and hands them to a sink. */
export class ScanlineReader {
  private readonly passes: PngPass[]
  private readonly bpp: number
  private passIndex = 0
  private row = 0
  /** Bytes of the current pass's scanlines, without the filter-type byte. */
  private lineBytes = 0
  /** The current scanline's filter type, once read (-1 before). */
  private filter = -1
  /** Bytes of the current scanline read so far, after its filter type. */
  private filled = 0
  private current: Uint8Array
  private previous: Uint8Array

  constructor(
    private readonly header: PngHeader,
    private readonly sink: ScanlineSink,
  ) {
    this.passes = pngPasses(header)
    this.bpp = filterStride(header)
    const longest = scanlineBytes(header, header.width)
    this.current = new Uint8Array(longest)
    this.previous = new Uint8Array(longest)
    this.startPass()
  }

  /** Whether every row of every pass has been read. */
  get done(): boolean {
    return this.passIndex >= this.passes.length
  }

  /** The row being read now, for error messages. */
  place(): { row: number; rows: number; pass?: number } {
    const pass = this.passes[this.passIndex] ?? this.passes[this.passes.length - 1]!
    return {
      row: this.done ? pass.height : this.row,
      rows: pass.height,
      ...(pass.index > 0 && { pass: pass.index }),
    }
  }

  private startPass(): void {
    const pass = this.passes[this.passIndex]
    if (!pass) return
    this.row = 0
    this.filter = -1
    this.filled = 0
    this.lineBytes = scanlineBytes(this.header, pass.width)
    this.previous.fill(0, 0, this.lineBytes)
  }

  /** Takes the next inflated bytes; a PngDecodeError for a bad filter or bytes past the end. */
  write(data: Uint8Array): void {
    let at = 0
    while (at < data.length) {
      if (this.done) {
        throw new PngDecodeError(
          PngErrorCode.tooMuchData,
          `image data runs ${data.length - at} or more bytes past the last row`,
        )
      }
      if (this.filter < 0) {
        this.filter = data[at++]!
        continue
      }
      const take = Math.min(this.lineBytes - this.filled, data.length - at)
      this.current.set(take === data.length ? data : data.subarray(at, at + take), this.filled)
      this.filled += take
      at += take
      if (this.filled === this.lineBytes) this.finishLine()
    }
  }

  private finishLine(): void {
    const pass = this.passes[this.passIndex]!
    try {
      unfilterScanline(this.filter, this.current, this.previous, 0, this.lineBytes, this.bpp)
    } catch (error) {
      throw error instanceof PngDecodeError ? error.at(this.place()) : error
    }
    this.sink(this.current, pass, this.row)
    // The row just read is the next one's "previous".
    const used = this.previous
    this.previous = this.current
    this.current = used
    this.filter = -1
    this.filled = 0
    if (++this.row === pass.height) {
      this.passIndex++
      this.startPass()
    }
  }
}
