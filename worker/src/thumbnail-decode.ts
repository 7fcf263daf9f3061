// Image files → pixels at thumbnail size, without holding the full-size image where the format
// allows: a PNG is streamed through @loupe/imaging's decoder, area-averaged straight to the
// thumbnail's size (a 16,000 × 12,000 PNG needs a few MB, not 768 MB); a JPEG is decoded at a
// reduced scale by WebCodecs' ImageDecoder where there is one (as for SAM, sam-image-decode.ts).
// Other formats, and JPEGs where ImageDecoder is missing or fails, are decoded whole by
// createImageBitmap and scaled when drawn.

import { decodePngDownscaled, inflaterFor } from '@loupe/imaging'
import { readImageInfo, reducedDecode } from './sam-image-decode'
import { fitWithin } from './thumbnail-protocol'

export type ThumbnailPixels =
  /** RGBA at the thumbnail's size (straight alpha, ImageData's layout). */
  | { via: 'png-stream'; width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> }
  /** A bitmap to draw at `width` × `height` (already that size for `jpeg-reduced`). */
  | { via: 'jpeg-reduced' | 'bitmap'; width: number; height: number; bitmap: ImageBitmap }

/**
 * The image at thumbnail size (longest side `maxSize`, never enlarged). A damaged PNG rejects
 * with a PngDecodeError saying what and where. The caller closes a returned bitmap.
 */
export async function decodeForThumbnail(blob: Blob, maxSize: number): Promise<ThumbnailPixels> {
  const info = await readImageInfo(blob)
  if (info?.mime === 'image/png') {
    const png = await decodePngDownscaled(
      blob.stream(),
      (size) => fitWithin(size.width, size.height, maxSize),
      { inflater: inflaterFor(info) },
    )
    return { via: 'png-stream', width: png.width, height: png.height, data: png.data }
  }
  if (info?.mime === 'image/jpeg') {
    const size = fitWithin(info.width, info.height, maxSize)
    const bitmap = 2 * size.width <= info.width ? await reducedDecode(blob, info.mime, size) : null
    if (bitmap) return { via: 'jpeg-reduced', ...size, bitmap }
  }
  const bitmap = await createImageBitmap(blob)
  return { via: 'bitmap', ...fitWithin(bitmap.width, bitmap.height, maxSize), bitmap }
}
