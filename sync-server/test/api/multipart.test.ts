import { describe, expect, it } from 'vitest'
import { MultipartError, multipartBoundary, readMultipart } from '../../src/http/multipart'

const limits = { maxPartBytes: 1000, maxTotalBytes: 100_000, maxParts: 10 }

/** Encodes `form` the way fetch does and returns the body bytes and the boundary. */
async function encode(form: FormData) {
  const request = new Request('http://x/', { method: 'POST', body: form })
  const boundary = multipartBoundary(request.headers.get('content-type') ?? undefined)!
  return { bytes: new Uint8Array(await request.arrayBuffer()), boundary }
}

/** A stream that delivers `bytes` in chunks of `size` bytes. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + size))
      at += size
    },
  })
}

async function collect(stream: ReadableStream<Uint8Array>, boundary: string, l = limits) {
  const parts = []
  for await (const part of readMultipart(stream, boundary, l)) parts.push(part)
  return parts
}

describe('readMultipart', () => {
  it('reads the parts fetch encodes, however the body is chunked', async () => {
    const form = new FormData()
    // Bytes that look like delimiters and CRLFs inside the content must survive.
    const tricky = new TextEncoder().encode('\r\n--\r\n--notTheBoundary\r\n\r\n')
    form.append('files', new Blob([tricky]), 'tricky.bin')
    form.append('files', new Blob([new Uint8Array([0, 255, 13, 10])]), 'ünïcødé "quoted".png')
    form.append('files', new Blob([]), 'empty.png')
    const { bytes, boundary } = await encode(form)
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      const parts = await collect(chunked(bytes, size), boundary)
      expect(
        parts.map((p) => [p.name, p.filename, [...p.data]]),
        `chunk ${size}`,
      ).toEqual([
        ['files', 'tricky.bin', [...tricky]],
        ['files', 'ünïcødé "quoted".png', [0, 255, 13, 10]],
        ['files', 'empty.png', []],
      ])
    }
  })

  it('stops a part as soon as it passes the limit, naming it', async () => {
    const form = new FormData()
    form.append('files', new Blob([new Uint8Array(5000)]), 'big.png')
    const { bytes, boundary } = await encode(form)
    const error = await collect(chunked(bytes, 100), boundary).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MultipartError)
    expect((error as MultipartError).kind).toBe('part_too_large')
    expect((error as MultipartError).message).toContain('big.png')
  })

  it('refuses too many parts, too large a body, and malformed bodies', async () => {
    const form = new FormData()
    for (let i = 0; i < 3; i++) form.append('files', new Blob(['x']), `${i}.png`)
    const { bytes, boundary } = await encode(form)
    const kind = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: MultipartError) => e.kind,
      )
    expect(await kind(collect(chunked(bytes, 10), boundary, { ...limits, maxParts: 2 }))).toBe(
      'too_many_parts',
    )
    expect(
      await kind(collect(chunked(bytes, 10), boundary, { ...limits, maxTotalBytes: 50 })),
    ).toBe('too_large')
    expect(await kind(collect(chunked(bytes.slice(0, bytes.length - 30), 10), boundary))).toBe(
      'malformed',
    )
    expect(await kind(collect(chunked(new TextEncoder().encode('hello'), 10), boundary))).toBe(
      'malformed',
    )
  })

  it('parses the boundary from the Content-Type', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc')
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b')
    expect(multipartBoundary('application/json')).toBeNull()
    expect(multipartBoundary('multipart/form-data')).toBeNull()
    expect(multipartBoundary(undefined)).toBeNull()
  })
})
