// Datasets for the COCO and Datumaro tests: one with every kind of thing Loupe holds, helpers to
// keep the part a format can hold, and a large one for the 50k-annotation test.

import { encode } from 'fast-png'
import { bitmapToRle, type Bitmap } from '@loupe/masks'
import type { Dataset, DatasetAnnotation, DatasetImage } from '../src'

/** A real PNG of the given size (so image probing and bytes round-trip). */
export function png(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3).fill(128)
  return encode({ width, height, data, depth: 8, channels: 3 })
}

/** A tight mask: a filled disc in a `size` × `size` box at (x, y). */
export function discMask(
  x: number,
  y: number,
  size: number,
): Pick<DatasetAnnotation, 'points' | 'mask'> {
  const data = new Uint8Array(size * size)
  const r = size / 2
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      if ((i + 0.5 - r) ** 2 + (j + 0.5 - r) ** 2 <= r * r) data[j * size + i] = 1
    }
  }
  const bitmap: Bitmap = { width: size, height: size, data }
  return { points: [x, y, x + size, y + size], mask: bitmapToRle(bitmap) }
}

/** Everything Loupe can hold: every shape type, tags, captions, attributes, groups, subsets. */
export function fullDataset(): Dataset {
  const train1: DatasetImage = {
    name: 'street/a.jpg',
    width: 64,
    height: 48,
    subset: 'train',
    sourceId: 100,
    annotations: [
      {
        type: 'rectangle',
        label: 'car',
        points: [1.5, 2.25, 20.5, 12.75],
        rotation: 30,
        attributes: { color: 'red', parked: true, speed: 42.5 },
        occluded: true,
        zOrder: 2,
        sourceId: 7,
      },
      {
        type: 'polygon',
        label: 'car',
        points: [30, 30, 40, 30, 40, 40],
        attributes: { color: 'blue', parked: false, speed: 0 },
        score: 0.75,
        sourceId: 3,
      },
      {
        type: 'polygon',
        label: 'café ☕',
        points: [0, 0, 5, 0, 5, 5, 0, 5],
        attributes: {},
        group: 1,
        sourceId: 9,
      },
      {
        type: 'polygon',
        label: 'café ☕',
        points: [10, 10, 15, 10, 15, 15],
        attributes: {},
        group: 1,
      },
      {
        type: 'mask',
        label: 'person',
        ...discMask(20, 20, 9),
        attributes: {},
        crowd: true,
        sourceId: 11,
      },
      {
        type: 'skeleton',
        label: 'pose',
        points: [10, 10, 8, 14, 12, 14],
        visibility: ['visible', 'occluded', 'hidden'],
        attributes: { pose_kind: 'standing' },
        sourceId: 12,
      },
      {
        type: 'ellipse',
        label: 'person',
        points: [40, 20, 6, 4],
        rotation: 15,
        attributes: {},
        sourceId: 13,
      },
      { type: 'polyline', label: 'person', points: [1, 1, 2, 5, 9, 9], attributes: {} },
      { type: 'points', label: 'person', points: [3, 3, 4, 4], attributes: {} },
    ],
    tags: [{ label: 'person', attributes: {} }],
    captions: ['a street'],
  }
  const train2: DatasetImage = {
    name: 'empty.png',
    width: 16,
    height: 16,
    subset: 'train',
    sourceId: 101,
    annotations: [],
    tags: [],
  }
  const val: DatasetImage = {
    name: 'val/ünïcode 1.jpg',
    width: 32,
    height: 32,
    subset: 'val',
    sourceId: 5,
    annotations: [
      { type: 'rectangle', label: 'person', points: [0, 0, 10, 10], attributes: {}, sourceId: 1 },
    ],
    tags: [],
  }
  return {
    name: 'demo',
    labels: [
      {
        name: 'car',
        color: '#ff0000',
        attributes: [
          { name: 'color', type: 'text', values: [] },
          { name: 'parked', type: 'checkbox', values: [] },
          { name: 'speed', type: 'number', values: [] },
        ],
        sourceId: 3,
      },
      { name: 'person', attributes: [], sourceId: 7 },
      { name: 'café ☕', attributes: [], sourceId: 12 },
      {
        name: 'pose',
        type: 'skeleton',
        attributes: [{ name: 'pose_kind', type: 'text', values: [] }],
        skeleton: {
          nodes: ['head', 'left', 'right'],
          edges: [
            [0, 1],
            [0, 2],
          ],
        },
        sourceId: 20,
      },
    ],
    images: [train1, train2, val],
  }
}

/** A dataset with `count` rectangles and polygons spread over images of 20 shapes each. */
export function largeDataset(count: number): Dataset {
  const images: DatasetImage[] = []
  for (let i = 0; i * 20 < count; i++) {
    const annotations: DatasetAnnotation[] = []
    for (let k = 0; k < 20 && i * 20 + k < count; k++) {
      const x = k * 10
      annotations.push(
        k % 2 === 0
          ? { type: 'rectangle', label: `c${k % 5}`, points: [x, x, x + 5, x + 7], attributes: {} }
          : {
              type: 'polygon',
              label: `c${k % 5}`,
              points: [x, 0, x + 4, 0, x + 4, 9],
              attributes: {},
            },
      )
    }
    images.push({
      name: `img_${i}.jpg`,
      width: 640,
      height: 480,
      subset: i % 10 ? 'train' : 'val',
      annotations,
      tags: [],
    })
  }
  const labels = [0, 1, 2, 3, 4].map((k) => ({ name: `c${k}`, attributes: [] }))
  return { labels, images }
}
