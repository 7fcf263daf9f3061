// LabelMe mask shapes: a base64 PNG of the mask over its box, written by labelme as an 8-bit
// grayscale image of 0 and 1. Any PNG decodes (1-bit, palette, RGB(A), 16-bit): a pixel is set
// when its first sample is not 0.

import type { Bitmap } from '@loupe/masks'
import { decode, encode } from 'fast-png'
import { base64Decode, base64Encode } from './base64'

/** The bitmap of a base64 PNG, or null when the text is not one. */
export function maskFromBase64Png(text: string): Bitmap | null {
  const bytes = base64Decode(text)
  if (!bytes) return null
  let png: ReturnType<typeof decode>
  try {
    png = decode(bytes)
  } catch {
    return null
  }
  const { width, height, channels, depth } = png
  if (width < 1 || height < 1) return null
  const data = new Uint8Array(width * height)
  const samples = png.data
  if (depth < 8 && samples.length < width * height * channels) {
    // packed samples, rows padded to whole bytes
    const rowBytes = Math.ceil((width * channels * depth) / 8)
    const mask = (1 << depth) - 1
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * channels * depth
        const byte = samples[y * rowBytes + (bit >> 3)] ?? 0
        const value = (byte >> (8 - depth - (bit & 7))) & mask
        data[y * width + x] = value !== 0 ? 1 : 0
      }
    }
  } else {
    for (let i = 0; i < width * height; i++) data[i] = samples[i * channels] !== 0 ? 1 : 0
  }
  return { width, height, data }
}

/** A bitmap as labelme writes masks: base64 of an 8-bit grayscale PNG of 0 and 1. */
export function maskToBase64Png(bitmap: Bitmap): string {
  const data = new Uint8Array(bitmap.width * bitmap.height)
  for (let i = 0; i < data.length; i++) data[i] = bitmap.data[i] ? 1 : 0
  return base64Encode(
    encode({ width: bitmap.width, height: bitmap.height, data, channels: 1, depth: 8 }),
  )
}
