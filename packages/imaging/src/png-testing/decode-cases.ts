// The streaming decoder's test cases as data: a file, a target size and what must come out
// (pixels as a full decode + plain box resize gives them, or an error with its code and place),
// so that the same cases run in Node (png-downscale.test.ts, fflate) and in Chromium
// (e2e/sam-png.e2e.test.ts, DecompressionStream and fflate). The damaged files are in
// damaged-cases.ts.

import { expect } from 'vitest'
import type { PngErrorPlace } from '../png-error'
import { CHANNELS, encodePng, type PngSpec } from './encode-png'
import { referencePixels, referenceResize, seededRandom } from './reference'

type ColorType = PngSpec['colorType']
type BitDepth = PngSpec['bitDepth']

export const COMBINATIONS: [ColorType, BitDepth][] = [
  [0, 1],
  [0, 2],
  [0, 4],
  [0, 8],
  [0, 16],
  [2, 8],
  [2, 16],
  [3, 1],
  [3, 2],
  [3, 4],
  [3, 8],
  [4, 8],
  [4, 16],
  [6, 8],
  [6, 16],
]

/**
 * A test image: smooth gradients with noise (so every filter has work to do), random alpha in
 * part of it, a palette of the depth's size. With `keyed`, a tRNS chunk whose key colour (or,
 * for palettes, some entries' alpha) occurs in the image.
 */
export function testSpec(
  colorType: ColorType,
  bitDepth: BitDepth,
  width: number,
  height: number,
  options: { keyed?: boolean; interlaced?: boolean; seed?: number } = {},
): PngSpec {
  const random = seededRandom(options.seed ?? 7)
  const channels = CHANNELS[colorType]
  const levels = 2 ** bitDepth
  const samples =
    bitDepth === 16
      ? new Uint16Array(width * height * channels)
      : new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const smooth = ((x * (c + 1) + y * (3 - c)) / (width + height)) * levels
        const v = Math.floor(smooth + random(Math.max(2, levels / 8))) % levels
        const alpha = (colorType === 4 && c === 1) || (colorType === 6 && c === 3)
        samples[(y * width + x) * channels + c] =
          alpha && x < width / 2 ? random(levels) : alpha ? levels - 1 : v
      }
    }
  }
  const spec: PngSpec = {
    width,
    height,
    colorType,
    bitDepth,
    samples,
    interlaced: options.interlaced,
  }
  if (colorType === 3) {
    spec.palette = Uint8Array.from({ length: 3 * levels }, () => random(256))
    if (options.keyed)
      spec.transparency = Uint8Array.from({ length: Math.max(1, levels >> 1) }, () => random(256))
  } else if (options.keyed && (colorType === 0 || colorType === 2)) {
    // The first pixel's colour is the key, so some pixels are transparent.
    const key = Array.from({ length: channels }, (_, c) => samples[c]!)
    spec.transparency = new Uint8Array(key.flatMap((v) => [v >> 8, v & 255]))
  }
  return spec
}

/** The spec's image as a full decode + plain box resize to `tw` × `th` gives it. */
export function expected(spec: PngSpec, tw: number, th: number): Uint8ClampedArray {
  const { rgba, max } = referencePixels(spec)
  return referenceResize(rgba, spec.width, spec.height, max, tw, th)
}

/** Largest difference between two RGBA buffers. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let diff = 0
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!))
  return diff
}

/** What a decode gave: the image, or the error (a PngDecodeError's code and place). */
export type DecodeOutcome =
  | { ok: true; width: number; height: number; data: ArrayLike<number> }
  | {
      ok: false
      name: string
      message: string
      code?: string
      place?: PngErrorPlace
    }

export interface DecodeCase {
  name: string
  png: Uint8Array
  target: { width: number; height: number }
  /** Throws (vitest's expect) unless the outcome is right. */
  check(outcome: DecodeOutcome): void
}

function pixelCase(
  name: string,
  spec: PngSpec,
  { width, height }: { width: number; height: number },
  tolerance: number,
): DecodeCase {
  const png = encodePng(spec)
  const target = { width, height }
  let want: Uint8ClampedArray | null = null
  return {
    name,
    png,
    target,
    check(outcome) {
      if (!outcome.ok) throw new Error(`${name}: ${outcome.name}: ${outcome.message}`)
      expect([outcome.width, outcome.height], name).toEqual([target.width, target.height])
      want ??= expected(spec, target.width, target.height)
      expect(maxDifference(outcome.data, want), name).toBeLessThanOrEqual(tolerance)
    },
  }
}

function failure(outcome: DecodeOutcome, name: string) {
  if (outcome.ok) throw new Error(`${name}: decoded, expected a PngDecodeError`)
  expect(outcome.name, `${name}: ${outcome.message}`).toBe('PngDecodeError')
  return outcome
}

export interface ErrorExpectation {
  /** The code, or the codes any of which is right. */
  code: string | string[]
  message?: RegExp
  place?: PngErrorPlace
  /** Anything else to check. */
  also?: (outcome: Extract<DecodeOutcome, { ok: false }>) => void
}

export function errorCase(
  name: string,
  png: Uint8Array,
  target: { width: number; height: number },
  want: ErrorExpectation,
): DecodeCase {
  return {
    name,
    png,
    target,
    check(outcome) {
      const error = failure(outcome, name)
      const codes = typeof want.code === 'string' ? [want.code] : want.code
      expect(codes, `${name}: ${error.message}`).toContain(error.code)
      if (want.message) expect(error.message, name).toMatch(want.message)
      if (want.place) expect(error.place, `${name}: ${error.message}`).toMatchObject(want.place)
      want.also?.(error)
    },
  }
}

/** Decoding valid files: every colour type, bit depth, filter, interlacing, ratio. */
export function pixelCases(): DecodeCase[] {
  const cases: DecodeCase[] = []
  for (const [colorType, bitDepth] of COMBINATIONS) {
    for (const keyed of colorType === 0 || colorType === 2 || colorType === 3
      ? [false, true]
      : [false]) {
      const spec = testSpec(colorType, bitDepth, 67, 45, { keyed })
      const name = `colour type ${colorType}, depth ${bitDepth}${keyed ? ', tRNS' : ''}`
      // Same size: the pixels themselves, exactly (16-bit rounded to 8).
      cases.push(pixelCase(name, spec, { width: 67, height: 45 }, 0))
      // Shrunk by ratios that are not whole (67/13, 45/9 and 67/20, 45/7): within 1 level.
      for (const [width, height] of [
        [13, 9],
        [20, 7],
        [1, 1],
      ] as const) {
        cases.push(pixelCase(`${name} → ${width}x${height}`, spec, { width, height }, 1))
      }
    }
  }
  // Every filter type on real data, each alone.
  const base = testSpec(6, 8, 50, 30)
  for (let type = 0; type <= 4; type++) {
    cases.push(pixelCase(`filter ${type}`, { ...base, filter: () => type }, base, 0))
  }
  // 16-bit: bpp 8, so Sub/Average/Paeth reach 8 bytes back.
  const wide = { ...testSpec(6, 16, 41, 17), filter: (row: number) => 4 - (row % 5) }
  cases.push(pixelCase('16-bit RGBA, filters 4 to 0', wide, wide, 0))
  // Adam7: 11 × 6 leaves some passes empty or one pixel wide.
  for (const [colorType, bitDepth] of COMBINATIONS) {
    for (const [w, h] of [
      [53, 38],
      [11, 6],
      [1, 1],
    ] as const) {
      const spec = testSpec(colorType, bitDepth, w, h, { interlaced: true, keyed: true })
      const name = `interlaced colour type ${colorType}, depth ${bitDepth}, ${w}x${h}`
      cases.push(pixelCase(name, spec, { width: w, height: h }, 0))
      const target = {
        width: Math.max(1, Math.round(w / 3)),
        height: Math.max(1, Math.round(h / 4)),
      }
      cases.push(pixelCase(`${name} → ${target.width}x${target.height}`, spec, target, 1))
    }
  }
  // IDAT in 7-byte chunks, with and without interlacing.
  const split = { ...testSpec(2, 8, 64, 40, { keyed: true }), idatSize: 7 }
  cases.push(pixelCase('IDAT in 7-byte chunks', split, { width: 16, height: 10 }, 1))
  const splitInterlaced = { ...split, interlaced: true }
  cases.push(
    pixelCase('interlaced, IDAT in 7-byte chunks', splitInterlaced, { width: 16, height: 10 }, 1),
  )
  // Upscaling repeats pixels.
  cases.push(pixelCase('upscaled 5x4 → 11x9', testSpec(2, 8, 5, 4), { width: 11, height: 9 }, 1))
  return cases
}
