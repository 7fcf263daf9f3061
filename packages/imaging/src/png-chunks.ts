// A PNG file's chunks from bytes that arrive in pieces of any size: the signature, then per
// chunk its length and type, its data (handed on as it arrives, or gathered when small), and its
// CRC (read past, not checked).

import { PngDecodeError, PngErrorCode } from './png-error'

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Largest chunk length the format allows (2^31 − 1). */
const MAX_CHUNK = 0x7fffffff

export interface PngChunk {
  type: string
  /** Data bytes, as declared. */
  length: number
  /** Byte offset of the chunk (its length field) in the file. */
  offset: number
}

export interface ChunkHandler {
  /**
   * A chunk starts. Returns how to deliver its data: `gather` (whole, to `end`, for small chunks),
   * `stream` (to `data` in pieces as they arrive) or `skip`.
   */
  start(chunk: PngChunk): 'gather' | 'stream' | 'skip'
  /** A piece of a streamed chunk's data. */
  data(chunk: PngChunk, bytes: Uint8Array): void
  /** The chunk's data is complete (`data` holds it for gathered chunks). */
  end(chunk: PngChunk, data?: Uint8Array): void
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)

export class PngChunkReader {
  /** Bytes read so far. */
  private offset = 0
  private state: 'signature' | 'head' | 'data' | 'crc' | 'done' = 'signature'
  /** Bytes of the current fixed-size part (signature, head, CRC) read so far. */
  private partFilled = 0
  private readonly part = new Uint8Array(8)
  private chunk: PngChunk | null = null
  private mode: 'gather' | 'stream' | 'skip' = 'skip'
  private gathered: Uint8Array | null = null
  private dataRead = 0

  constructor(private readonly handler: ChunkHandler) {}

  /** The chunk being read, if any. */
  get current(): PngChunk | null {
    return this.chunk
  }

  /** Bytes read so far. */
  get position(): number {
    return this.offset
  }

  /** Where reading stands, for a message about a file that ends here. */
  describeEnd(): string {
    if (this.state === 'signature')
      return `the file ends after ${this.offset} bytes, inside the PNG signature`
    const chunk = this.chunk
    if (!chunk && this.partFilled === 0) return `the file ends after ${this.offset} bytes`
    if (!chunk) return `the file ends after ${this.offset} bytes, inside a chunk's length and type`
    if (this.state === 'data') {
      return `the file ends inside the ${chunk.type} chunk at byte ${chunk.offset} (${this.dataRead} of its ${chunk.length} bytes)`
    }
    return `the file ends inside the CRC of the ${chunk.type} chunk at byte ${chunk.offset}`
  }

  /** Reads the next bytes of the file. */
  push(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.length && this.state !== 'done') {
      if (this.state === 'data') {
        at += this.readData(bytes, at)
        continue
      }
      const want = this.state === 'signature' || this.state === 'head' ? 8 : 4
      const take = Math.min(want - this.partFilled, bytes.length - at)
      this.part.set(bytes.subarray(at, at + take), this.partFilled)
      this.partFilled += take
      this.offset += take
      at += take
      if (this.partFilled < want) break
      this.partFilled = 0
      if (this.state === 'signature') this.checkSignature()
      else if (this.state === 'head') this.startChunk()
      else {
        // CRC read: the next chunk's head follows.
        this.chunk = null
        this.state = 'head'
      }
    }
  }

  private checkSignature(): void {
    if (!SIGNATURE.every((byte, i) => this.part[i] === byte)) {
      throw new PngDecodeError(PngErrorCode.notPng, 'no PNG signature at the start of the file')
    }
    this.state = 'head'
  }

  private startChunk(): void {
    const p = this.part
    const length = ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0
    const offset = this.offset - 8
    const codes = [p[4]!, p[5]!, p[6]!, p[7]!]
    if (!codes.every(isLetter)) {
      throw new PngDecodeError(
        PngErrorCode.badChunk,
        `bytes ${codes.join(',')} are not a chunk type (damaged file, or a wrong chunk length before it)`,
        { offset },
      )
    }
    const chunk: PngChunk = { type: String.fromCharCode(...codes), length, offset }
    if (length > MAX_CHUNK) {
      throw new PngDecodeError(PngErrorCode.badChunk, `chunk length ${length} is over 2^31 - 1`, {
        chunk: chunk.type,
        offset,
      })
    }
    this.chunk = chunk
    this.mode = this.handler.start(chunk)
    this.gathered = this.mode === 'gather' ? new Uint8Array(length) : null
    this.dataRead = 0
    this.state = 'data'
    if (length === 0) this.endData()
  }

  private readData(bytes: Uint8Array, at: number): number {
    const chunk = this.chunk!
    const take = Math.min(chunk.length - this.dataRead, bytes.length - at)
    const piece = bytes.subarray(at, at + take)
    if (this.mode === 'gather') this.gathered!.set(piece, this.dataRead)
    else if (this.mode === 'stream') this.handler.data(chunk, piece)
    this.dataRead += take
    this.offset += take
    if (this.dataRead === chunk.length) this.endData()
    return take
  }

  private endData(): void {
    // Nothing after IEND is read (some files carry trailing bytes).
    this.state = this.chunk!.type === 'IEND' ? 'done' : 'crc'
    this.handler.end(this.chunk!, this.gathered ?? undefined)
    this.gathered = null
  }
}
