import busboy from 'busboy'

/**
 * Streaming `multipart/form-data` reading on busboy. Parts are yielded one at a time, buffered;
 * a part that grows past the limit stops the read at once (naming the part), so an oversized
 * upload is refused after at most `maxPartBytes` of it was read, never after buffering all of it.
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

/** The boundary of a `multipart/form-data` Content-Type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType)
  return match?.[1] ?? match?.[2] ?? null
}

/**
 * Browsers (and fetch) escape `"`, CR and LF in field and file names as `%22`, `%0D`, `%0A`
 * (HTML's multipart/form-data encoding); nothing else is escaped, and busboy leaves them as sent.
 */
const unescapeHtmlFormName = (value: string) =>
  value.replace(/%22|%0D|%0A/gi, (m) =>
    m === '%22' ? '"' : m.toUpperCase() === '%0D' ? '\r' : '\n',
  )

/** Reads parts from a request body; stops reading the body when the caller stops. */
export async function* readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  limits: MultipartLimits,
): AsyncGenerator<MultipartPart> {
  const ready: MultipartPart[] = []
  let failure: MultipartError | null = null
  let parsed = false
  let openFiles = 0
  let wake: (() => void) | null = null
  const notify = () => {
    wake?.()
    wake = null
  }
  const fail = (error: MultipartError) => {
    failure ??= error
    notify()
  }

  const parser = busboy({
    headers: { 'content-type': `multipart/form-data; boundary="${boundary}"` },
    defParamCharset: 'utf8',
    limits: {
      fileSize: limits.maxPartBytes,
      fieldSize: limits.maxPartBytes,
      files: limits.maxParts,
      fields: limits.maxParts,
      parts: limits.maxParts,
    },
  })
  const tooMany = () =>
    fail(new MultipartError('too_many_parts', `more than ${limits.maxParts} parts in one request`))
  parser.on('filesLimit', tooMany)
  parser.on('fieldsLimit', tooMany)
  parser.on('partsLimit', tooMany)
  parser.on('error', (error: Error) =>
    fail(new MultipartError('malformed', `malformed form data: ${error.message}`)),
  )
  parser.on('close', () => {
    parsed = true
    notify()
  })
  parser.on('file', (field, stream, info) => {
    const name = unescapeHtmlFormName(field)
    const filename = info.filename === undefined ? undefined : unescapeHtmlFormName(info.filename)
    const chunks: Buffer[] = []
    openFiles++
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    // A body that ends inside a file fails the parser too; the part's own error adds nothing.
    stream.on('error', () => undefined)
    stream.on('limit', () =>
      fail(
        new MultipartError(
          'part_too_large',
          `${JSON.stringify(filename ?? name)} exceeds ${limits.maxPartBytes} bytes`,
          { name, filename },
        ),
      ),
    )
    stream.on('end', () => {
      openFiles--
      if (!stream.truncated) {
        ready.push({ name, filename, contentType: info.mimeType, data: Buffer.concat(chunks) })
      }
      notify()
    })
  })
  parser.on('field', (field, value, info) => {
    const name = unescapeHtmlFormName(field)
    if (info.valueTruncated) {
      fail(
        new MultipartError('part_too_large', `field ${JSON.stringify(name)} is too large`, {
          name,
        }),
      )
      return
    }
    ready.push({ name, contentType: info.mimeType, data: Buffer.from(value) })
    notify()
  })

  const reader = body.getReader()
  const pump = (async () => {
    let total = 0
    try {
      for (;;) {
        if (failure) return
        const { done, value } = await reader.read()
        if (done) {
          parser.end()
          return
        }
        total += value.byteLength
        if (total > limits.maxTotalBytes) {
          fail(
            new MultipartError('too_large', `request body exceeds ${limits.maxTotalBytes} bytes`),
          )
          return
        }
        parser.write(value)
      }
    } catch (error) {
      fail(new MultipartError('malformed', `could not read the request body: ${String(error)}`))
    }
  })()

  try {
    for (;;) {
      if (failure) throw failure
      const part = ready.shift()
      if (part) {
        yield part
        continue
      }
      if (parsed && openFiles === 0) break
      await new Promise<void>((resolve) => (wake = resolve))
    }
    await pump
    if (failure) throw failure
  } finally {
    if (!parsed || failure) {
      await reader.cancel().catch(() => undefined)
      parser.destroy()
    }
  }
}
