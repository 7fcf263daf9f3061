// Inflated IDAT bytes → unfiltered scanlines, one at a time. Only the scanline being filled and
// the previous one are kept (the filters look one row up), so memory is two rows whatever the
// image's height.

import { PngDecodeError, PngErrorCode } from './png-error'
import { filterStride, pngPasses, scanlineBytes, type PngHeader, type PngPass } from './png-header'

/** Receives each scanline's bytes (filter byte removed, unfiltered); valid only during the call. */
export type ScanlineSink = (line: Uint8Array, pass: PngPass, row: number) => void

/** Reverses one scanline's filter in place. `prev` is the unfiltered row above (zeros for the first). */
export function unfilterScanline(
  filter: number,
  line: Uint8Array,
  prev: Uint8Array,
  bpp: number,
): void {
  const n = line.length
  switch (filter) {
    case 0:
      return
    case 1:
      for (let i = bpp; i < n; i++) line[i] = line[i]! + line[i - bpp]!
      return
    case 2:
      for (let i = 0; i < n; i++) line[i] = line[i]! + prev[i]!
      return
    case 3:
      for (let i = 0; i < bpp; i++) line[i] = line[i]! + (prev[i]! >> 1)
      for (let i = bpp; i < n; i++) line[i] = line[i]! + ((line[i - bpp]! + prev[i]!) >> 1)
      return
    case 4:
      for (let i = 0; i < bpp; i++) line[i] = line[i]! + prev[i]!
      for (let i = bpp; i < n; i++) {
        const a = line[i - bpp]!
        const b = prev[i]!
        const c = prev[i - bpp]!
        const pa = Math.abs(b - c)
        const pb = Math.abs(a - c)
        const pc = Math.abs(a + b - c - c)
        line[i] = line[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
      }
      return
    default:
      throw new PngDecodeError(
        PngErrorCode.badFilter,
        `invalid filter type ${filter} (expected 0–4)`,
      )
  }
}

/** Cuts the inflated image data into scanlines, unfilters them and hands them to a sink. */
export class ScanlineReader {
  private readonly passes: PngPass[]
  private readonly bpp: number
  private passIndex = 0
  private row = 0
  /** Bytes of the current pass's scanlines, filter byte included. */
  private lineLength = 0
  private filled = 0
  private current: Uint8Array
  private previous: Uint8Array

  constructor(
    private readonly header: PngHeader,
    private readonly sink: ScanlineSink,
  ) {
    this.passes = pngPasses(header)
    this.bpp = filterStride(header)
    const longest = 1 + scanlineBytes(header, header.width)
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
    this.filled = 0
    this.lineLength = 1 + scanlineBytes(this.header, pass.width)
    this.previous.fill(0)
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
      const take = Math.min(this.lineLength - this.filled, data.length - at)
      this.current.set(data.subarray(at, at + take), this.filled)
      this.filled += take
      at += take
      if (this.filled === this.lineLength) this.finishLine()
    }
  }

  private finishLine(): void {
    const pass = this.passes[this.passIndex]!
    const line = this.current.subarray(1, this.lineLength)
    try {
      unfilterScanline(this.current[0]!, line, this.previous.subarray(1, this.lineLength), this.bpp)
    } catch (error) {
      throw error instanceof PngDecodeError ? error.at(this.place()) : error
    }
    this.sink(line, pass, this.row)
    // The row just read is the next one's "previous".
    const used = this.previous
    this.previous = this.current
    this.current = used
    this.filled = 0
    if (++this.row === pass.height) {
      this.passIndex++
      this.startPass()
    }
  }
}
