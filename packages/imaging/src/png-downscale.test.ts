import { decode as fastPngDecode } from 'fast-png'
import { zlibSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  PngDecodeError,
  PngDownscaleDecoder,
  decodePngDownscaled,
  type DownscaledPng,
  type PngTarget,
} from './index'
import {
  CHANNELS,
  PNG_SIGNATURE,
  assemblePng,
  encodePng,
  ihdr,
  pngChunk,
  pngScanlines,
  type PngSpec,
} from './png-testing/encode-png'
import { referencePixels, referenceResize, seededRandom } from './png-testing/reference'

type ColorType = PngSpec['colorType']
type BitDepth = PngSpec['bitDepth']

const COMBINATIONS: [ColorType, BitDepth][] = [
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
function testSpec(
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

function expected(spec: PngSpec, tw: number, th: number): Uint8ClampedArray {
  const { rgba, max } = referencePixels(spec)
  return referenceResize(rgba, spec.width, spec.height, max, tw, th)
}

/** Largest difference between two RGBA buffers, and where it is. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; at: number } {
  expect(a.length).toBe(b.length)
  let diff = 0
  let at = -1
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (d > diff) {
      diff = d
      at = i
    }
  }
  return { diff, at }
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

const errorOf = (run: () => unknown): PngDecodeError => {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(PngDecodeError)
    return error as PngDecodeError
  }
  throw new Error('expected a PngDecodeError')
}

const decodeWhole = (png: Uint8Array, target: PngTarget) => {
  const decoder = new PngDownscaleDecoder(target)
  decoder.push(png)
  return decoder.finish()
}

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

describe('streaming PNG decode with area-averaging resize', () => {
  it('matches a full decode + plain box resize for every colour type and bit depth (all 5 filters)', () => {
    for (const [colorType, bitDepth] of COMBINATIONS) {
      for (const keyed of colorType === 0 || colorType === 2 || colorType === 3
        ? [false, true]
        : [false]) {
        const spec = testSpec(colorType, bitDepth, 67, 45, { keyed })
        const png = encodePng(spec)
        const name = `colour type ${colorType}, depth ${bitDepth}${keyed ? ', tRNS' : ''}`
        // Same size: the pixels themselves, exactly (16-bit rounded to 8).
        const same = decodeWhole(png, { width: 67, height: 45 })
        expect(same.header).toMatchObject({ width: 67, height: 45, colorType, bitDepth })
        expect(maxDifference(same.data, expected(spec, 67, 45)).diff, name).toBe(0)
        // Shrunk by a ratio that is not whole (67/13, 45/9 and 67/20, 45/7): within 1 level.
        for (const [tw, th] of [
          [13, 9],
          [20, 7],
          [1, 1],
        ] as const) {
          const small = decodeWhole(png, { width: tw, height: th })
          expect([small.width, small.height]).toEqual([tw, th])
          expect(
            maxDifference(small.data, expected(spec, tw, th)).diff,
            `${name} → ${tw}x${th}`,
          ).toBeLessThanOrEqual(1)
        }
      }
    }
  })

  it('uses every filter type on real data (None, Sub, Up, Average, Paeth), each alone too', () => {
    const base = testSpec(6, 8, 50, 30)
    for (let type = 0; type <= 4; type++) {
      const spec = { ...base, filter: () => type }
      const out = decodeWhole(encodePng(spec), { width: 50, height: 30 })
      expect(maxDifference(out.data, expected(spec, 50, 30)).diff, `filter ${type}`).toBe(0)
    }
    // 16-bit: bpp 8, so Sub/Average/Paeth reach 8 bytes back.
    const wide = { ...testSpec(6, 16, 41, 17), filter: (row: number) => 4 - (row % 5) }
    expect(
      maxDifference(
        decodeWhole(encodePng(wide), { width: 41, height: 17 }).data,
        expected(wide, 41, 17),
      ).diff,
    ).toBe(0)
  })

  it('decodes Adam7-interlaced files of every colour type and bit depth', () => {
    for (const [colorType, bitDepth] of COMBINATIONS) {
      // 11 × 6 leaves some passes empty or one pixel wide.
      for (const [w, h] of [
        [53, 38],
        [11, 6],
        [1, 1],
      ] as const) {
        const spec = testSpec(colorType, bitDepth, w, h, { interlaced: true, keyed: true })
        const png = encodePng(spec)
        const name = `interlaced colour type ${colorType}, depth ${bitDepth}, ${w}x${h}`
        expect(
          maxDifference(decodeWhole(png, { width: w, height: h }).data, expected(spec, w, h)).diff,
          name,
        ).toBe(0)
        const tw = Math.max(1, Math.round(w / 3))
        const th = Math.max(1, Math.round(h / 4))
        expect(
          maxDifference(decodeWhole(png, { width: tw, height: th }).data, expected(spec, tw, th))
            .diff,
          name,
        ).toBeLessThanOrEqual(1)
      }
    }
  })

  it('gives the same pixels whatever pieces the file arrives in, and however IDAT is split', () => {
    const spec = { ...testSpec(2, 8, 64, 40, { keyed: true }), idatSize: 7 }
    const png = encodePng(spec)
    const want = expected(spec, 16, 10)
    const target = { width: 16, height: 10 }
    expect(maxDifference(decodeInPieces(png, target, () => 1).data, want).diff).toBeLessThanOrEqual(
      1,
    )
    expect(
      maxDifference(decodeInPieces(png, target, (r) => 1 + r(300)).data, want).diff,
    ).toBeLessThanOrEqual(1)
    expect(
      maxDifference(decodeWhole(encodePng({ ...spec, idatSize: undefined }), target).data, want)
        .diff,
    ).toBeLessThanOrEqual(1)
    const interlaced = { ...spec, interlaced: true }
    expect(
      maxDifference(decodeInPieces(encodePng(interlaced), target, (r) => 1 + r(50)).data, want)
        .diff,
    ).toBeLessThanOrEqual(1)
  })

  it('averages alpha-weighted: a transparent pixel’s colour does not bleed', () => {
    // 2 × 1: opaque red beside transparent green → one pixel of red at half alpha.
    const spec: PngSpec = {
      width: 2,
      height: 1,
      colorType: 6,
      bitDepth: 8,
      samples: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 0]),
    }
    expect(Array.from(decodeWhole(encodePng(spec), { width: 1, height: 1 }).data)).toEqual([
      255, 0, 0, 128,
    ])
    // All transparent: transparent black.
    const clear: PngSpec = { ...spec, samples: new Uint8Array([255, 0, 0, 0, 0, 255, 0, 0]) }
    expect(Array.from(decodeWhole(encodePng(clear), { width: 1, height: 1 }).data)).toEqual([
      0, 0, 0, 0,
    ])
  })

  it('takes the target as a function of the image size, and upscales by repeating pixels', () => {
    const spec = testSpec(2, 8, 5, 4)
    const png = encodePng(spec)
    const half = decodeWhole(png, (size) => ({
      width: Math.ceil(size.width / 2),
      height: size.height / 2,
    }))
    expect([half.width, half.height]).toEqual([3, 2])
    expect(maxDifference(half.data, expected(spec, 3, 2)).diff).toBeLessThanOrEqual(1)
    const big = decodeWhole(png, { width: 11, height: 9 })
    expect(maxDifference(big.data, expected(spec, 11, 9)).diff).toBeLessThanOrEqual(1)
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
    expect(maxDifference(fromStream.data, want).diff).toBeLessThanOrEqual(1)
    expect(cancelled).toBe(true)
    async function* iterate() {
      yield* pieces
    }
    expect(
      maxDifference((await decodePngDownscaled(iterate(), { width: 10, height: 5 })).data, want)
        .diff,
    ).toBeLessThanOrEqual(1)
  })
})

describe('damaged PNGs give an error saying what and where', () => {
  const spec = testSpec(2, 8, 40, 30)
  const png = encodePng({ ...spec, idatSize: 1000 })
  const target = { width: 10, height: 10 }
  /** Byte offset of the first chunk of `type`. */
  const chunkAt = (file: Uint8Array, type: string) => {
    for (let at = 8; at < file.length;) {
      const length = new DataView(file.buffer, file.byteOffset).getUint32(at)
      if (String.fromCharCode(...file.subarray(at + 4, at + 8)) === type) return at
      at += 12 + length
    }
    throw new Error(`no ${type}`)
  }
  /** A file from the spec whose scanlines are changed by `edit` before compression. */
  const withScanlines = (edit: (lines: Uint8Array) => Uint8Array, header: Partial<PngSpec> = {}) =>
    assemblePng({ ...spec, ...header }, zlibSync(edit(pngScanlines(spec))))

  it('a truncated file: where it ends and which row was not complete', async () => {
    const idat = chunkAt(png, 'IDAT')
    const cut = png.subarray(0, idat + 8 + 500)
    const error = errorOf(() => decodeWhole(cut, target))
    expect(error.code).toBe('truncated')
    expect(error.message).toMatch(
      /ends inside the IDAT chunk at byte \d+ \(500 of its 1000 bytes\)/,
    )
    expect(error.place.row).toBeGreaterThan(0)
    expect(error.place.row).toBeLessThan(30)
    expect(error.message).toMatch(new RegExp(`row ${error.place.row} of 30`))
    // Through the async API too.
    await expect(decodePngDownscaled(cut, target)).rejects.toThrow(/truncated|ends inside the IDAT/)
    // Cut inside the signature, the header, before the image data.
    expect(errorOf(() => decodeWhole(png.subarray(0, 5), target)).message).toMatch(
      /inside the PNG signature/,
    )
    expect(errorOf(() => decodeWhole(png.subarray(0, 20), target)).message).toMatch(
      /inside the IHDR chunk/,
    )
    expect(errorOf(() => decodeWhole(png.subarray(0, idat), target)).message).toMatch(
      /before any image data/,
    )
  })

  it('bytes after IEND are not read', () => {
    const trailing = new Uint8Array([...png, ...new Uint8Array(100).fill(0x41)])
    const out = decodeWhole(trailing, target)
    expect(maxDifference(out.data, expected(spec, 10, 10)).diff).toBeLessThanOrEqual(1)
  })

  it('a file cut after its image data (IEND missing) still decodes; cut in the checksum it does not', () => {
    const iend = chunkAt(png, 'IEND')
    expect(
      maxDifference(decodeWhole(png.subarray(0, iend), target).data, expected(spec, 10, 10)).diff,
    ).toBeLessThanOrEqual(1)
    const error = errorOf(() => decodeWhole(png.subarray(0, iend - 6), target))
    expect(error.code).toBe('truncated')
  })

  it('a bad filter type names the row', () => {
    const lineLength = 1 + 40 * 3
    const bad = withScanlines((lines) => {
      lines[7 * lineLength] = 5
      return lines
    })
    const error = errorOf(() => decodeWhole(bad, target))
    expect(error.code).toBe('bad-filter')
    expect(error.message).toMatch(
      /invalid filter type 5 \(expected 0–4\).*IDAT chunk at byte \d+, row 7 of 30/,
    )
    expect(error.place).toMatchObject({ chunk: 'IDAT', row: 7, rows: 30 })
  })

  it('image data too short or too long for the header', () => {
    const short = withScanlines((lines) => lines.subarray(0, lines.length - 121 * 3))
    const error = errorOf(() => decodeWhole(short, target))
    expect(error.code).toBe('truncated')
    expect(error.message).toMatch(/IDAT data too short for 40x30.*row 27 of 30/)
    const long = withScanlines((lines) => {
      const more = new Uint8Array(lines.length + 121)
      more.set(lines)
      return more
    })
    expect(errorOf(() => decodeWhole(long, target)).code).toBe('too-much-data')
    // A header that claims fewer rows than the data holds.
    const fewer = withScanlines((lines) => lines, { height: 29 })
    expect(errorOf(() => decodeWhole(fewer, target)).message).toMatch(/past the last row/)
  })

  it('bad zlib data: invalid deflate, a wrong zlib header, a wrong checksum', () => {
    const idat = chunkAt(png, 'IDAT')
    const garbled = png.slice()
    garbled.fill(0xff, idat + 8 + 40, idat + 8 + 60)
    const error = errorOf(() => decodeWhole(garbled, target))
    expect(['bad-zlib', 'bad-filter', 'too-much-data', 'truncated']).toContain(error.code)
    expect(error.message).toMatch(/IDAT chunk at byte/)
    const header = png.slice()
    header[idat + 8] = 0x00
    expect(errorOf(() => decodeWhole(header, target))).toMatchObject({ code: 'bad-zlib' })
    // A stored-block stream whose bytes change but stay valid deflate: only Adler-32 can tell.
    const stored = assemblePng(
      spec,
      zlibSync(pngScanlines({ ...spec, filter: () => 0 }), { level: 0 }),
    )
    const flipped = stored.slice()
    const at = chunkAt(flipped, 'IDAT') + 8 + 2 + 5 + 200
    flipped[at] = flipped[at]! ^ 0x10
    const checksum = errorOf(() => decodeWhole(flipped, target))
    expect(checksum.code).toBe('bad-zlib')
    expect(checksum.message).toMatch(/checksum/)
  })

  it('misplaced or misshapen chunks, a palette index past the palette, not a PNG at all', () => {
    const head = (data: Uint8Array) => new Uint8Array([...PNG_SIGNATURE, ...pngChunk('IHDR', data)])
    const idatOnly = (s: PngSpec) => pngChunk('IDAT', zlibSync(pngScanlines(s)))
    const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => Array.from(p)))
    const end = pngChunk('IEND', new Uint8Array(0))

    expect(errorOf(() => decodeWhole(new Uint8Array(60).fill(7), target))).toMatchObject({
      code: 'not-png',
    })
    expect(errorOf(() => decodeWhole(head(new Uint8Array(12)), target)).message).toMatch(
      /IHDR is 12 bytes, expected 13/,
    )
    expect(
      errorOf(() => decodeWhole(head(ihdr({ ...spec, bitDepth: 4 })), target)).message,
    ).toMatch(/bit depth 4 is not allowed with colour type 2.*IHDR/)
    expect(
      errorOf(() => decodeWhole(cat(PNG_SIGNATURE, pngChunk('IDAT', new Uint8Array(3))), target))
        .message,
    ).toMatch(/first chunk is IDAT, expected IHDR/)
    const indexed = testSpec(3, 4, 9, 5)
    const noPalette = cat(head(ihdr(indexed)), idatOnly(indexed), end)
    expect(errorOf(() => decodeWhole(noPalette, target)).message).toMatch(
      /colour type 3 image without a PLTE chunk/,
    )
    const shortPalette = cat(
      head(ihdr(indexed)),
      pngChunk('PLTE', indexed.palette!.subarray(0, 9)),
      idatOnly(indexed),
      end,
    )
    const index = errorOf(() => decodeWhole(shortPalette, target))
    expect(index.code).toBe('bad-pixel')
    expect(index.message).toMatch(/names palette entry \d+, the palette has 3.*row \d of 5/)
    const critical = cat(head(ihdr(spec)), pngChunk('ZZZZ', new Uint8Array(2)), idatOnly(spec), end)
    expect(errorOf(() => decodeWhole(critical, target)).message).toMatch(
      /unknown critical chunk ZZZZ.*at byte 33/,
    )
    const split = cat(
      head(ihdr(spec)),
      idatOnly(spec),
      pngChunk('tEXt', new Uint8Array(1)),
      idatOnly(spec),
      end,
    )
    expect(errorOf(() => decodeWhole(split, target)).message).toMatch(
      /IDAT chunks are not consecutive/,
    )
    const garbageType = png.slice()
    garbageType.fill(0, 37, 41)
    expect(errorOf(() => decodeWhole(garbageType, target)).message).toMatch(/are not a chunk type/)
    // An ancillary chunk the decoder does not know is skipped.
    const ancillary = cat(
      head(ihdr(spec)),
      pngChunk('zzZZ', new Uint8Array(5)),
      idatOnly(spec),
      end,
    )
    expect(
      maxDifference(decodeWhole(ancillary, target).data, expected(spec, 10, 10)).diff,
    ).toBeLessThanOrEqual(1)
  })

  it('an error once thrown is thrown again by later calls (no pixels from a damaged file)', () => {
    const decoder = new PngDownscaleDecoder(target)
    const bad = png.slice(0, 100)
    bad[chunkAt(png, 'IDAT') + 8] = 0
    expect(() => decoder.push(bad)).toThrow(PngDecodeError)
    expect(() => decoder.push(png.subarray(100))).toThrow(PngDecodeError)
    expect(() => decoder.finish()).toThrow(PngDecodeError)
  })
})
