// IDAT's zlib stream inflated by the platform's DecompressionStream('deflate') (native zlib in
// browsers, which also checks the stream's Adler-32 and refuses bytes after its end), written a
// piece at a time in lock step with reading: a piece is written only once the output of the one
// before has been handed on, so memory stays one piece's output, and an error is known to come
// from the piece being written.
//
// This relies on the Streams spec's TransformStream, as browsers implement DecompressionStream: a
// write settles after its bytes were inflated, and the next is inflated only when the reader has
// taken the output before it. Node's DecompressionStream wraps its zlib stream instead: writes
// settle before they are inflated (on another thread), output still on its way is dropped when
// the stream fails at its close, and bytes after the stream's end are ignored, so when a file is
// cut short it cannot tell how far the image data reached. `nativeInflateSupported` checks for the
// spec's behaviour; where it is missing, the decoder uses fflate.

/** The parts of the Compression Streams API used (the package is typed without the DOM library). */
interface DecompressionStreamLike {
  readonly readable: {
    getReader(): {
      read(): Promise<{ done: boolean; value?: Uint8Array }>
      cancel(reason?: unknown): Promise<void>
    }
  }
  readonly writable: {
    getWriter(): {
      write(chunk: Uint8Array): Promise<void>
      close(): Promise<void>
      abort(reason?: unknown): Promise<void>
    }
  }
}
type DecompressionStreamClass = new (format: 'deflate') => DecompressionStreamLike

const platformStream = (): DecompressionStreamClass | undefined =>
  (globalThis as { DecompressionStream?: DecompressionStreamClass }).DecompressionStream

const EMPTY = new Uint8Array(0)

/** Settles after `hops` turns of the microtask queue (no timers: the same in every runtime). */
function afterMicrotasks<T>(value: T, hops = 16): Promise<T> {
  let promise = Promise.resolve()
  for (let i = 0; i < hops; i++) promise = promise.then(() => {})
  return promise.then(() => value)
}

/** zlib's stream of the bytes "PNG", complete with its Adler-32. */
const PROBE_STREAM = new Uint8Array([
  0x78, 0x9c, 0x0b, 0xf0, 0x73, 0x07, 0x00, 0x01, 0xd6, 0x00, 0xe6,
])

async function probe(): Promise<boolean> {
  const Stream = platformStream()
  if (!Stream) return false
  let stream: DecompressionStreamLike
  try {
    stream = new Stream('deflate')
  } catch {
    return false
  }
  const writer = stream.writable.getWriter()
  const reader = stream.readable.getReader()
  try {
    const late = Symbol('late')
    // A TransformStream inflates only while a read is waiting (or its output is wanted).
    const read = reader.read()
    // (Bounded, so that a stream that never takes the bytes cannot hang the decoder.)
    const wrote = writer.write(PROBE_STREAM).then(() => true)
    if (!(await Promise.race([wrote, afterMicrotasks(false, 64)]))) return false
    // The output must be there once the write has settled, not later.
    const first = await Promise.race([read, afterMicrotasks(late)])
    if (first === late || first.done || String.fromCharCode(...(first.value ?? [])) !== 'PNG')
      return false
    // A byte after the stream's end must be refused (a read waits, as before the first write).
    reader.read().catch(() => {})
    const junk = writer.write(new Uint8Array([0])).then(
      () => false,
      () => true,
    )
    return await Promise.race([junk, afterMicrotasks(false)])
  } catch {
    return false
  } finally {
    reader.cancel().catch(() => {})
    writer.abort().catch(() => {})
  }
}

let probed: Promise<boolean> | null = null

/**
 * Whether this runtime's DecompressionStream can inflate PNG image data for the decoder: present,
 * and behaving as the Streams spec has it (browsers), not as Node's zlib wrapper does. Checked
 * once, by inflating a few bytes.
 */
export function nativeInflateSupported(): Promise<boolean> {
  probed ??= probe()
  return probed
}

/**
 * One zlib stream inflated by DecompressionStream, its output handed to `onData` (whose errors
 * stop the stream and are what `write` or `close` rejects with). Call `write` once the previous
 * call has settled.
 */
export class NativeZlibInflater {
  private readonly writer: ReturnType<DecompressionStreamLike['writable']['getWriter']>
  private readonly reader: ReturnType<DecompressionStreamLike['readable']['getReader']>
  private readonly reading: Promise<void>
  /** What `onData` threw. */
  private dataError: { error: unknown } | null = null

  constructor(onData: (bytes: Uint8Array) => void) {
    const Stream = platformStream()
    if (!Stream) throw new Error('DecompressionStream is not available here')
    const stream = new Stream('deflate')
    this.writer = stream.writable.getWriter()
    this.reader = stream.readable.getReader()
    this.reading = this.read(onData)
  }

  private async read(onData: (bytes: Uint8Array) => void): Promise<void> {
    for (;;) {
      let next: { done: boolean; value?: Uint8Array }
      try {
        next = await this.reader.read()
      } catch {
        return // The stream failed: the writer rejects with its error.
      }
      if (next.done) return
      try {
        if (next.value) onData(next.value)
      } catch (error) {
        this.dataError = { error }
        await this.reader.cancel(error).catch(() => {})
        return
      }
    }
  }

  /** Inflates `bytes`; settles once all their output has been handed to `onData`. */
  async write(bytes: Uint8Array): Promise<void> {
    try {
      await this.writer.write(bytes)
      // Inflated only when the reader has taken everything before it: the output of `bytes`.
      await this.writer.write(EMPTY)
    } catch (error) {
      throw this.dataError ? this.dataError.error : error
    }
    if (this.dataError) throw this.dataError.error
  }

  /** The end of the input: rejects if the stream is incomplete (or its checksum is wrong). */
  async close(): Promise<void> {
    try {
      await this.writer.close()
    } catch (error) {
      await this.reading
      throw this.dataError ? this.dataError.error : error
    }
    await this.reading
    if (this.dataError) throw this.dataError.error
  }

  /** Stops inflating (after a failure elsewhere). */
  abort(): void {
    this.writer.abort().catch(() => {})
    this.reader.cancel().catch(() => {})
  }
}
