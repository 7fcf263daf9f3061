import { describe, expect, it } from 'vitest'
import { rleToBitmap } from '@loupe/masks'
import { modelInputSize, type Size } from './geometry'
import { logitsToMask, type MaskLogits } from './upsample'
import { referenceLogitsToMask } from './upsample-reference'

/** PyTorch bilinear (align_corners=False) of a whole row-major grid — the reference. */
function interpolate(src: Float32Array, sw: number, sh: number, ow: number, oh: number) {
  const out = new Float32Array(ow * oh)
  const coord = (o: number, n: number, m: number) => {
    const s = Math.max(0, (o + 0.5) * (n / m) - 0.5)
    const a = Math.min(Math.floor(s), n - 1)
    return [a, a < n - 1 ? a + 1 : a, s - a] as const
  }
  for (let y = 0; y < oh; y++) {
    const [y0, y1, wy] = coord(y, sh, oh)
    for (let x = 0; x < ow; x++) {
      const [x0, x1, wx] = coord(x, sw, ow)
      const top = src[y0 * sw + x0]! * (1 - wx) + src[y0 * sw + x1]! * wx
      const bottom = src[y1 * sw + x0]! * (1 - wx) + src[y1 * sw + x1]! * wx
      out[y * ow + x] = top * (1 - wy) + bottom * wy
    }
  }
  return out
}

/** SAM's full postprocessing, naively over the whole image. */
function naiveMask(logits: MaskLogits, image: Size): Uint8Array {
  const r = modelInputSize(image)
  const up = interpolate(logits.data, 256, 256, 1024, 1024)
  const crop = new Float32Array(r.width * r.height)
  for (let y = 0; y < r.height; y++)
    crop.set(up.subarray(y * 1024, y * 1024 + r.width), y * r.width)
  const full = interpolate(crop, r.width, r.height, image.width, image.height)
  return Uint8Array.from(full, (v) => (v > 0 ? 1 : 0))
}

function blob(seed: number): MaskLogits {
  const data = new Float32Array(256 * 256).fill(-5)
  let s = seed
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let k = 0; k < 6; k++) {
    const cx = 20 + rand() * 150
    const cy = 20 + rand() * 150
    const r = 4 + rand() * 20
    for (let y = 0; y < 256; y++) {
      for (let x = 0; x < 256; x++) {
        const v = r - Math.hypot(x - cx, y - cy)
        if (v > data[y * 256 + x]!) data[y * 256 + x] = v
      }
    }
  }
  return { data, width: 256, height: 256, space: 'low-res' }
}

describe('logitsToMask', () => {
  it('matches SAM full-image postprocessing exactly, computed only in the box', () => {
    for (const [seed, image] of [
      [1, { width: 640, height: 480 }],
      [2, { width: 333, height: 1000 }],
      [3, { width: 1500, height: 700 }],
    ] as const) {
      const logits = blob(seed)
      const naive = naiveMask(logits, image)
      const mask = logitsToMask(logits, image)!
      const local = rleToBitmap(mask.rle)
      let area = 0
      let naiveArea = 0
      let differ = 0
      for (let y = 0; y < image.height; y++) {
        for (let x = 0; x < image.width; x++) {
          const inBox = x >= mask.box.x1 && x < mask.box.x2 && y >= mask.box.y1 && y < mask.box.y2
          const ours = inBox ? local.data[(y - mask.box.y1) * local.width + (x - mask.box.x1)]! : 0
          if (ours !== naive[y * image.width + x]) differ++
          area += ours
          naiveArea += naive[y * image.width + x]!
        }
      }
      expect(differ).toBe(0)
      expect(naiveArea).toBeGreaterThan(100)
      expect(mask.area).toBe(area)
    }
  })

  it('is null for an empty mask and ignores logits in the padding', () => {
    const data = new Float32Array(256 * 256).fill(-1)
    expect(
      logitsToMask(
        { data, width: 256, height: 256, space: 'low-res' },
        { width: 100, height: 100 },
      ),
    ).toBeNull()
    // positive only below the resized image (a 2:1 image fills rows 0–127)
    for (let i = 200 * 256; i < 256 * 256; i++) data[i] = 5
    expect(
      logitsToMask(
        { data, width: 256, height: 256, space: 'low-res' },
        { width: 200, height: 100 },
      ),
    ).toBeNull()
  })

  it('handles a 16,000 × 12,000 image with a small object in a small box', () => {
    const data = new Float32Array(256 * 256).fill(-5)
    data[100 * 256 + 100] = 5
    const mask = logitsToMask(
      { data, width: 256, height: 256, space: 'low-res' },
      { width: 16000, height: 12000 },
    )!
    expect(mask.box.x2 - mask.box.x1).toBeLessThan(200)
    expect(mask.area).toBeGreaterThan(0)
  })
})

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/**
 * Logits of several kinds: smooth blobs with noise (outlines crossing cells at every angle), pure
 * noise, exact zeros and values at the edge of float32 (tiny, huge, infinite, NaN).
 */
function randomLogits(seed: number, kind: 'blobs' | 'noise' | 'edges', w = 256, h = 256) {
  const rand = random(seed)
  const data = new Float32Array(w * h)
  if (kind === 'noise') {
    for (let i = 0; i < data.length; i++) data[i] = rand() < 0.15 ? rand() * 4 : -rand() * 4
  } else {
    data.fill(-8)
    for (let k = 0; k < 5; k++) {
      const cx = rand() * w
      const cy = rand() * h
      const r = 2 + rand() * w * 0.15
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = (r - Math.hypot(x - cx, y - cy)) / 3 + (rand() - 0.5) * 0.8
          if (v > data[y * w + x]!) data[y * w + x] = v
        }
      }
    }
    if (kind === 'edges') {
      const specials = [0, -0, 1e-40, -1e-40, 1e-31, 3e38, -3e38, Infinity, -Infinity, NaN, 1e-7]
      for (let i = 0; i < data.length; i++) {
        if (rand() < 0.05) data[i] = specials[Math.floor(rand() * specials.length)]!
      }
    }
  }
  return data
}

const KINDS = ['blobs', 'noise', 'edges'] as const

describe('logitsToMask matches the per-pixel reference exactly', () => {
  const sizes: Size[] = [
    { width: 1024, height: 1024 },
    { width: 8000, height: 6000 },
    { width: 333, height: 1000 },
    { width: 1023, height: 1025 },
    { width: 4097, height: 13 },
    { width: 7, height: 3 },
    { width: 1, height: 777 },
    { width: 2049, height: 1531 },
    { width: 640, height: 481 },
  ]

  it('low-res logits: random blobs, noise and float edge values, many image sizes', () => {
    let checked = 0
    sizes.forEach((image, n) => {
      // noise sets pixels all over: the per-pixel reference is slow on the largest image
      const kinds = image.width * image.height > 1e7 ? (['edges'] as const) : KINDS
      for (const kind of kinds) {
        const seed = 100 + n * 7 + kind.length
        const logits: MaskLogits = {
          data: randomLogits(seed, kind),
          width: 256,
          height: 256,
          space: 'low-res',
        }
        const expected = referenceLogitsToMask(logits, image)
        expect(
          logitsToMask(logits, image),
          `seed ${seed}, ${kind}, ${image.width}x${image.height}`,
        ).toEqual(expected)
        if (expected) checked++
      }
    })
    expect(checked).toBeGreaterThan(20)
  })

  it('reduced output grids, other thresholds, logits in model space', () => {
    const rand = random(7)
    for (let n = 0; n < 8; n++) {
      const image = {
        width: 200 + Math.floor(rand() * 9000),
        height: 50 + Math.floor(rand() * 7000),
      }
      const output = {
        width: Math.max(1, Math.round(image.width * (0.05 + rand()))),
        height: Math.max(1, Math.round(image.height * (0.05 + rand()))),
      }
      const low: MaskLogits = {
        data: randomLogits(n, n % 3 === 0 ? 'edges' : 'blobs'),
        width: 256,
        height: 256,
        space: 'low-res',
      }
      const where = `case ${n}: ${image.width}x${image.height} → ${output.width}x${output.height}`
      expect(logitsToMask(low, image, { output }), where).toEqual(
        referenceLogitsToMask(low, image, { output }),
      )
      const threshold = rand() * 2 - 1
      expect(logitsToMask(low, image, { threshold }), where).toEqual(
        referenceLogitsToMask(low, image, { threshold }),
      )
      const resized = modelInputSize(image)
      const modelSpace: MaskLogits = {
        data: randomLogits(n + 50, 'blobs', resized.width, resized.height),
        width: resized.width,
        height: resized.height,
        space: 'resized',
      }
      expect(logitsToMask(modelSpace, image), where).toEqual(
        referenceLogitsToMask(modelSpace, image),
      )
    }
  })
})
