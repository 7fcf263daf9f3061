/**
 * A streaming `multipart/form-data` reader. It yields one part at a time, buffered, and stops a
 * part as soon as it grows past the limit (naming it), so an oversized upload is refused after
 * at most `maxPartBytes` of it was read, never after buffering all of it.
 */

export interface MultipartLimits {
  /** Largest accepted part body. */
  maxPartBytes: number
  /** Largest accepted request body (all parts, headers and delimiters). */
  maxTotalBytes: number
  maxParts: number
}

export interface MultipartPart {
  /** The form field name (`files`). */
  name: string
  /** The file name the client sent, if the part is a file. */
  filename?: string
  contentType?: string
  data: Buffer
}

export const MultipartErrorKind = {
  malformed: 'malformed',
  partTooLarge: 'part_too_large',
  tooManyParts: 'too_many_parts',
  tooLarge: 'too_large',
} as const
export type MultipartErrorKind = (typeof MultipartErrorKind)[keyof typeof MultipartErrorKind]

export class MultipartError extends Error {
  override name = 'MultipartError'
  constructor(
    readonly kind: MultipartErrorKind,
    message: string,
    /** The part being read when the limit was hit. */
    readonly part?: { name: string; filename?: string },
  ) {
    super(message)
  }
}

const MAX_HEADER_BYTES = 16 * 1024
const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

/** The boundary of a `multipart/form-data` Content-Type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType)
  return match?.[1] ?? match?.[2] ?? null
}

function decodeExtValue(value: string): string | undefined {
  const match = /^utf-8''(.*)$/i.exec(value)
  if (!match) return undefined
  try {
    return decodeURIComponent(match[1]!)
  } catch {
    return undefined
  }
}

/**
 * Browsers (and fetch) escape `"`, CR and LF in field and file names as `%22`, `%0D`, `%0A`
 * (HTML's multipart/form-data encoding); nothing else is escaped.
 */
const unescapeHtmlFormName = (value: string) =>
  value.replace(/%22|%0D|%0A/gi, (m) =>
    m === '%22' ? '"' : m.toUpperCase() === '%0D' ? '\r' : '\n',
  )

/** Parses a part's header block (`Content-Disposition`, `Content-Type`). */
function parseHeaders(block: string): { name: string; filename?: string; contentType?: string } {
  let disposition: string | undefined
  let contentType: string | undefined
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon < 0)
      throw new MultipartError('malformed', `malformed part header ${JSON.stringify(line)}`)
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === 'content-disposition') disposition = value
    else if (key === 'content-type') contentType = value
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) {
    throw new MultipartError('malformed', 'a part lacks "Content-Disposition: form-data"')
  }
  const params = new Map<string, string>()
  const param = /;\s*([A-Za-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g
  for (let m = param.exec(disposition); m; m = param.exec(disposition)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!)
  }
  const name = params.get('name')
  if (name === undefined) throw new MultipartError('malformed', 'a part has no field name')
  const extended = params.get('filename*')
  const plain = params.get('filename')
  const filename = (extended && decodeExtValue(extended)) ?? (plain && unescapeHtmlFormName(plain))
  return { name: unescapeHtmlFormName(name), filename, contentType }
}

/** Reads parts from a request body. Stops reading (draining a bounded rest) when the caller stops. */
export async function* readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  limits: MultipartLimits,
): AsyncGenerator<MultipartPart> {
  const reader = body.getReader()
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  let buffer = Buffer.alloc(0)
  let total = 0
  let ended = false
  let finished = false

  const pull = async (): Promise<boolean> => {
    if (ended) return false
    const { done, value } = await reader.read()
    if (done) {
      ended = true
      return false
    }
    total += value.byteLength
    if (total > limits.maxTotalBytes) {
      throw new MultipartError('too_large', `request body exceeds ${limits.maxTotalBytes} bytes`)
    }
    buffer = buffer.length === 0 ? Buffer.from(value) : Buffer.concat([buffer, value])
    return true
  }
  const need = async (bytes: number) => {
    while (buffer.length < bytes) {
      if (!(await pull())) throw new MultipartError('malformed', 'body ends inside the form data')
    }
  }

  try {
    // The body starts with `--boundary` (optionally after a preamble, which is then CRLF-led).
    buffer = Buffer.from(CRLF)
    let parts = 0
    for (;;) {
      let at = buffer.indexOf(delimiter)
      while (at < 0) {
        if (buffer.length > delimiter.length)
          buffer = buffer.subarray(buffer.length - delimiter.length)
        if (!(await pull())) throw new MultipartError('malformed', 'no multipart boundary found')
        at = buffer.indexOf(delimiter)
      }
      buffer = buffer.subarray(at + delimiter.length)
      await need(2)
      if (buffer[0] === 0x2d && buffer[1] === 0x2d) break // `--boundary--`: the end
      // Transport padding (spaces/tabs) may precede the CRLF after a delimiter.
      let eol = buffer.indexOf(CRLF)
      while (eol < 0) {
        if (buffer.length > 256 || !(await pull())) {
          throw new MultipartError('malformed', 'no line break after a multipart boundary')
        }
        eol = buffer.indexOf(CRLF)
      }
      buffer = buffer.subarray(eol + 2)

      let headerEnd = buffer.indexOf(HEADER_END)
      while (headerEnd < 0) {
        if (buffer.length > MAX_HEADER_BYTES) {
          throw new MultipartError('malformed', `part headers exceed ${MAX_HEADER_BYTES} bytes`)
        }
        if (!(await pull())) throw new MultipartError('malformed', 'body ends inside part headers')
        headerEnd = buffer.indexOf(HEADER_END)
      }
      const headers = parseHeaders(buffer.subarray(0, headerEnd).toString('utf8'))
      buffer = buffer.subarray(headerEnd + HEADER_END.length)
      if (++parts > limits.maxParts) {
        throw new MultipartError('too_many_parts', `more than ${limits.maxParts} parts`)
      }

      const chunks: Buffer[] = []
      let size = 0
      const keep = (bytes: Buffer) => {
        size += bytes.length
        if (size > limits.maxPartBytes) {
          const what = headers.filename === undefined ? headers.name : headers.filename
          throw new MultipartError(
            'part_too_large',
            `${JSON.stringify(what)} exceeds ${limits.maxPartBytes} bytes`,
            headers,
          )
        }
        // Copy: `buffer` is re-sliced and would otherwise pin every chunk it ever held.
        chunks.push(Buffer.from(bytes))
      }
      let end = buffer.indexOf(delimiter)
      while (end < 0) {
        const safe = buffer.length - (delimiter.length - 1)
        if (safe > 0) {
          keep(buffer.subarray(0, safe))
          buffer = buffer.subarray(safe)
        }
        if (!(await pull())) throw new MultipartError('malformed', 'body ends inside a part')
        end = buffer.indexOf(delimiter)
      }
      keep(buffer.subarray(0, end))
      // Leave the delimiter (with its CRLF) in the buffer for the next round.
      buffer = buffer.subarray(end)
      yield { ...headers, data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }
    }
    finished = true
  } finally {
    if (!finished || !ended) await drain(reader, limits.maxTotalBytes - total)
  }
}

/**
 * Reads and discards the rest of a body the server will not use, so the response can still be
 * written on the same connection; a body larger than `budget` is cancelled instead.
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number) {
  try {
    let left = budget
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      left -= value.byteLength
      if (left < 0) {
        await reader.cancel()
        return
      }
    }
  } catch {
    // The client went away; nothing to drain.
  } finally {
    reader.releaseLock()
  }
}
