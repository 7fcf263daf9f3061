/** What went wrong in a PNG file, for callers that react to kinds of damage. */
export const PngErrorCode = {
  /** No PNG signature at the start. */
  notPng: 'not-png',
  /** A chunk whose length, type or place breaks the format (IHDR not first, PLTE after IDAT). */
  badChunk: 'bad-chunk',
  /** IHDR holds values the format does not allow (bit depth 3, colour type 5, width 0). */
  badHeader: 'bad-header',
  /** The zlib stream in IDAT is not valid deflate data, or its checksum does not match. */
  badZlib: 'bad-zlib',
  /** A scanline starts with a filter type other than 0–4. */
  badFilter: 'bad-filter',
  /** A pixel names a palette entry that the palette does not have. */
  badPixel: 'bad-pixel',
  /** The file or its image data ends before the last row. */
  truncated: 'truncated',
  /** IDAT inflates to more bytes than the image's rows hold. */
  tooMuchData: 'too-much-data',
  /** Width or height beyond what this decoder takes (a side over 2^20 pixels). */
  tooLarge: 'too-large',
} as const
export type PngErrorCode = (typeof PngErrorCode)[keyof typeof PngErrorCode]

/** Where in the file a problem was found. */
export interface PngErrorPlace {
  /** The chunk's type, e.g. `IDAT`. */
  chunk?: string
  /** Byte offset of the chunk's start (its length field) in the file. */
  offset?: number
  /** Image row (0-based) being decoded; for interlaced files, the row within the pass. */
  row?: number
  /** Adam7 pass (1–7) of an interlaced file. */
  pass?: number
  /** Rows in the image, or in the pass. */
  rows?: number
}

function describePlace(place: PngErrorPlace): string {
  const parts: string[] = []
  if (place.chunk !== undefined) {
    parts.push(
      place.offset === undefined
        ? `${place.chunk} chunk`
        : `${place.chunk} chunk at byte ${place.offset}`,
    )
  }
  if (place.row !== undefined) {
    const of = place.rows === undefined ? '' : ` of ${place.rows}`
    parts.push(
      place.pass === undefined
        ? `row ${place.row}${of}`
        : `pass ${place.pass} row ${place.row}${of}`,
    )
  }
  return parts.length ? ` (${parts.join(', ')})` : ''
}

/** A PNG that cannot be decoded: what is wrong (`code`, message) and where (`place`). */
export class PngDecodeError extends Error {
  override name = 'PngDecodeError'
  constructor(
    readonly code: PngErrorCode,
    /** The problem alone, without its place. */
    readonly problem: string,
    readonly place: PngErrorPlace = {},
  ) {
    super(`PNG: ${problem}${describePlace(place)}`)
  }

  /** The same error with more of its place filled in (fields already known are kept). */
  at(place: PngErrorPlace): PngDecodeError {
    return new PngDecodeError(this.code, this.problem, { ...place, ...this.place })
  }
}
