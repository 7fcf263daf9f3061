// Image files → pixels in the SAM worker. The encoder needs the image at SAM's input size only
// (longest side 1024), so it is decoded straight to that size: the original size comes from the
// file's header (never from decoding it), and the full-size image is never held.
//
// What the browser actually allocates (Chromium 156, a 16,000 × 12,000 image, peak memory of all
// browser processes while decoding in a worker): `createImageBitmap(blob)` ~1 GB, and
// `createImageBitmap(blob, { resizeWidth, resizeHeight })` ~1 GB too (it decodes the full image,
// then scales); a JPEG through WebCodecs' `ImageDecoder` with `desiredWidth/Height` is decoded by
// libjpeg at 1/8 scale (2000 × 1500) in ~60 MB. So JPEGs go through `ImageDecoder` where there is
// one. PNG has no reduced decode in browsers: a PNG larger than the target is streamed from the
// blob through @loupe/imaging's decoder, which inflates it (the browser's DecompressionStream) and
// unfilters it a scanline at a time and area-averages into the target (memory: the target plus a
// scanline, whatever the image's size, and what DecompressionStream's output leaves for the
// garbage collector; bench/imaging, 8000 × 6000: 0.9 s and +116 MB where createImageBitmap's
// resize takes 1.0 s and +270 MB, 16000 × 12000: 3.1 s, +163 MB against 3.8 s, +979 MB);
// it reads samples as sRGB (gAMA/iCCP are not applied, where createImageBitmap would). Other
// formats, and PNGs no larger than the target, go through `createImageBitmap` with resize options.

import { decodePngDownscaled, inflaterFor, probeImage, type ImageInfo } from '@loupe/imaging'
import { modelInputSize, type RgbaImage, type Size } from '@loupe/sam'

/**
 * Bytes of the file's start read for its header, in turn: most headers fit the first 64 KB; a
 * JPEG whose metadata (EXIF thumbnail, ICC profile) comes before its frame header may need more;
 * the whole file is the last resort.
 */
const HEADER_READS = [64 * 1024, 1024 * 1024]

/** The image's format and size as displayed (EXIF orientation applied), from its header. */
export async function readImageInfo(blob: Blob): Promise<ImageInfo | null> {
  for (const bytes of [...HEADER_READS.filter((n) => n < blob.size), blob.size]) {
    const probe = probeImage(new Uint8Array(await blob.slice(0, bytes).arrayBuffer()))
    if (probe.ok) return probe.image
  }
  return null
}

export interface EncoderDecodePlan {
  /** The image as displayed: prompts and masks are in its pixels. */
  original: Size
  /** The size to decode to: `modelInputSize(original)`, what SAM's preprocessing resizes to. */
  target: Size
  /**
   * How: `jpeg-reduced` JPEG's scaled DCT through ImageDecoder (1/2 to 1/8 while still ≥ target);
   * `png-stream` the streaming PNG decoder (a PNG larger than the target); `bitmap`
   * createImageBitmap with resize options (the browser may decode the whole image first).
   */
  via: 'jpeg-reduced' | 'png-stream' | 'bitmap'
}

/** How an image of this header is decoded for the encoder. */
export function encoderDecodePlan(
  info: Pick<ImageInfo, 'mime' | 'width' | 'height'>,
): EncoderDecodePlan {
  const original = { width: info.width, height: info.height }
  const target = modelInputSize(original)
  const shrinks = Math.max(target.width, target.height) < Math.max(original.width, original.height)
  const via =
    info.mime === 'image/jpeg' && 2 * target.width <= original.width
      ? 'jpeg-reduced'
      : info.mime === 'image/png' && shrinks
        ? 'png-stream'
        : 'bitmap'
  return { original, target, via }
}

/**
 * The image at SAM's input size, its original size and how it was decoded, or null when its
 * header cannot be read (the caller then decodes it whole). A damaged PNG rejects with a
 * PngDecodeError saying what is wrong and where (never pixels of a half-decoded image).
 */
export async function decodeForEncoder(
  blob: Blob,
): Promise<{ pixels: RgbaImage; original: Size; via: EncoderDecodePlan['via'] } | null> {
  const info = await readImageInfo(blob)
  if (!info) return null
  const plan = encoderDecodePlan(info)
  const { target, original } = plan
  if (plan.via === 'png-stream') {
    const png = await decodePngDownscaled(blob.stream(), target, { inflater: inflaterFor(info) })
    return {
      pixels: { width: png.width, height: png.height, data: png.data },
      original,
      via: plan.via,
    }
  }
  const reduced = plan.via === 'jpeg-reduced' ? await reducedDecode(blob, info.mime, target) : null
  const bitmap =
    reduced ??
    (await createImageBitmap(blob, {
      resizeWidth: target.width,
      resizeHeight: target.height,
      resizeQuality: 'high',
    }))
  try {
    return { pixels: bitmapPixels(bitmap, target), original, via: reduced ? plan.via : 'bitmap' }
  } finally {
    bitmap.close()
  }
}

/**
 * A JPEG decoded by WebCodecs at a reduced scale no smaller than `target` (the browser picks the
 * scale; orientation is applied), then resized to `target`. Null where there is no ImageDecoder
 * or it fails (the caller falls back to createImageBitmap).
 */
export async function reducedDecode(
  blob: Blob,
  type: string,
  target: Size,
): Promise<ImageBitmap | null> {
  if (typeof ImageDecoder === 'undefined') return null
  if (!(await ImageDecoder.isTypeSupported(type).catch(() => false))) return null
  let decoder: ImageDecoder | null = null
  try {
    decoder = new ImageDecoder({
      data: blob.stream(),
      type,
      desiredWidth: target.width,
      desiredHeight: target.height,
    })
    const { image } = await decoder.decode()
    try {
      return await createImageBitmap(image, {
        resizeWidth: target.width,
        resizeHeight: target.height,
        resizeQuality: 'high',
      })
    } finally {
      image.close()
    }
  } catch {
    return null
  } finally {
    decoder?.close()
  }
}

/** The RGBA pixels of a bitmap, drawn at `size`. */
export function bitmapPixels(bitmap: ImageBitmap, size: Size): RgbaImage {
  const canvas = new OffscreenCanvas(size.width, size.height)
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (!context) throw new Error('no 2D context in this worker')
  context.imageSmoothingQuality = 'high'
  context.drawImage(bitmap, 0, 0, size.width, size.height)
  const data = context.getImageData(0, 0, size.width, size.height)
  return { width: size.width, height: size.height, data: data.data }
}
