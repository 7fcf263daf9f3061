import { describe, expect, it } from 'vitest'
import { boxToModel, imageToModel, modelInputSize, modelToImage } from './geometry'
import { SAM_PIXEL_MEAN, SAM_PIXEL_STD, preprocessImage } from './preprocess'
import { encodeSamPrompt, encodeSlimSamPrompt } from './prompt'
import { resizeRgba } from './resize'

function gradient(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x % 256, y % 256, 77, 255], (y * width + x) * 4)
  }
  return { width, height, data }
}

describe('SAM geometry', () => {
  it('resizes the longest side to 1024 with SAM rounding', () => {
    expect(modelInputSize({ width: 8000, height: 6000 })).toEqual({ width: 1024, height: 768 })
    expect(modelInputSize({ width: 1000, height: 1500 })).toEqual({ width: 683, height: 1024 })
    expect(modelInputSize({ width: 300, height: 200 })).toEqual({ width: 1024, height: 683 })
  })

  it('maps points per axis and back', () => {
    const image = { width: 1000, height: 1500 }
    const p = imageToModel({ x: 500, y: 750 }, image)
    expect(p.x).toBeCloseTo(500 * (683 / 1000))
    expect(p.y).toBeCloseTo(512)
    const back = modelToImage(p, image)
    expect(back.x).toBeCloseTo(500)
    expect(back.y).toBeCloseTo(750)
    expect(boxToModel({ x1: 1000, y1: 1500, x2: 0, y2: 0 }, image)).toEqual([
      { x: 0, y: 0 },
      { x: 683, y: 1024 },
    ])
  })
})

describe('prompts', () => {
  it('official export: labels 1/0, box corners 2/3, padding point -1 when there is no box', () => {
    const image = { width: 2048, height: 1024 }
    const clicks = encodeSamPrompt(
      {
        points: [
          { x: 100, y: 200, positive: true },
          { x: 10, y: 20, positive: false },
        ],
      },
      image,
    )
    expect(Array.from(clicks.coords)).toEqual([50, 100, 5, 10, 0, 0])
    expect(clicks.labels).toEqual([1, 0, -1])
    const box = encodeSamPrompt({ points: [], box: { x1: 0, y1: 0, x2: 2048, y2: 1024 } }, image)
    expect(Array.from(box.coords)).toEqual([0, 0, 1024, 512])
    expect(box.labels).toEqual([2, 3])
    expect(() => encodeSamPrompt({ points: [] }, image)).toThrow(
      'prompt: expected at least one point or a box',
    )
    expect(() => encodeSamPrompt({ points: [{ x: 3000, y: 1, positive: true }] }, image)).toThrow(
      'points[0]: (3000, 1) is outside the 2048 × 1024 image',
    )
  })

  it('SlimSAM: no padding point; a box only with an input_boxes input', () => {
    const image = { width: 1024, height: 1024 }
    const { points, box } = encodeSlimSamPrompt(
      { points: [{ x: 1, y: 2, positive: true }] },
      image,
      false,
    )
    expect(points.labels).toEqual([1])
    expect(box).toBeNull()
    const withBox = encodeSlimSamPrompt(
      { points: [], box: { x1: 1, y1: 2, x2: 3, y2: 4 } },
      image,
      true,
    )
    expect(Array.from(withBox.box!)).toEqual([1, 2, 3, 4])
  })
})

describe('preprocessImage', () => {
  it('normalises RGB with ImageNet mean/std, pads with zeros, NCHW', () => {
    const input = preprocessImage(gradient(2048, 1024))
    expect(input.dims).toEqual([1, 3, 1024, 1024])
    expect(input.resized).toEqual({ width: 1024, height: 512 })
    const S = 1024
    const d = input.data as Float32Array
    // blue is a constant 77 everywhere in the image, 0 in the padding
    expect(d[2 * S * S + 100 * S + 100]).toBeCloseTo((77 - SAM_PIXEL_MEAN[2]) / SAM_PIXEL_STD[2], 5)
    expect(d[2 * S * S + 600 * S + 100]).toBe(0)
    // red follows x (2:1 downscale of x % 256): the pixel at x = 10 averages input x ≈ 19..22
    const red = d[0 * S * S + 10 * S + 10]! * SAM_PIXEL_STD[0] + SAM_PIXEL_MEAN[0]
    expect(red).toBeGreaterThan(18)
    expect(red).toBeLessThan(23)
  })

  it('gives raw resized pixels to HWC exports (padded when the export fixes 1024²)', () => {
    const hwc = preprocessImage(gradient(100, 50), {
      kind: 'hwc',
      type: 'uint8',
      batch: false,
      padded: false,
    })
    expect(hwc.dims).toEqual([512, 1024, 3])
    expect(hwc.data).toBeInstanceOf(Uint8Array)
    const padded = preprocessImage(gradient(100, 50), {
      kind: 'hwc',
      type: 'float32',
      batch: true,
      padded: true,
    })
    expect(padded.dims).toEqual([1, 1024, 1024, 3])
    expect(padded.data[(600 * 1024 + 5) * 3 + 2]).toBe(0)
    expect(padded.data[(5 * 1024 + 5) * 3 + 2]).toBe(77)
  })

  it('resizes with an antialiased filter (a checkerboard averages to grey)', () => {
    const w = 64
    const data = new Uint8ClampedArray(w * w * 4)
    for (let i = 0; i < w * w; i++) {
      const v = ((i % w) + Math.floor(i / w)) % 2 ? 255 : 0
      data.set([v, v, v, 255], i * 4)
    }
    const small = resizeRgba({ width: w, height: w, data }, 8, 8)
    for (let i = 0; i < 64; i++) expect(Math.abs(small.data[i * 4]! - 128)).toBeLessThan(4)
  })
})
