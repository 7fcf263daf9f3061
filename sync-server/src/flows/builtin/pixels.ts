import { convertIndexedToRgb, decode as decodePng, hasPngSignature } from 'fast-png'

/** Decoded pixels as 8-bit RGB, row-major. */
export interface RgbImage {
  width: number
  height: number
  rgb: Uint8Array
}

/**
 * Decodes an image the server can read without native codecs: PNG (any bit depth, grey, palette,
 * alpha). Other formats answer null (auto-annotate skips them with a warning).
 */
export function decodeRgb(bytes: Uint8Array): RgbImage | null {
  if (!hasPngSignature(bytes)) return null
  const png = decodePng(bytes)
  const { width, height } = png
  let channels = png.channels
  let data: ArrayLike<number> = png.data
  let max = png.depth === 16 ? 65535 : (1 << png.depth) - 1
  if (png.palette) {
    data = convertIndexedToRgb(png)
    channels = png.palette[0]?.length ?? 3
    max = 255
  }
  const rgb = new Uint8Array(width * height * 3)
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      const source = channels >= 3 ? c : 0
      rgb[i * 3 + c] = Math.round((Number(data[i * channels + source]) / max) * 255)
    }
  }
  return { width, height, rgb }
}

/** `[1, 3, h, w]` float32, 0…1, the image stretched (nearest neighbour) to w × h. */
export function toInputTensor(image: RgbImage, w: number, h: number): Float32Array {
  const out = new Float32Array(3 * w * h)
  const plane = w * h
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / h))
    for (let x = 0; x < w; x++) {
      const sx = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / w))
      const s = (sy * image.width + sx) * 3
      const d = y * w + x
      out[d] = image.rgb[s]! / 255
      out[plane + d] = image.rgb[s + 1]! / 255
      out[2 * plane + d] = image.rgb[s + 2]! / 255
    }
  }
  return out
}
