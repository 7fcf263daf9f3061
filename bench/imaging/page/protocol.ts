/** What the page asks its worker: decode the image at `url` one way. */
export interface DecodeRequest {
  url: string
  /**
   * `encoder` the SAM worker's decodeForEncoder (PNGs streamed); `bitmap` what it did before:
   * createImageBitmap with resize options, drawn to a canvas; `thumbnail` decodeForThumbnail;
   * `none` only fetches the blob (what every path costs before decoding).
   */
  path: 'encoder' | 'bitmap' | 'thumbnail' | 'none'
  /** Longest side of a thumbnail. */
  maxSize?: number
}

export interface DecodeSuccess {
  ok: true
  via: string
  width: number
  height: number
  original?: { width: number; height: number }
  /** Time of the decode alone, the blob already fetched. */
  ms: number
  data: Uint8ClampedArray
}

export interface DecodeFailure {
  ok: false
  name: string
  message: string
}

export type DecodeResult = DecodeSuccess | DecodeFailure

/** What the page hands Playwright: the pixels as base64. */
export type PageResult = (Omit<DecodeSuccess, 'data'> & { base64: string }) | DecodeFailure
