import { decode as fastPngDecode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import {
  PngDecodeError,
  PngDownscaleDecoder,
  decodePngDownscaled,
  inflaterFor,
  nativeInflateSupported,
  type DownscaledPng,
  type PngInflater,
  type PngTarget,
} from './index'
import { chunkAt, damagedCases } from './png-testing/damaged-cases'
import {
  COMBINATIONS,
  expected,
  maxDifference,
  pixelCases,
  testSpec,
  type DecodeCase,
  type DecodeOutcome,
} from './png-testing/decode-cases'
import { encodePng, pngScanlines } from './png-testing/encode-png'
import { seededRandom } from './png-testing/reference'

const decodeWhole = (png: Uint8Array, target: PngTarget) => {
  const decoder = new PngDownscaleDecoder(target)
  decoder.push(png)
  return decoder.finish()
}

function decodeInPieces(
  png: Uint8Array,
  target: PngTarget,
  pieces: (random: (n: number) => number) => number,
): DownscaledPng {
  const decoder = new PngDownscaleDecoder(target)
  const random = seededRandom(99)
  for (let at = 0; at < png.length;) {
    const size = Math.max(1, pieces(random))
    decoder.push(png.subarray(at, at + size))
    at += size
  }
  return decoder.finish()
}

async function* inPieces(png: Uint8Array, size: number) {
  for (let at = 0; at < png.length; at += size) yield png.slice(at, at + size)
}

async function outcomeOf(
  run: () => DownscaledPng | Promise<DownscaledPng>,
): Promise<DecodeOutcome> {
  try {
    const { width, height, data } = await run()
    return { ok: true, width, height, data }
  } catch (error) {
    if (!(error instanceof Error)) throw error
    const { name, message } = error
    if (!(error instanceof PngDecodeError)) return { ok: false, name, message }
    return { ok: false, name, message, code: error.code, place: error.place }
  }
}

const CASES: DecodeCase[] = [...pixelCases(), ...damagedCases()]

/**
 * The ways to decode a file that run here: the synchronous decoder, and decodePngDownscaled with
 * each inflater this runtime has (DecompressionStream only where it behaves as in browsers; in
 * Node the e2e test runs these cases in Chromium).
 */
const native = await nativeInflateSupported()
const WAYS: { name: string; decode: (c: DecodeCase) => Promise<DecodeOutcome> }[] = [
  { name: 'PngDownscaleDecoder', decode: (c) => outcomeOf(() => decodeWhole(c.png, c.target)) },
  ...(['fflate', ...(native ? ['native'] : [])] as PngInflater[]).flatMap((inflater) => [
    {
      name: `decodePngDownscaled (${inflater})`,
      decode: (c: DecodeCase) =>
        outcomeOf(() => decodePngDownscaled(c.png, c.target, { inflater })),
    },
    {
      name: `decodePngDownscaled (${inflater}) in 7-byte pieces`,
      decode: (c: DecodeCase) =>
        outcomeOf(() => decodePngDownscaled(inPieces(c.png, 7), c.target, { inflater })),
    },
  ]),
]

describe('the test PNG encoder', () => {
  it('writes files an independent decoder (fast-png) reads back to the same samples', () => {
    for (const [colorType, bitDepth] of COMBINATIONS) {
      for (const interlaced of bitDepth >= 8 ? [false, true] : [false]) {
        const spec = testSpec(colorType, bitDepth, 37, 23, { interlaced, keyed: true })
        const decoded = fastPngDecode(encodePng(spec))
        expect([decoded.width, decoded.height, decoded.depth]).toEqual([37, 23, bitDepth])
        const packed =
          bitDepth < 8
            ? // fast-png leaves sub-byte samples packed: compare with the filter-free scanlines.
              Array.from(pngScanlines({ ...spec, filter: () => 0 })).filter(
                (_, i) => i % (1 + Math.ceil((37 * bitDepth) / 8)) !== 0,
              )
            : Array.from(spec.samples)
        expect(Array.from(decoded.data), `colour type ${colorType}, depth ${bitDepth}`).toEqual(
          packed,
        )
      }
    }
  })
})

describe.each(WAYS)('$name', ({ decode }) => {
  it('matches a full decode + plain box resize: every colour type, bit depth, filter, interlacing', async () => {
    for (const c of pixelCases()) c.check(await decode(c))
  })

  it('damaged files: the error says what is wrong and where', async () => {
    for (const c of damagedCases()) c.check(await decode(c))
  })
})

describe('streaming PNG decode with area-averaging resize', () => {
  it('has test cases for every colour type and each kind of damage', () => {
    expect(CASES.length).toBeGreaterThan(200)
  })

  it('gives the same pixels whatever pieces the file arrives in, and however IDAT is split', () => {
    const spec = { ...testSpec(2, 8, 64, 40, { keyed: true }), idatSize: 7 }
    const png = encodePng(spec)
    const want = expected(spec, 16, 10)
    const target = { width: 16, height: 10 }
    expect(maxDifference(decodeInPieces(png, target, () => 1).data, want)).toBeLessThanOrEqual(1)
    expect(
      maxDifference(decodeInPieces(png, target, (r) => 1 + r(300)).data, want),
    ).toBeLessThanOrEqual(1)
    const interlaced = encodePng({ ...spec, interlaced: true })
    expect(
      maxDifference(decodeInPieces(interlaced, target, (r) => 1 + r(50)).data, want),
    ).toBeLessThanOrEqual(1)
  })

  it('averages alpha-weighted: a transparent pixel’s colour does not bleed', () => {
    // 2 × 1: opaque red beside transparent green → one pixel of red at half alpha.
    const spec = { width: 2, height: 1, colorType: 6, bitDepth: 8 } as const
    const red = encodePng({ ...spec, samples: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 0]) })
    expect(Array.from(decodeWhole(red, { width: 1, height: 1 }).data)).toEqual([255, 0, 0, 128])
    // All transparent: transparent black.
    const clear = encodePng({ ...spec, samples: new Uint8Array([255, 0, 0, 0, 0, 255, 0, 0]) })
    expect(Array.from(decodeWhole(clear, { width: 1, height: 1 }).data)).toEqual([0, 0, 0, 0])
  })

  it('takes the target as a function of the image size; a target of no pixels is a RangeError', () => {
    const spec = testSpec(2, 8, 5, 4)
    const png = encodePng(spec)
    const half = decodeWhole(png, (size) => ({
      width: Math.ceil(size.width / 2),
      height: size.height / 2,
    }))
    expect([half.width, half.height]).toEqual([3, 2])
    expect(maxDifference(half.data, expected(spec, 3, 2))).toBeLessThanOrEqual(1)
    expect(() => decodeWhole(png, { width: 0, height: 3 })).toThrow(RangeError)
  })

  it('reads from a ReadableStream-like reader and from an async iterable, stopping at IEND', async () => {
    const spec = testSpec(0, 16, 30, 20)
    const png = encodePng(spec)
    const want = expected(spec, 10, 5)
    const pieces = [
      png.subarray(0, 100),
      png.subarray(100, 101),
      png.subarray(101),
      new Uint8Array([1, 2, 3]),
    ]
    let cancelled = false
    const stream = {
      getReader() {
        let i = 0
        return {
          read: async () =>
            i < pieces.length
              ? { done: false as const, value: pieces[i++]! }
              : { done: true as const },
          cancel: async () => {
            cancelled = true
          },
        }
      },
    }
    const fromStream = await decodePngDownscaled(stream, { width: 10, height: 5 })
    expect(maxDifference(fromStream.data, want)).toBeLessThanOrEqual(1)
    expect(cancelled).toBe(true)
    async function* iterate() {
      yield* pieces
    }
    expect(
      maxDifference((await decodePngDownscaled(iterate(), { width: 10, height: 5 })).data, want),
    ).toBeLessThanOrEqual(1)
  })

  it('an error once thrown is thrown again by later calls (no pixels from a damaged file)', () => {
    const png = encodePng({ ...testSpec(2, 8, 40, 30), idatSize: 1000 })
    const decoder = new PngDownscaleDecoder({ width: 10, height: 10 })
    const bad = png.slice(0, 100)
    bad[chunkAt(png, 'IDAT') + 8] = 0
    expect(() => decoder.push(bad)).toThrow(PngDecodeError)
    expect(() => decoder.push(png.subarray(100))).toThrow(PngDecodeError)
    expect(() => decoder.finish()).toThrow(PngDecodeError)
  })
})

describe('choosing the inflater', () => {
  it.runIf(!native)(
    "where DecompressionStream does not behave as in browsers (Node's), fflate inflates and 'native' is refused",
    async () => {
      const png = encodePng(testSpec(2, 8, 8, 8))
      const target = { width: 4, height: 4 }
      expect((await decodePngDownscaled(png, target)).inflater).toBe('fflate')
      await expect(decodePngDownscaled(png, target, { inflater: 'native' })).rejects.toThrow(
        /inflater 'native' needs a DecompressionStream that inflates each write before it settles/,
      )
    },
  )

  it.runIf(native)('where DecompressionStream behaves as in browsers, it inflates', async () => {
    const png = encodePng(testSpec(2, 8, 8, 8))
    expect((await decodePngDownscaled(png, { width: 4, height: 4 })).inflater).toBe('native')
  })

  it('the largest images (over 100 MP) take fflate, whose memory stays flat', () => {
    expect(inflaterFor({ width: 8000, height: 6000 })).toBe('auto')
    expect(inflaterFor({ width: 10_000, height: 10_000 })).toBe('auto')
    expect(inflaterFor({ width: 16_000, height: 12_000 })).toBe('fflate')
  })

  it('fflate can always be asked for', async () => {
    const png = encodePng(testSpec(2, 8, 8, 8))
    const out = await decodePngDownscaled(png, { width: 4, height: 4 }, { inflater: 'fflate' })
    expect(out.inflater).toBe('fflate')
  })
})
