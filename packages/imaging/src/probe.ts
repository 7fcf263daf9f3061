import { imageSize } from 'image-size'

/** Image formats the server accepts, keyed by the name `image-size` reports for them. */
const FORMATS = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heic: 'image/heic',
  heif: 'image/heif',
} as const
type Format = keyof typeof FORMATS

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  String.fromCharCode(...bytes.subarray(start, end))

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte)

const HEIF_BRANDS: Record<string, Format> = {
  avif: 'avif',
  avis: 'avif',
  heic: 'heic',
  heix: 'heic',
  hevc: 'heic',
  hevx: 'heic',
  mif1: 'heif',
  msf1: 'heif',
}

const heifFormat = (brand: string): Format | null =>
  Object.hasOwn(HEIF_BRANDS, brand) ? (HEIF_BRANDS[brand] ?? null) : null

/** The format named by the file's magic number, or null. Never trusts a name or a MIME type. */
export function sniffImageFormat(bytes: Uint8Array): Format | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpg'
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return 'gif'
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
    return 'webp'
  }
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return 'bmp'
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return 'tiff'
  }
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    return heifFormat(ascii(bytes, 8, 12))
  }
  return null
}

export interface ImageInfo {
  mime: (typeof FORMATS)[Format]
  /** Pixels as displayed: JPEG EXIF orientations 5–8 (quarter turns) swap width and height. */
  width: number
  height: number
  /** EXIF orientation 1–8 when the file has one (pixels are stored before it is applied). */
  orientation?: number
}

export type ProbeResult = { ok: true; image: ImageInfo } | { ok: false; reason: string }

const MAX_SIDE = 1 << 20

/**
 * Decides from its bytes whether a file is an image the server accepts, and reads its size.
 * The magic number must name an accepted format and `image-size` must parse the header of that
 * same format to positive dimensions; anything else (text, SVG, a PDF, a truncated header,
 * a PNG body behind a JPEG magic number) is refused with a reason.
 */
export function probeImage(bytes: Uint8Array): ProbeResult {
  const format = sniffImageFormat(bytes)
  if (!format)
    return { ok: false, reason: 'not a PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF or HEIC image' }
  let size: ReturnType<typeof imageSize>
  try {
    // image-size reads through a DataView on `bytes.buffer`, so on a view into a bigger buffer (a
    // pooled Buffer, a slice of the request) it would read past the file. Give it its own copy.
    const own =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes
        : new Uint8Array(bytes)
    size = imageSize(own)
  } catch (error) {
    return { ok: false, reason: `unreadable ${format} header (${(error as Error).message})` }
  }
  // `image-size` names HEIF-family files by their brand (`avif`, `mif1`, ...).
  const parsed = heifFormat(size.type ?? '') ?? size.type
  if (parsed !== format) {
    return { ok: false, reason: `${format} magic number but ${String(size.type)} content` }
  }
  const valid = (n: number) => Number.isInteger(n) && n > 0 && n <= MAX_SIDE
  if (!valid(size.width) || !valid(size.height)) {
    return { ok: false, reason: `${format} with invalid size ${size.width}x${size.height}` }
  }
  const quarterTurn =
    size.orientation !== undefined && size.orientation >= 5 && size.orientation <= 8
  return {
    ok: true,
    image: {
      mime: FORMATS[format],
      width: quarterTurn ? size.height : size.width,
      height: quarterTurn ? size.width : size.height,
      ...(size.orientation !== undefined && { orientation: size.orientation }),
    },
  }
}
