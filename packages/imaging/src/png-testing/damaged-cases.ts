// Damaged PNG files for the streaming decoder's tests, each with the error it must give: what is
// wrong (the code), what the message says and where (chunk, byte offset, row). A few files that
// are not quite right but must decode are here too.

import { zlibSync } from 'fflate'
import { expect } from 'vitest'
import { errorCase, expected, maxDifference, testSpec, type DecodeCase } from './decode-cases'
import {
  PNG_SIGNATURE,
  assemblePng,
  encodePng,
  ihdr,
  pngChunk,
  pngScanlines,
  type PngSpec,
} from './encode-png'

/** Byte offset of the first chunk of `type`. */
export function chunkAt(file: Uint8Array, type: string): number {
  for (let at = 8; at < file.length;) {
    const length = new DataView(file.buffer, file.byteOffset).getUint32(at)
    if (String.fromCharCode(...file.subarray(at + 4, at + 8)) === type) return at
    at += 12 + length
  }
  throw new Error(`no ${type}`)
}

/** Damaged files: each error's code, message and place. */
export function damagedCases(): DecodeCase[] {
  const spec = testSpec(2, 8, 40, 30)
  const png = encodePng({ ...spec, idatSize: 1000 })
  const target = { width: 10, height: 10 }
  const idat = chunkAt(png, 'IDAT')
  const iend = chunkAt(png, 'IEND')
  /** A file from the spec whose scanlines are changed by `edit` before compression. */
  const withScanlines = (edit: (lines: Uint8Array) => Uint8Array, header: Partial<PngSpec> = {}) =>
    assemblePng({ ...spec, ...header }, zlibSync(edit(pngScanlines(spec))))
  const head = (data: Uint8Array) => new Uint8Array([...PNG_SIGNATURE, ...pngChunk('IHDR', data)])
  const idatOnly = (s: PngSpec) => pngChunk('IDAT', zlibSync(pngScanlines(s)))
  const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => Array.from(p)))
  const end = pngChunk('IEND', new Uint8Array(0))
  const edited = (edit: (file: Uint8Array) => void) => {
    const file = png.slice()
    edit(file)
    return file
  }
  const lineLength = 1 + 40 * 3
  const indexed = testSpec(3, 4, 9, 5)
  // A stored-block stream whose bytes change but stay valid deflate: only Adler-32 can tell.
  const stored = assemblePng(
    spec,
    zlibSync(pngScanlines({ ...spec, filter: () => 0 }), { level: 0 }),
  )
  const zlib = zlibSync(pngScanlines(spec))
  const cases: DecodeCase[] = [
    errorCase('cut inside IDAT', png.subarray(0, idat + 8 + 500), target, {
      code: 'truncated',
      message: /ends inside the IDAT chunk at byte \d+ \(500 of its 1000 bytes\)/,
      place: { chunk: 'IDAT', rows: 30 },
      also(error) {
        const row = error.place?.row ?? -1
        expect(row).toBeGreaterThan(0)
        expect(row).toBeLessThan(30)
        expect(error.message).toMatch(new RegExp(`row ${row} of 30`))
      },
    }),
    errorCase('cut inside the signature', png.subarray(0, 5), target, {
      code: 'truncated',
      message: /inside the PNG signature/,
    }),
    errorCase('cut inside IHDR', png.subarray(0, 20), target, {
      code: 'truncated',
      message: /inside the IHDR chunk/,
    }),
    errorCase('cut before IDAT', png.subarray(0, idat), target, {
      code: 'truncated',
      message: /before any image data/,
    }),
    errorCase('cut inside the zlib checksum, IEND missing', png.subarray(0, iend - 6), target, {
      code: 'truncated',
    }),
    errorCase(
      'zlib stream cut short, IEND after it',
      assemblePng(spec, zlib.subarray(0, -100)),
      target,
      {
        code: 'truncated',
        message: /IDAT data too short for 40x30/,
        place: { chunk: 'IDAT' },
      },
    ),
    errorCase('zlib checksum cut, IEND after it', assemblePng(spec, zlib.subarray(0, -2)), target, {
      code: 'bad-zlib',
      place: { chunk: 'IDAT', row: 30, rows: 30 },
    }),
    errorCase(
      'bytes after the zlib stream',
      assemblePng(spec, cat(zlib, new Uint8Array([1, 2, 3]))),
      target,
      {
        code: 'bad-zlib',
        place: { chunk: 'IDAT' },
      },
    ),
    errorCase(
      'bad filter type',
      withScanlines((lines) => {
        lines[7 * lineLength] = 5
        return lines
      }),
      target,
      {
        code: 'bad-filter',
        message: /invalid filter type 5 \(expected 0–4\).*IDAT chunk at byte \d+, row 7 of 30/,
        place: { chunk: 'IDAT', row: 7, rows: 30 },
      },
    ),
    errorCase(
      'image data too short',
      withScanlines((lines) => lines.subarray(0, lines.length - lineLength * 3)),
      target,
      { code: 'truncated', message: /IDAT data too short for 40x30.*row 27 of 30/ },
    ),
    errorCase(
      'image data too long',
      withScanlines((lines) => {
        const more = new Uint8Array(lines.length + lineLength)
        more.set(lines)
        return more
      }),
      target,
      { code: 'too-much-data' },
    ),
    errorCase(
      'a header with fewer rows than the data',
      withScanlines((lines) => lines, { height: 29 }),
      target,
      { code: 'too-much-data', message: /past the last row/ },
    ),
    errorCase(
      'garbled deflate data',
      edited((file) => file.fill(0xff, idat + 8 + 40, idat + 8 + 60)),
      target,
      {
        code: ['bad-zlib', 'bad-filter', 'too-much-data', 'truncated'],
        message: /IDAT chunk at byte/,
      },
    ),
    errorCase(
      'a wrong zlib header',
      edited((file) => (file[idat + 8] = 0x00)),
      target,
      { code: 'bad-zlib' },
    ),
    errorCase(
      'a wrong zlib checksum',
      (() => {
        const file = stored.slice()
        const at = chunkAt(file, 'IDAT') + 8 + 2 + 5 + 200
        file[at] = file[at]! ^ 0x10
        return file
      })(),
      target,
      { code: 'bad-zlib', message: /checksum/ },
    ),
    errorCase('not a PNG', new Uint8Array(60).fill(7), target, { code: 'not-png' }),
    errorCase('IHDR of 12 bytes', head(new Uint8Array(12)), target, {
      code: 'bad-header',
      message: /IHDR is 12 bytes, expected 13/,
    }),
    errorCase('bit depth 4 with RGB', head(ihdr({ ...spec, bitDepth: 4 })), target, {
      code: 'bad-header',
      message: /bit depth 4 is not allowed with colour type 2.*IHDR/,
    }),
    errorCase('IDAT first', cat(PNG_SIGNATURE, pngChunk('IDAT', new Uint8Array(3))), target, {
      code: 'bad-chunk',
      message: /first chunk is IDAT, expected IHDR/,
    }),
    errorCase(
      'palette image without PLTE',
      cat(head(ihdr(indexed)), idatOnly(indexed), end),
      target,
      {
        code: 'bad-chunk',
        message: /colour type 3 image without a PLTE chunk/,
      },
    ),
    errorCase(
      'a palette index past the palette',
      cat(
        head(ihdr(indexed)),
        pngChunk('PLTE', indexed.palette!.subarray(0, 9)),
        idatOnly(indexed),
        end,
      ),
      target,
      { code: 'bad-pixel', message: /names palette entry \d+, the palette has 3.*row \d of 5/ },
    ),
    errorCase(
      'an unknown critical chunk',
      cat(head(ihdr(spec)), pngChunk('ZZZZ', new Uint8Array(2)), idatOnly(spec), end),
      target,
      { code: 'bad-chunk', message: /unknown critical chunk ZZZZ.*at byte 33/ },
    ),
    errorCase(
      'IDAT chunks not consecutive',
      cat(
        head(ihdr(spec)),
        idatOnly(spec),
        pngChunk('tEXt', new Uint8Array(1)),
        idatOnly(spec),
        end,
      ),
      target,
      { code: 'bad-chunk', message: /IDAT chunks are not consecutive/ },
    ),
    errorCase(
      'IDAT chunks not consecutive, the first one damaged',
      cat(
        head(ihdr(spec)),
        edited((file) => (file[idat + 8] = 0)).subarray(idat, iend),
        pngChunk('tEXt', new Uint8Array(1)),
        idatOnly(spec),
        end,
      ),
      target,
      // The damage comes first in the file, so it is what is reported.
      { code: 'bad-zlib' },
    ),
    errorCase(
      'a broken chunk type',
      edited((file) => file.fill(0, 37, 41)),
      target,
      { code: 'bad-chunk', message: /are not a chunk type/ },
    ),
  ]
  // Files that decode although they are not quite right.
  const good = (name: string, file: Uint8Array): DecodeCase => {
    let want: Uint8ClampedArray | null = null
    return {
      name,
      png: file,
      target,
      check(outcome) {
        if (!outcome.ok) throw new Error(`${name}: ${outcome.name}: ${outcome.message}`)
        want ??= expected(spec, 10, 10)
        expect(maxDifference(outcome.data, want), name).toBeLessThanOrEqual(1)
      },
    }
  }
  cases.push(
    good('bytes after IEND', new Uint8Array([...png, ...new Uint8Array(100).fill(0x41)])),
    good('IEND missing after the image data', png.subarray(0, iend)),
    good(
      'an ancillary chunk unknown to the decoder',
      cat(head(ihdr(spec)), pngChunk('zzZZ', new Uint8Array(5)), idatOnly(spec), end),
    ),
  )
  return cases
}
