// The decoder-sized graph keeps the official SAM decoder export's signature (so the real adapter
// and the worker take it) and the real decoder's size. The session is built with a reduced
// transformer (same builder, same signature) so the test stays quick; the full size is only
// counted, not run.

import * as ort from 'onnxruntime-web'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSegmenter, describeDecoder, logitsToMask, modelInputSize } from '@loupe/sam'
import { createOrtSession } from '../sam-ort'
import { samSizedDecoder } from './sam-sized-decoder'
import { tinySamEncoder } from './tiny-sam'

beforeAll(() => {
  ort.env.wasm.numThreads = 1
})

describe('samSizedDecoder', () => {
  it('has the size of SAM’s decoder: 4.06 M parameters, ~3.7 GFLOPs for a click', () => {
    const full = samSizedDecoder()
    // prompt encoder 6,220 + mask decoder 4,058,340 (SAM ViT-B/L/H, MobileSAM) + the Fourier
    // matrix of the positional encoding (256, a buffer in SAM)
    expect(full.params).toBe(6_220 + 4_058_340 + 256)
    expect(full.weightBytes).toBeGreaterThan(16_000_000)
    expect(full.macs).toBeGreaterThan(1.7e9)
    expect(full.macs).toBeLessThan(1.9e9)
  })

  it('has the official export’s inputs and outputs, by name, type and shape', async () => {
    const model = samSizedDecoder({ depth: 1, mlpDim: 64 })
    const session = await createOrtSession(model.bytes, { file: 'decoder.onnx', backend: 'wasm' })
    const shapes = (values: typeof session.inputs) =>
      Object.fromEntries(values.map((v) => [v.name, [v.type, v.shape]]))
    expect(shapes(session.inputs)).toEqual({
      image_embeddings: ['float32', [1, 256, 64, 64]],
      point_coords: ['float32', [1, 'num_points', 2]],
      point_labels: ['float32', [1, 'num_points']],
      mask_input: ['float32', [1, 1, 256, 256]],
      has_mask_input: ['float32', [1]],
      orig_im_size: ['float32', [2]],
    })
    expect(shapes(session.outputs)).toEqual({
      masks: ['float32', [1, 4, 'H', 'W']],
      iou_predictions: ['float32', [1, 4]],
      low_res_masks: ['float32', [1, 4, 256, 256]],
    })
    expect(describeDecoder(session.inputs, session.outputs)).toEqual({
      family: 'sam',
      lowResOutput: true,
      boxInput: true,
    })
    // `masks` is the export's post-processing: low-res → 1024², cropped, → orig_im_size
    const out = await session.run({
      image_embeddings: {
        type: 'float32',
        data: new Float32Array(256 * 64 * 64),
        dims: [1, 256, 64, 64],
      },
      point_coords: { type: 'float32', data: Float32Array.of(500, 300, 0, 0), dims: [1, 2, 2] },
      point_labels: { type: 'float32', data: Float32Array.of(1, -1), dims: [1, 2] },
      mask_input: { type: 'float32', data: new Float32Array(256 * 256), dims: [1, 1, 256, 256] },
      has_mask_input: { type: 'float32', data: Float32Array.of(0), dims: [1] },
      orig_im_size: { type: 'float32', data: Float32Array.of(300, 700), dims: [2] },
    })
    expect(out.masks!.dims).toEqual([1, 4, 300, 700])
    expect(out.low_res_masks!.dims).toEqual([1, 4, 256, 256])
    await session.release()
  })

  it('gives object-like masks around the click through the real adapter', async () => {
    const model = samSizedDecoder({ depth: 1, mlpDim: 64 })
    const [encoder, decoder] = await Promise.all([
      createOrtSession(tinySamEncoder(), { file: 'encoder.onnx', backend: 'wasm' }),
      createOrtSession(model.bytes, { file: 'decoder.onnx', backend: 'wasm' }),
    ])
    const sam = createSegmenter(encoder, decoder)
    const image = { width: 4000, height: 3000 }
    const pixels = { width: 64, height: 48, data: new Uint8ClampedArray(64 * 48 * 4).fill(80) }
    const embedding = await sam.encode(pixels, image)
    const click = { x: 1500, y: 1400, positive: true }
    const out = await sam.decode(embedding, { points: [click] })
    expect(out.candidates).toHaveLength(4)
    expect(out.best).toBe(2) // one click: the best of the 3 multimask outputs
    const mask = logitsToMask(out.candidates[out.best]!.logits, image)!
    const scale = image.width / modelInputSize(image).width
    const side = 2 * model.radii[2]! * scale
    expect(Math.abs(mask.box.x2 - mask.box.x1 - side)).toBeLessThan(side * 0.1)
    expect(Math.abs((mask.box.x1 + mask.box.x2) / 2 - click.x)).toBeLessThan(side * 0.1)
    expect(Math.abs((mask.box.y1 + mask.box.y2) / 2 - click.y)).toBeLessThan(side * 0.1)
  })
})
