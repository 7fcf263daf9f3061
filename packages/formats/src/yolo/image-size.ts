// Image sizes for formats whose annotation files do not carry them (YOLO) or may leave them out
// (VOC): from the image's bytes in the archive, else from the project (options.imageSize).

import { probeImage } from '@loupe/imaging'
import { FormatError } from '../errors'
import { basename } from '../files'
import type { ReadOptions } from '../format'

export interface ImageSize {
  width: number
  height: number
}

/**
 * The size of image `name`: probed from `data` (the bytes at `imagePath` in the archive) when
 * present, else asked of `options.imageSize` by name, then by base name. Throws FormatError
 * naming `file` (the annotation file that needs it) when neither knows it, or naming the image
 * when its bytes are not an image.
 */
export function imageSizeOf(
  name: string,
  data: Uint8Array | undefined,
  imagePath: string,
  file: string,
  options: ReadOptions | undefined,
): ImageSize {
  if (data) {
    const probe = probeImage(data)
    if (!probe.ok) throw new FormatError(imagePath, '', `expected an image (${probe.reason})`)
    return { width: probe.image.width, height: probe.image.height }
  }
  const known = options?.imageSize?.(name) ?? options?.imageSize?.(basename(name))
  if (known && known.width > 0 && known.height > 0) return known
  throw new FormatError(
    file,
    '',
    `expected the size of image ${name}: the archive does not hold the image and the project does not know it`,
  )
}
