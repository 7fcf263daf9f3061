// The benchmark's PNG: a photo-like RGB image (smooth shading, edges, sensor noise) of the asked
// size, written once to the temp folder and reused. Noise keeps it from compressing to nothing:
// ~0.65 bytes a pixel (30 MB at 8000 × 6000), nearer a photo than a flat test card.

import { existsSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Zlib } from 'fflate'
import {
  PNG_SIGNATURE,
  filterScanline,
  ihdr,
  pngChunk,
} from '../../packages/imaging/src/png-testing/encode-png'
import { seededRandom } from '../../packages/imaging/src/png-testing/reference'

/** The RGB of pixel (x, y) of the scene into `out` at `o`. */
function scenePixel(
  x: number,
  y: number,
  width: number,
  height: number,
  noise: number,
  out: Uint8Array,
  o: number,
) {
  const u = x / width
  const v = y / height
  const sky = v < 0.45
  const block = u > 0.2 && u < 0.45 && v > 0.55 && v < 0.85
  const base = block
    ? [170, 40, 40]
    : sky
      ? [120 + 80 * v, 160 + 60 * v, 235]
      : [90 + 30 * u, 92, 96 + 20 * v]
  out[o] = Math.max(0, Math.min(255, base[0]! + noise))
  out[o + 1] = Math.max(0, Math.min(255, base[1]! + noise))
  out[o + 2] = Math.max(0, Math.min(255, base[2]! + noise))
}

/**
 * The path of a `width` × `height` RGB PNG of the scene (filter Paeth on every row), made on
 * first use. Written row by row through fflate's streaming Zlib, so making it needs no more
 * memory than the file.
 */
export function benchPng(width: number, height: number): string {
  const path = join(tmpdir(), `loupe-bench-scene-${width}x${height}.png`)
  if (existsSync(path)) return path
  const random = seededRandom(2024)
  const parts: Uint8Array[] = [
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr({ width, height, bitDepth: 8, colorType: 2 })),
  ]
  const zlib = new Zlib({ level: 6 }, (data) => {
    if (data.length) parts.push(pngChunk('IDAT', data))
  })
  let prev: Uint8Array | null = null
  for (let y = 0; y < height; y++) {
    const raw = new Uint8Array(width * 3)
    for (let x = 0; x < width; x++) scenePixel(x, y, width, height, random(9) - 4, raw, 3 * x)
    zlib.push(filterScanline(4, raw, prev, 3), y === height - 1)
    prev = raw
  }
  parts.push(pngChunk('IEND', new Uint8Array(0)))
  const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    file.set(part, at)
    at += part.length
  }
  writeFileSync(`${path}.part`, file)
  renameSync(`${path}.part`, path)
  return path
}
