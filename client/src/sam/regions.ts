// Large images and the weight-free tools: the worker's magic wand and live wire work on full
// pixels, which for a 16,000 × 12,000 image would be 768 MB. Past LARGE_IMAGE_PIXELS the tools
// get a window of the image around where the user works instead (decoded by the browser off the
// main thread with createImageBitmap), and shift the results back into image pixels.

import type { Point, RgbaImage } from '@loupe/sam'
import type { ImageInput } from '../../../worker/src/sam-client'

/** Images up to this many pixels go to the worker whole (4096²: 64 MB of RGBA). */
export const LARGE_IMAGE_PIXELS = 4096 * 4096
/** The side of the window of a large image. */
export const REGION_SIZE = 2048

export interface Region {
  x: number
  y: number
  width: number
  height: number
}

export interface RegionInput {
  input: ImageInput
  /** Where the input's pixel (0, 0) is in the image. */
  offset: Point
  region: Region
}

/** The window of `size` around `points` (centred on them), inside the image. */
export function regionAround(
  points: readonly Point[],
  image: { width: number; height: number },
  size = REGION_SIZE,
): Region {
  const xs = points.map((p) => p.x)
  const ys = points.map((p) => p.y)
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2
  const width = Math.min(size, image.width)
  const height = Math.min(size, image.height)
  const x = Math.max(0, Math.min(image.width - width, Math.round(cx - width / 2)))
  const y = Math.max(0, Math.min(image.height - height, Math.round(cy - height / 2)))
  return { x, y, width, height }
}

export function contains(region: Region, p: Point, margin = 0): boolean {
  return (
    p.x >= region.x + margin &&
    p.y >= region.y + margin &&
    p.x < region.x + region.width - margin &&
    p.y < region.y + region.height - margin
  )
}

/** The pixels of a window of an image file. */
export async function readRegion(blob: Blob, region: Region): Promise<RgbaImage> {
  const { x, y, width, height } = region
  const bitmap = await createImageBitmap(blob, x, y, width, height)
  try {
    const canvas = new OffscreenCanvas(width, height)
    const context = canvas.getContext('2d', { willReadFrequently: true })
    if (!context) throw new Error('no 2D canvas context')
    context.drawImage(bitmap, 0, 0)
    return { width, height, data: context.getImageData(0, 0, width, height).data }
  } finally {
    bitmap.close()
  }
}

/** Shifts a flat x,y path by `offset`. */
export function shiftPath(path: readonly number[], offset: Point): number[] {
  return path.map((v, i) => v + (i % 2 === 0 ? offset.x : offset.y))
}
