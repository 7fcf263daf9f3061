// The real pipeline (preprocessing, prompts, onnxruntime-web in Node with the wasm backend,
// bbox-cropped upsampling, outline tracing, RLE) over tiny models with the exact signatures of
// the real SAM exports.

import * as ort from 'onnxruntime-web'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  SamError,
  createSegmenter,
  logitsToMask,
  logitsToPolygons,
  modelInputSize,
  polygonArea,
  type RgbaImage,
  type Segmenter,
} from '@loupe/sam'
import { rleArea, rleToBitmap } from '@loupe/masks'
import { createOrtSession } from './sam-ort'
import {
  TINY_RADII,
  tinyHwcEncoder,
  tinySamDecoder,
  tinySamEncoder,
  tinySlimSamDecoder,
  tinySlimSamEncoder,
} from './segment-testing/tiny-sam'

beforeAll(() => {
  ort.env.wasm.numThreads = 1
})

function solid(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4)
  return { width, height, data }
}

async function segmenter(encoder: Uint8Array, decoder: Uint8Array): Promise<Segmenter> {
  const [e, d] = await Promise.all([
    createOrtSession(encoder, { file: 'encoder.onnx', backend: 'wasm' }),
    createOrtSession(decoder, { file: 'decoder.onnx', backend: 'wasm' }),
  ])
  return createSegmenter(e, d)
}

describe('official SAM export (ViT / MobileSAM encoder + decoder)', () => {
  it('encodes with SAM normalisation and zero padding (read back from the embedding)', async () => {
    const sam = await segmenter(tinySamEncoder(), tinySamDecoder())
    expect(sam.info).toMatchObject({ family: 'sam', encoderLayout: { kind: 'nchw' }, box: true })
    // 2048 × 1024 → resized 1024 × 512: rows 0–31 of the 64² embedding are image, 32–63 padding
    const embedding = await sam.encode(solid(2048, 1024, [255, 0, 0]))
    const e = embedding.image_embeddings.data as Float32Array
    const at = (c: number, y: number, x: number) => e[c * 4096 + y * 64 + x]!
    expect(at(0, 10, 10)).toBeCloseTo((255 - 123.675) / 58.395, 4)
    expect(at(1, 10, 10)).toBeCloseTo((0 - 116.28) / 57.12, 4)
    expect(at(2, 10, 10)).toBeCloseTo((0 - 103.53) / 57.375, 4)
    expect(at(0, 40, 10)).toBe(0)
    expect(embedding.image).toEqual({ width: 2048, height: 1024 })
  })

  it('a click gives the best candidate as a disc of the right place and area, polygon ≈ circle', async () => {
    const sam = await segmenter(tinySamEncoder(), tinySamDecoder())
    const image = { width: 3000, height: 2000 }
    const embedding = await sam.encode(solid(300, 200, [10, 20, 30]), image)
    const click = { x: 1200, y: 900, positive: true }
    const out = await sam.decode(embedding, { points: [click] })
    expect(out.candidates.map((c) => c.score)).toEqual([
      0.5,
      expect.closeTo(0.9),
      expect.closeTo(0.7),
    ])
    expect(out.best).toBe(1)
    const scale = image.width / modelInputSize(image).width // 3000 / 1024
    const radius = TINY_RADII[1] * scale
    const mask = logitsToMask(out.candidates[out.best]!.logits, image)!
    expect(Math.abs(mask.area / (Math.PI * radius * radius) - 1)).toBeLessThan(0.03)
    expect(rleArea(mask.rle)).toBe(mask.area)
    const cx = (mask.box.x1 + mask.box.x2) / 2
    const cy = (mask.box.y1 + mask.box.y2) / 2
    expect(Math.abs(cx - click.x)).toBeLessThan(scale * 2)
    expect(Math.abs(cy - click.y)).toBeLessThan(scale * 2)
    expect(Math.abs(mask.box.x2 - mask.box.x1 - 2 * radius)).toBeLessThan(scale * 3)
    // the RLE is tight over its box: first and last columns and rows are set somewhere
    const bitmap = rleToBitmap(mask.rle)
    expect(bitmap.width).toBe(mask.box.x2 - mask.box.x1)
    const polygons = logitsToPolygons(out.candidates[out.best]!.logits, image, { tolerance: 1 })
    expect(polygons).toHaveLength(1)
    const polygon = polygons[0]!
    expect(Math.abs(polygonArea(polygon) / mask.area - 1)).toBeLessThan(0.01)
    expect(polygon.length / 2).toBeLessThan(120) // simplified: not one vertex per pixel step
    for (let i = 0; i < polygon.length; i += 2) {
      const r = Math.hypot(polygon[i]! - click.x, polygon[i + 1]! - click.y)
      expect(Math.abs(r - radius)).toBeLessThan(scale * 2 + 1)
    }
  })

  it('box prompts and the previous mask reach the decoder', async () => {
    const sam = await segmenter(tinySamEncoder(), tinySamDecoder())
    const embedding = await sam.encode(solid(64, 64, [0, 0, 0]), { width: 1024, height: 1024 })
    const first = await sam.decode(embedding, {
      points: [],
      box: { x1: 100, y1: 100, x2: 300, y2: 300 },
    })
    // the tiny decoder centres its disc on the first point: the box's top-left corner
    const mask = logitsToMask(first.candidates[0]!.logits, { width: 1024, height: 1024 })!
    expect((mask.box.x1 + mask.box.x2) / 2).toBeCloseTo(100, -1)
    const refined = await sam.decode(
      embedding,
      { points: [{ x: 100, y: 100, positive: true }] },
      { previousMask: new Float32Array(256 * 256).fill(1e7) },
    )
    expect(logitsToMask(refined.candidates[0]!.logits, { width: 1024, height: 1024 })!.area).toBe(
      1024 * 1024,
    )
  })

  it('uses the full masks output when an export has no low_res_masks', async () => {
    const sam = await segmenter(tinySamEncoder(), tinySamDecoder({ withoutLowRes: true }))
    const image = { width: 800, height: 600 }
    const embedding = await sam.encode(solid(800, 600, [1, 2, 3]))
    const out = await sam.decode(embedding, { points: [{ x: 400, y: 300, positive: true }] })
    expect(out.candidates[0]!.logits.space).toBe('resized')
    const mask = logitsToMask(out.candidates[1]!.logits, image)!
    const radius = TINY_RADII[1] * (800 / 1024)
    expect(Math.abs(mask.area / (Math.PI * radius * radius) - 1)).toBeLessThan(0.03)
  })

  it('takes HWC uint8 encoders (raw resized pixels, no normalisation)', async () => {
    const sam = await segmenter(tinyHwcEncoder(), tinySamDecoder())
    expect(sam.info.encoderLayout).toEqual({
      kind: 'hwc',
      type: 'uint8',
      batch: false,
      padded: false,
    })
    const embedding = await sam.encode(solid(500, 250, [200, 100, 50]))
    const e = embedding.image_embeddings.data as Float32Array
    expect([e[0], e[4096], e[8192]]).toEqual([200, 100, 50])
  })
})

describe('SlimSAM (transformers.js) export', () => {
  it('encodes both embeddings and decodes three candidates of pred_masks', async () => {
    const sam = await segmenter(tinySlimSamEncoder(), tinySlimSamDecoder())
    expect(sam.info).toMatchObject({ family: 'slimsam', box: false, maskInput: false })
    const image = { width: 1000, height: 1500 }
    const embedding = await sam.encode(solid(100, 150, [0, 255, 0]), image)
    expect(embedding.image_positional_embeddings?.dims).toEqual([1, 256, 64, 64])
    const out = await sam.decode(embedding, { points: [{ x: 500, y: 700, positive: true }] })
    expect(out.candidates).toHaveLength(3)
    expect(out.best).toBe(1)
    const scale = 1500 / 1024
    const mask = logitsToMask(out.candidates[2]!.logits, image)!
    const radius = TINY_RADII[2] * scale
    expect(Math.abs(mask.area / (Math.PI * radius * radius) - 1)).toBeLessThan(0.03)
    await expect(
      sam.decode(embedding, { points: [], box: { x1: 0, y1: 0, x2: 10, y2: 10 } }),
    ).rejects.toThrow('box: this decoder has no "input_boxes" input')
  })
})

describe('bad model files', () => {
  const load = (bytes: Uint8Array, file: string) =>
    createOrtSession(bytes, { file, backend: 'wasm' })

  it('truncated bytes and files that are not ONNX are invalid-model errors naming the file', async () => {
    const bytes = tinySamDecoder()
    await expect(load(bytes.slice(0, bytes.length >> 1), 'decoder.onnx')).rejects.toMatchObject({
      name: 'SamError',
      code: 'invalid-model',
      message: expect.stringMatching(/^decoder\.onnx: not a valid ONNX model/),
    })
    await expect(
      load(new TextEncoder().encode('<html>404</html>'), 'encoder.onnx'),
    ).rejects.toMatchObject({
      code: 'invalid-model',
      message: expect.stringMatching(/^encoder\.onnx: not a valid ONNX model/),
    })
  })

  it('wrong inputs and shapes are incompatible-model errors saying what is wrong', async () => {
    const encoder = await load(tinySamEncoder(), 'encoder.onnx')
    const noLabels = await load(tinySamDecoder({ omitInputs: ['point_labels'] }), 'decoder.onnx')
    expect(() => createSegmenter(encoder, noLabels)).toThrow(
      'decoder.onnx: missing input "point_labels"',
    )
    const small = await load(tinySamEncoder({ side: 512 }), 'encoder.onnx')
    const decoder = await load(tinySamDecoder(), 'decoder.onnx')
    expect(() => createSegmenter(small, decoder)).toThrow(
      'encoder.onnx: input "image" has shape [1,3,512,512], expected [1,3,1024,1024]',
    )
    const slimEncoder = await load(tinySlimSamEncoder(), 'encoder.onnx')
    expect(() => createSegmenter(slimEncoder, decoder)).toThrow(/same export/)
    expect(() => createSegmenter(decoder, encoder)).toThrow(SamError)
    expect(() => createSegmenter(decoder, encoder)).toThrow(
      /decoder\.onnx: not a SAM decoder|encoder\.onnx/,
    )
  })
})
