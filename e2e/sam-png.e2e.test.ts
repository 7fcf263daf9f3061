// Large PNGs for SAM in real Chromium: the SAM worker's decodeForEncoder (and the thumbnail
// worker's decodeForThumbnail), run in a module worker of a small page (bench/imaging/page) on a
// Blob of an 8000 × 6000 PNG, stream the file through @loupe/imaging's decoder (never decoding
// it whole, inflating with the browser's DecompressionStream) and give exactly the pixels the
// same decoder gives in Node (fflate), which the unit tests hold against a full decode + plain
// box resize. A cut-off file is an error naming where it ends. And the decoder's own test cases
// (every colour type, every kind of damage) run here with both inflaters: the unit tests cannot
// run the native one, Node's DecompressionStream not being the browsers'.

import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { PngDownscaleDecoder, decodePngDownscaled } from '@loupe/imaging'
import { damagedCases } from '../packages/imaging/src/png-testing/damaged-cases'
import { pixelCases, type DecodeOutcome } from '../packages/imaging/src/png-testing/decode-cases'
import { encodePng, type PngSpec } from '../packages/imaging/src/png-testing/encode-png'
import { seededRandom } from '../packages/imaging/src/png-testing/reference'
import {
  buildDecodePage,
  decodeAllInPage,
  decodeInPage,
  openDecodePage,
  serveDecodePage,
  type PageDecodeResult,
} from '../bench/imaging/chromium'
import { benchPng } from '../bench/imaging/png-file'
import { launchChromium } from './harness'

const maxDiff = (a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray) => {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
  return worst
}

function decoded(result: PageDecodeResult) {
  if (!result.ok) throw new Error(`${result.name}: ${result.message}`)
  return result
}

/** An interlaced palette PNG with transparency, larger than SAM's input. */
function interlacedPng(): Uint8Array {
  const [width, height] = [1600, 1200]
  const random = seededRandom(5)
  const samples = new Uint8Array(width * height)
  for (let i = 0; i < samples.length; i++) samples[i] = (((i % width) >> 5) + random(3)) & 15
  const spec: PngSpec = {
    width,
    height,
    colorType: 3,
    bitDepth: 4,
    samples,
    palette: Uint8Array.from({ length: 48 }, () => random(256)),
    transparency: Uint8Array.from({ length: 8 }, () => random(256)),
    interlaced: true,
  }
  return encodePng(spec)
}

describe('large PNGs decoded for SAM in Chromium', () => {
  let browser: Browser
  let server: Server
  let page: Page
  const large = benchPng(8000, 6000)
  const largeBytes = readFileSync(large)
  const interlaced = interlacedPng()
  const cases = [...pixelCases(), ...damagedCases()]

  beforeAll(async () => {
    const dir = await buildDecodePage()
    const served = await serveDecodePage(dir, {
      'large.png': large,
      'cut.png': largeBytes.subarray(0, largeBytes.length >> 1),
      'interlaced.png': interlaced,
      ...Object.fromEntries(cases.map((c, i) => [`case-${i}.png`, c.png])),
    })
    server = served.server
    browser = await launchChromium()
    page = await openDecodePage(browser, served.url)
  })
  afterAll(async () => {
    await browser?.close()
    server?.close()
  })

  it('an 8000 × 6000 PNG is streamed to 1024 × 768 (not createImageBitmap), same pixels as in Node', async () => {
    const result = decoded(await decodeInPage(page, { url: '/images/large.png', path: 'encoder' }))
    expect(result.via).toBe('png-stream')
    expect(result.original).toEqual({ width: 8000, height: 6000 })
    const png = decoded(
      await decodeInPage(page, { url: '/images/large.png', path: 'png', inflater: 'auto' }),
    )
    expect(png.inflater).toBe('native')
    expect([result.width, result.height]).toEqual([1024, 768])
    const node = await decodePngDownscaled(largeBytes, { width: 1024, height: 768 })
    expect(maxDiff(result.data, node.data)).toBe(0)
    // The browser's own decoder and resize see the same picture (a different filter: close, not equal).
    const bitmap = decoded(await decodeInPage(page, { url: '/images/large.png', path: 'bitmap' }))
    let sum = 0
    for (let i = 0; i < bitmap.data.length; i++) sum += Math.abs(bitmap.data[i]! - result.data[i]!)
    expect(sum / bitmap.data.length).toBeLessThan(2)
  })

  it('an interlaced palette PNG with transparency is streamed too', async () => {
    const result = decoded(
      await decodeInPage(page, { url: '/images/interlaced.png', path: 'encoder' }),
    )
    expect(result.via).toBe('png-stream')
    expect([result.width, result.height]).toEqual([1024, 768])
    const node = await decodePngDownscaled(interlaced, { width: 1024, height: 768 })
    expect(maxDiff(result.data, node.data)).toBe(0)
  })

  it('thumbnails of a large PNG come from the streaming decoder', async () => {
    const result = decoded(
      await decodeInPage(page, { url: '/images/large.png', path: 'thumbnail', maxSize: 256 }),
    )
    expect(result.via).toBe('png-stream')
    expect([result.width, result.height]).toEqual([256, 192])
    const node = await decodePngDownscaled(largeBytes, { width: 256, height: 192 })
    expect(maxDiff(result.data, node.data)).toBe(0)
  })

  it('a PNG cut in half is a PngDecodeError saying where it ends, not half an image', async () => {
    const result = await decodeInPage(page, { url: '/images/cut.png', path: 'encoder' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.name).toBe('PngDecodeError')
    expect(result.message).toMatch(/ends inside the IDAT chunk at byte \d+.*row \d+ of 6000/)
  })

  it.each(['native', 'fflate'] as const)(
    "the decoder's test cases in a worker, inflating with %s: same pixels as Node, same errors",
    async (inflater) => {
      for (const pieceSize of [undefined, 7]) {
        const results = await decodeAllInPage(
          page,
          cases.map((c, i) => ({
            url: `/images/case-${i}.png`,
            path: 'png' as const,
            target: c.target,
            inflater,
            pieceSize,
          })),
        )
        results.forEach((result, i) => {
          const c = cases[i]!
          const outcome: DecodeOutcome = result.ok ? { ...result, ok: true } : result
          c.check(outcome)
          if (!result.ok) return
          expect(result.inflater).toBe(inflater)
          // Byte for byte what the same decoder gives in Node.
          const node = new PngDownscaleDecoder(c.target)
          node.push(c.png)
          expect(maxDiff(result.data, node.finish().data), c.name).toBe(0)
        })
      }
    },
  )
})
