import { convertIndexedToRgb, decode as decodePng, hasPngSignature } from 'fast-png'
import { probeImage } from '@loupe/imaging'
import { decode as decodeJpeg } from 'jpeg-js'

/** Decoded pixels as 8-bit RGB, row-major. */
export interface RgbImage {
  width: number
  height: number
  rgb: Uint8Array
}

/**
 * Decodes an image the server can read without native codecs: PNG (any bit depth, grey, palette,
 * alpha) and baseline/progressive JPEG, turned upright by its EXIF orientation so pixels line up
 * with the image's stored (displayed) width and height. Other formats answer null (auto-annotate
 * skips them with a warning).
 */
export function decodeRgb(bytes: Uint8Array): RgbImage | null {
  if (hasPngSignature(bytes)) return decodePngRgb(bytes)
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpegRgb(bytes)
  return null
}

function decodePngRgb(bytes: Uint8Array): RgbImage {
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

function decodeJpegRgb(bytes: Uint8Array): RgbImage {
  const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 })
  const image = { width: jpeg.width, height: jpeg.height, rgb: jpeg.data }
  const probe = probeImage(bytes)
  return orientUpright(image, probe.ok ? (probe.image.orientation ?? 1) : 1)
}

/** Applies EXIF orientation 2–8 (mirror and quarter turns) to stored pixels. */
export function orientUpright(image: RgbImage, orientation: number): RgbImage {
  if (orientation < 2 || orientation > 8) return image
  const { width: w, height: h, rgb } = image
  const swap = orientation >= 5
  const ow = swap ? h : w
  const oh = swap ? w : h
  const out = new Uint8Array(ow * oh * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // where stored pixel (x, y) lands when displayed
      let dx: number
      let dy: number
      switch (orientation) {
        case 2:
          ;[dx, dy] = [w - 1 - x, y]
          break
        case 3:
          ;[dx, dy] = [w - 1 - x, h - 1 - y]
          break
        case 4:
          ;[dx, dy] = [x, h - 1 - y]
          break
        case 5:
          ;[dx, dy] = [y, x]
          break
        case 6:
          ;[dx, dy] = [h - 1 - y, x]
          break
        case 7:
          ;[dx, dy] = [h - 1 - y, w - 1 - x]
          break
        default:
          ;[dx, dy] = [y, w - 1 - x]
      }
      const s = (y * w + x) * 3
      const d = (dy * ow + dx) * 3
      out[d] = rgb[s]!
      out[d + 1] = rgb[s + 1]!
      out[d + 2] = rgb[s + 2]!
    }
  }
  return { width: ow, height: oh, rgb: out }
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
