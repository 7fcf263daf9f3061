/** What the page asks its worker: decode the image at `url` one way. */
export interface DecodeRequest {
  url: string
  /**
   * `encoder` the SAM worker's decodeForEncoder (PNGs streamed); `bitmap` what it did before:
   * createImageBitmap with resize options, drawn to a canvas; `thumbnail` decodeForThumbnail;
   * `png` decodePngDownscaled on the blob's stream, to `target` with `inflater`; `none` only
   * fetches the blob (what every path costs before decoding).
   */
  path: 'encoder' | 'bitmap' | 'thumbnail' | 'png' | 'none'
  /** Longest side of a thumbnail. */
  maxSize?: number
  /** `png`: the output size. */
  target?: { width: number; height: number }
  /** `png`: which inflater (default `auto`). */
  inflater?: 'auto' | 'native' | 'fflate'
  /** `png`: hand the decoder the file in pieces of this many bytes (default: as the blob streams). */
  pieceSize?: number
}

export interface DecodeSuccess {
  ok: true
  via: string
  width: number
  height: number
  original?: { width: number; height: number }
  /** `png`: the inflater that decoded. */
  inflater?: string
  /** Time of the decode alone, the blob already fetched. */
  ms: number
  data: Uint8ClampedArray
}

export interface DecodeFailure {
  ok: false
  name: string
  message: string
  /** A PngDecodeError's code and place. */
  code?: string
  place?: Record<string, string | number>
}

export type DecodeResult = DecodeSuccess | DecodeFailure

/** What the page hands Playwright: the pixels as base64. */
export type PageResult = (Omit<DecodeSuccess, 'data'> & { base64: string }) | DecodeFailure
