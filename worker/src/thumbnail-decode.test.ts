import { describe, expect, it } from 'vitest'
import { PngDecodeError } from '@loupe/imaging'
import { encodePng, type PngSpec } from '../../packages/imaging/src/png-testing/encode-png'
import {
  referencePixels,
  referenceResize,
  seededRandom,
} from '../../packages/imaging/src/png-testing/reference'
import { decodeForThumbnail } from './thumbnail-decode'
import { fitWithin } from './thumbnail-protocol'

const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>])

/** A palette image with transparent entries, interlaced: the decoder's least common path. */
function paletteSpec(width: number, height: number): PngSpec {
  const random = seededRandom(11)
  const samples = new Uint8Array(width * height)
  for (let i = 0; i < samples.length; i++) samples[i] = ((i % width) >> 4) ^ random(4)
  return {
    width,
    height,
    colorType: 3,
    bitDepth: 8,
    samples,
    palette: Uint8Array.from({ length: 3 * 256 }, () => random(256)),
    transparency: Uint8Array.from({ length: 64 }, () => random(256)),
    interlaced: true,
  }
}

describe('thumbnails', () => {
  it('a PNG is streamed and area-averaged to thumbnail size, never decoded whole', async () => {
    const spec = paletteSpec(900, 333)
    const thumb = await decodeForThumbnail(blobOf(encodePng(spec)), 256)
    expect(thumb.via).toBe('png-stream')
    expect({ width: thumb.width, height: thumb.height }).toEqual(fitWithin(900, 333, 256))
    const { rgba, max } = referencePixels(spec)
    const want = referenceResize(rgba, 900, 333, max, thumb.width, thumb.height)
    if (thumb.via !== 'png-stream') throw new Error('expected RGBA')
    let worst = 0
    for (let i = 0; i < want.length; i++)
      worst = Math.max(worst, Math.abs(want[i]! - thumb.data[i]!))
    expect(worst).toBeLessThanOrEqual(1)
  })

  it('a PNG smaller than the thumbnail keeps its size and pixels', async () => {
    const spec = paletteSpec(40, 30)
    const thumb = await decodeForThumbnail(blobOf(encodePng(spec)), 256)
    if (thumb.via !== 'png-stream') throw new Error('expected RGBA')
    expect([thumb.width, thumb.height]).toEqual([40, 30])
    const { rgba, max } = referencePixels(spec)
    expect(Array.from(thumb.data)).toEqual(Array.from(referenceResize(rgba, 40, 30, max, 40, 30)))
  })

  it('a damaged PNG is an error naming the problem, not a thumbnail', async () => {
    const png = encodePng(paletteSpec(300, 200))
    const bad = png.slice()
    // The first IDAT's zlib header byte.
    const idat = new TextDecoder('latin1').decode(bad).indexOf('IDAT')
    bad[idat + 4] = 0x00
    await expect(decodeForThumbnail(blobOf(png), 64)).resolves.toMatchObject({ via: 'png-stream' })
    const error = await decodeForThumbnail(blobOf(bad), 64).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PngDecodeError)
    expect((error as Error).message).toMatch(/invalid zlib data in IDAT.*IDAT chunk at byte/)
  })
})
