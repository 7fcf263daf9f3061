import { describe, expect, it } from 'vitest'
import { ModelSignatureError, decodeOutputs, maskToRle } from './model-outputs'

const options = {
  inputWidth: 32,
  inputHeight: 32,
  imageWidth: 4,
  imageHeight: 2,
  scoreThreshold: 0.5,
  iouThreshold: 0.5,
  maxDetections: 10,
}

describe('decodeOutputs', () => {
  it('YOLO [1, 4+C, N]: best class per candidate, then NMS per class', () => {
    // 3 candidates, 2 classes: two overlapping class-1 boxes and one class-0 box.
    const n = 3
    const features = [
      [10, 11, 25], // cx
      [10, 10, 25], // cy
      [8, 8, 4], // w
      [8, 8, 4], // h
      [0.1, 0.2, 0.7], // class 0
      [0.9, 0.8, 0.1], // class 1
    ]
    const data = features.flat()
    const out = decodeOutputs([{ name: 'output0', tensor: { dims: [1, 6, n], data } }], options)
    expect(out).toEqual({
      kind: 'detection',
      detections: [
        { box: [6, 6, 14, 14], score: 0.9, classIndex: 1 },
        { box: [23, 23, 27, 27], score: 0.7, classIndex: 0 },
      ],
    })
  })

  it('boxes + scores + classes, normalised coordinates scaled to the input', () => {
    const out = decodeOutputs(
      [
        { name: 'det_boxes', tensor: { dims: [1, 4], data: [0.25, 0.5, 0.5, 1] } },
        { name: 'det_scores', tensor: { dims: [1], data: [0.8] } },
        { name: 'det_classes', tensor: { dims: [1], data: [BigInt(2)] } },
      ],
      options,
    )
    expect(out).toEqual({
      kind: 'detection',
      detections: [{ box: [8, 16, 16, 32], score: 0.8, classIndex: 2 }],
    })
  })

  it('segmentation [1, C, h, w]: argmax per pixel, background dropped, scaled to the image', () => {
    // 2×1 output, 3 channels: left pixel class 2, right pixel background.
    const data = [0, 5, /* ch1 */ 1, 0, /* ch2 */ 9, 0]
    const out = decodeOutputs([{ name: 'seg', tensor: { dims: [1, 3, 1, 2], data } }], options)
    expect(out.kind).toBe('segmentation')
    if (out.kind !== 'segmentation') return
    expect(out.masks).toHaveLength(1)
    expect(out.masks[0]!.classIndex).toBe(2)
    expect([...out.masks[0]!.bits]).toEqual([1, 1, 0, 0, 1, 1, 0, 0])
    expect(maskToRle(out.masks[0]!)).toEqual({
      points: [0, 0, 2, 2],
      rle: { size: [2, 2], counts: [0, 4] },
    })
  })

  it('refuses other signatures with a message naming the expected shapes', () => {
    expect(() =>
      decodeOutputs([{ name: 'x', tensor: { dims: [6], data: [1, 2, 3, 4, 5, 6] } }], options),
    ).toThrow(ModelSignatureError)
  })
})
