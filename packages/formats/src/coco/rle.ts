// Whole-image RLE objects as COCO and Datumaro files hold them.

import { RleError, rleCountsFromString, type Rle } from '@loupe/masks'
import { at, type JsonFields, type JsonPath } from './json'

/**
 * An RLE object `{counts, size}` over a whole image (COCO `segmentation`, Datumaro `rle`), counts as
 * numbers or as a compressed string; its size must be the image's.
 */
export function readRle(
  f: JsonFields,
  value: unknown,
  path: JsonPath,
  image: { width: number; height: number },
): Rle {
  const rle = f.object(value, path, 'polygons or an RLE {counts, size}')
  const size = f.numbers(rle.size, at(path, 'size'), 'size [height, width]')
  if (size.length !== 2 || size[0] !== image.height || size[1] !== image.width) {
    f.fail(
      at(path, 'size'),
      `expected size [${image.height}, ${image.width}] (the image's height and width)`,
    )
  }
  let counts: number[]
  if (typeof rle.counts === 'string') {
    try {
      counts = rleCountsFromString(rle.counts)
    } catch (error) {
      if (!(error instanceof RleError)) throw error
      return f.fail(at(path, 'counts'), `expected a compressed RLE string (${error.message})`)
    }
  } else {
    counts = f.numbers(rle.counts, at(path, 'counts'), 'RLE counts (numbers or a string)')
  }
  let total = 0
  for (let k = 0; k < counts.length; k++) {
    const run = counts[k]!
    if (!Number.isSafeInteger(run) || run < 0) {
      f.fail(at(path, 'counts', k), 'expected a non-negative integer run length')
    }
    total += run
  }
  const pixels = image.height * image.width
  if (total !== pixels) {
    f.fail(at(path, 'counts'), `expected runs covering ${pixels} pixels, got ${total}`)
  }
  return { size: [image.height, image.width], counts }
}
