// IDAT's zlib stream inflated in JavaScript by fflate's streaming Unzlib, synchronously, as the
// bytes arrive. fflate does not check the stream's Adler-32, so it is computed here over the
// inflated bytes and compared with the stream's last 4 bytes at the end.

import { Unzlib } from 'fflate'

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

/** One zlib stream inflated by fflate, its output handed to `onData` as it is inflated. */
export class FflateZlibInflater {
  private readonly unzlib: Unzlib
  private readonly adler = new Adler32()
  /** The last 4 bytes pushed (the stream's Adler-32, once it is all there). */
  private readonly tail = new Uint8Array(4)
  private tailLength = 0

  constructor(onData: (bytes: Uint8Array) => void) {
    this.unzlib = new Unzlib((inflated) => {
      this.adler.update(inflated)
      onData(inflated)
    })
  }

  /**
   * Inflates the next bytes (`final`: there are no more). Throws fflate's error for invalid data,
   * or what `onData` threw.
   */
  push(bytes: Uint8Array, final: boolean): void {
    this.keepTail(bytes)
    this.unzlib.push(bytes, final)
  }

  private keepTail(bytes: Uint8Array): void {
    const { tail } = this
    if (bytes.length >= 4) {
      tail.set(bytes.subarray(bytes.length - 4))
    } else {
      tail.copyWithin(0, bytes.length)
      tail.set(bytes, 4 - bytes.length)
    }
    this.tailLength = Math.min(4, this.tailLength + bytes.length)
  }

  /** After the final push: what is wrong with the stream's checksum, or null when it matches. */
  checksumProblem(): string | null {
    const { tail, tailLength, adler } = this
    const stored =
      tailLength === 4
        ? ((tail[0]! << 24) | (tail[1]! << 16) | (tail[2]! << 8) | tail[3]!) >>> 0
        : -1
    if (stored === adler.value) return null
    return `stored ${stored.toString(16)}, computed ${adler.value.toString(16)}`
  }
}
