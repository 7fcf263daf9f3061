import { bitmapToRle } from '@loupe/masks'
import { encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import type { Dataset } from '../dataset'
import { FileTree } from '../files'
import { exportReport } from '../report'
import { base64Decode, base64Encode } from './base64'
import { labelme, writeLabelme } from './index'
import { maskFromBase64Png, maskToBase64Png } from './mask-png'

function png(width: number, height: number): Uint8Array {
  return encode({ width, height, data: new Uint8Array(width * height), channels: 1, depth: 8 })
}

const MASK_BITMAP = {
  width: 4,
  height: 3,
  data: Uint8Array.from([0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0]),
}
const MASK = bitmapToRle(MASK_BITMAP)

const text = (name: string, def: string | number | boolean) => ({
  name,
  type:
    typeof def === 'boolean'
      ? ('checkbox' as const)
      : typeof def === 'number'
        ? ('number' as const)
        : ('text' as const),
  values: [],
  default: def,
  mutable: false,
})

/** Everything LabelMe holds, in the order a read gives it back. */
function labelmeDataset(): Dataset {
  return {
    labels: [
      { name: 'daytime', type: 'any', attributes: [] },
      { name: 'night', type: 'any', attributes: [] },
      {
        name: 'car',
        type: 'any',
        attributes: [
          text('parked', false),
          text('description', ''),
          text('speed', 0),
          text('model', ''),
        ],
      },
      { name: 'road', type: 'any', attributes: [] },
      { name: 'lane', type: 'any', attributes: [] },
      { name: 'sign', type: 'any', attributes: [] },
      { name: 'wheel', type: 'any', attributes: [] },
      { name: 'sky', type: 'any', attributes: [] },
    ],
    images: [
      {
        name: 'plain.jpg',
        width: 10,
        height: 5,
        subset: 'default',
        annotations: [],
        tags: [{ label: 'night', attributes: {} }],
      },
      {
        name: 'street/ünï 1.png',
        width: 64,
        height: 48,
        subset: 'default',
        data: png(64, 48),
        annotations: [
          {
            type: 'rectangle',
            label: 'car',
            points: [10.5, 20.25, 30, 40],
            group: 0,
            attributes: { parked: true, description: 'blue, "old"', speed: 12.5, model: 'van' },
          },
          { type: 'polygon', label: 'road', points: [0, 0, 10, 0, 5, 8], group: 3, attributes: {} },
          { type: 'polyline', label: 'lane', points: [1, 1, 2, 2], attributes: {} },
          { type: 'polyline', label: 'lane', points: [1, 1, 2, 2, 3, 5], attributes: {} },
          { type: 'points', label: 'sign', points: [5, 6], attributes: {} },
          { type: 'points', label: 'sign', points: [5, 6, 7, 8], group: 3, attributes: {} },
          { type: 'ellipse', label: 'wheel', points: [20, 20, 5, 5], attributes: {} },
          { type: 'mask', label: 'sky', points: [3, 4, 7, 7], mask: MASK, attributes: {} },
        ],
        tags: [{ label: 'daytime', attributes: {} }],
      },
    ],
  }
}

async function readError(files: FileTree): Promise<string> {
  try {
    await labelme.read(files)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the read to fail')
}

describe('LabelMe', () => {
  it('round-trips every shape, flags, attributes, groups and tags', async () => {
    const dataset = labelmeDataset()
    const files = await labelme.write(dataset)
    expect(files.paths()).toEqual(['plain.json', 'street/ünï 1.json', 'street/ünï 1.png'])
    const back = await labelme.read(FileTree.fromZip(files.toZip()))
    expect(back).toEqual(dataset)
    const again = await labelme.write(back)
    for (const path of files.paths()) expect(again.get(path)).toEqual(files.get(path))
    expect(labelme.detect(files)).toBeGreaterThan(0.8)
  })

  it('writes what the labelme tool writes', async () => {
    const files = await labelme.write(labelmeDataset())
    const json = files.json('street/ünï 1.json') as Record<string, unknown>
    expect(Object.keys(json)).toEqual([
      'version',
      'flags',
      'shapes',
      'imagePath',
      'imageData',
      'imageHeight',
      'imageWidth',
    ])
    expect(json).toMatchObject({
      version: '5.5.0',
      flags: { daytime: true, night: false },
      imagePath: 'ünï 1.png',
      imageData: null,
      imageHeight: 48,
      imageWidth: 64,
    })
    const shapes = json.shapes as Record<string, unknown>[]
    expect(shapes.map((s) => s.shape_type)).toEqual([
      'rectangle',
      'polygon',
      'line',
      'linestrip',
      'point',
      'points',
      'circle',
      'mask',
    ])
    expect(shapes[0]).toEqual({
      label: 'car',
      points: [
        [10.5, 20.25],
        [30, 40],
      ],
      group_id: 0,
      description: 'blue, "old"',
      shape_type: 'rectangle',
      flags: { parked: true },
      mask: null,
      attributes: { speed: 12.5, model: 'van' },
    })
    expect(shapes[6]!.points).toEqual([
      [20, 20],
      [25, 20],
    ])
    expect(shapes[7]!.points).toEqual([
      [3, 4],
      [6, 6],
    ])
    expect(maskFromBase64Png(shapes[7]!.mask as string)).toEqual(MASK_BITMAP)
    expect(files.text('plain.json')).toContain(
      '"flags": {\n    "daytime": false,\n    "night": true\n  },',
    )
    // imageData on request
    const embedded = writeLabelme(labelmeDataset(), { imageData: true })
    const data = (embedded.json('street/ünï 1.json') as { imageData: string }).imageData
    expect(base64Decode(data)).toEqual(png(64, 48))
    const back = await labelme.read(
      new FileTree([['street/ünï 1.json', embedded.get('street/ünï 1.json')!]]),
    )
    expect(back.images[0]!.data).toEqual(png(64, 48))
  })

  it('converts and reports what LabelMe cannot hold', async () => {
    const dataset: Dataset = {
      labels: [
        {
          name: 'box',
          attributes: [{ name: 'kind', type: 'select', values: ['a', 'b'], default: 'a' }],
        },
        { name: 'person', type: 'skeleton', attributes: [], skeleton: { nodes: ['a'], edges: [] } },
      ],
      images: [
        {
          name: 'a.jpg',
          width: 100,
          height: 100,
          subset: 'train',
          annotations: [
            {
              type: 'rectangle',
              label: 'box',
              points: [10, 10, 30, 20],
              rotation: 90,
              attributes: { kind: 'b' },
              zOrder: 2,
            },
            {
              type: 'ellipse',
              label: 'box',
              points: [50, 50, 20, 10],
              rotation: 90,
              attributes: {},
              zOrder: 1,
              score: 0.5,
            },
            {
              type: 'skeleton',
              label: 'person',
              points: [1, 1],
              visibility: ['visible'],
              attributes: {},
              occluded: true,
            },
          ],
          tags: [{ label: 'box', attributes: { kind: 'a' } }],
        },
        { name: 'a.jpg', width: 100, height: 100, subset: 'val', annotations: [], tags: [] },
      ],
    }
    const files = await labelme.write(dataset)
    expect(files.paths()).toEqual(['a.json', 'val/a.json'])
    const shapes = (
      files.json('a.json') as { shapes: { shape_type: string; points: number[][] }[] }
    ).shapes
    // written by z-order: the ellipse (1) before the rectangle (2); the skeleton is dropped
    expect(shapes.map((s) => s.shape_type)).toEqual(['polygon', 'polygon'])
    expect(shapes[0]!.points).toHaveLength(64)
    expect(shapes[0]!.points[0]).toEqual([50, 70])
    // 20 × 10 turned a quarter clockwise about (20, 15)
    expect(shapes[1]!.points).toEqual([
      [25, 5],
      [25, 25],
      [15, 25],
      [15, 5],
    ])
    const report = exportReport(labelme, dataset)
    expect(report.entries.map((e) => `${e.kind} ${e.what} ${e.count}`)).toEqual([
      'dropped z-order 2',
      'dropped skeleton 1',
      'converted rotated rectangle 1',
      'converted ellipse 1',
      'dropped scores 1',
      'dropped tag attributes 1',
      'converted attribute definitions 1',
      'dropped subsets 2',
    ])
  })

  it('reads files as labelme 5 writes them, with masks, circles and oriented rectangles', async () => {
    const mask = maskToBase64Png(MASK_BITMAP)
    const file = `{
  "version": "5.4.1",
  "flags": {
    "blurry": false,
    "night": true
  },
  "shapes": [
    {
      "label": "cat",
      "points": [
        [
          12.0,
          30.5
        ],
        [
          40.0,
          60.0
        ]
      ],
      "group_id": null,
      "description": "",
      "shape_type": "rectangle",
      "flags": {},
      "mask": null
    },
    {
      "label": "ball",
      "points": [[50.0, 50.0], [53.0, 54.0]],
      "group_id": 1,
      "description": "red ball",
      "shape_type": "circle",
      "flags": {"bouncing": true},
      "mask": null
    },
    {
      "label": "cat",
      "points": [[10.4, 20.6], [13.4, 22.6]],
      "group_id": 1,
      "description": "",
      "shape_type": "mask",
      "flags": {},
      "mask": "${mask}"
    },
    {
      "label": "car",
      "points": [[20.0, 10.0], [20.0, 30.0], [10.0, 30.0], [10.0, 10.0]],
      "group_id": null,
      "description": null,
      "shape_type": "oriented_rectangle",
      "flags": null,
      "mask": null
    }
  ],
  "imagePath": "..\\\\images\\\\cat.jpg",
  "imageData": null,
  "imageHeight": 100,
  "imageWidth": 120
}`
    const dataset = await labelme.read(new FileTree([['labels/cat.json', file]]))
    expect(dataset.labels.map((l) => l.name)).toEqual(['cat', 'ball', 'car', 'blurry', 'night'])
    expect(dataset.labels[1]!.attributes.map((a) => [a.name, a.type])).toEqual([
      ['bouncing', 'checkbox'],
      ['description', 'text'],
    ])
    expect(dataset.images).toEqual([
      {
        name: 'images/cat.jpg',
        width: 120,
        height: 100,
        subset: 'default',
        annotations: [
          { type: 'rectangle', label: 'cat', points: [12, 30.5, 40, 60], attributes: {} },
          {
            type: 'ellipse',
            label: 'ball',
            points: [50, 50, 5, 5],
            group: 1,
            attributes: { bouncing: true, description: 'red ball' },
          },
          {
            type: 'mask',
            label: 'cat',
            points: [10, 21, 14, 24],
            mask: MASK,
            group: 1,
            attributes: {},
          },
          {
            type: 'rectangle',
            label: 'car',
            points: [5, 15, 25, 25],
            rotation: 90,
            attributes: {},
          },
        ],
        tags: [{ label: 'night', attributes: {} }],
      },
    ])
  })

  it('reads labelme 3 files (no shape_type, colors) and takes sizes from the image', async () => {
    const file = JSON.stringify({
      flags: {},
      shapes: [
        {
          label: 'dog',
          line_color: null,
          fill_color: null,
          points: [
            [1, 1],
            [5, 1],
            [5, 4],
          ],
        },
      ],
      lineColor: [0, 255, 0, 128],
      fillColor: [255, 0, 0, 128],
      imagePath: 'dog.png',
      imageData: null,
    })
    const files = new FileTree([
      ['dog.json', file],
      ['dog.png', png(7, 9)],
    ])
    const dataset = await labelme.read(files)
    expect(dataset.images[0]).toMatchObject({ name: 'dog.png', width: 7, height: 9 })
    expect(dataset.images[0]!.annotations).toEqual([
      { type: 'polygon', label: 'dog', points: [1, 1, 5, 1, 5, 4], attributes: {} },
    ])
    expect(labelme.detect(files)).toBeGreaterThan(0.5)
  })

  it('rejects malformed files with the file, the JSON path and what was expected', async () => {
    const file = (shapes: unknown[], extra: Record<string, unknown> = {}) =>
      new FileTree([
        [
          'x/a.json',
          JSON.stringify({
            version: '5.0.1',
            flags: {},
            shapes,
            imagePath: 'a.jpg',
            imageData: null,
            imageHeight: 10,
            imageWidth: 10,
            ...extra,
          }),
        ],
      ])
    const shape = (over: Record<string, unknown>) => ({
      label: 'a',
      points: [
        [1, 1],
        [2, 2],
        [3, 1],
      ],
      group_id: null,
      shape_type: 'polygon',
      flags: {},
      ...over,
    })
    expect(
      await readError(
        file([
          shape({}),
          shape({
            points: [
              [1, 1],
              [2, 'x'],
            ],
          }),
        ]),
      ),
    ).toBe('x/a.json: shapes[1].points[1][1]: expected y')
    expect(await readError(file([shape({ points: [[1, 1], [2]] })]))).toBe(
      'x/a.json: shapes[0].points[1]: expected a point [x, y]',
    )
    expect(await readError(file([shape({ shape_type: 'cuboid' })]))).toBe(
      'x/a.json: shapes[0].shape_type: expected one of polygon|rectangle|circle|line|linestrip|point|points|mask|oriented_rectangle, got "cuboid"',
    )
    expect(
      await readError(
        file([
          shape({
            points: [
              [1, 1],
              [2, 2],
            ],
          }),
        ]),
      ),
    ).toBe('x/a.json: shapes[0].points: expected at least 3 points for a polygon')
    expect(await readError(file([shape({ shape_type: 'circle' })]))).toBe(
      'x/a.json: shapes[0].points: expected 2 points (center, a point on the circle) for a circle',
    )
    expect(await readError(file([shape({ shape_type: 'mask', mask: 'not a png' })]))).toBe(
      'x/a.json: shapes[0].mask: expected a base64 PNG',
    )
    expect(await readError(file([shape({ group_id: 1.5 })]))).toBe(
      'x/a.json: shapes[0].group_id: expected an integer or null',
    )
    expect(await readError(file([shape({ flags: { a: 'yes' } })]))).toBe(
      'x/a.json: shapes[0].flags.a: expected true or false',
    )
    expect(await readError(file([], { imageHeight: null, imageWidth: null }))).toBe(
      'x/a.json: imageWidth: expected imageWidth and imageHeight, or the image file x/a.jpg',
    )
    expect(await readError(file([], { imagePath: 3 }))).toBe(
      "x/a.json: imagePath: expected the image's path",
    )
    expect(await readError(new FileTree([['a.json', '{"shapes": [}']]))).toMatch(
      /^a\.json: (line 1, column 13: )?expected valid JSON/,
    )
    expect(await readError(new FileTree([['a.txt', 'x']]))).toBe(
      '(archive): expected LabelMe JSON files (one per image, with "shapes" and "imagePath")',
    )
  })

  it('encodes base64 both ways', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255)
      const encoded = base64Encode(bytes)
      expect(base64Decode(encoded)).toEqual(bytes)
      expect(base64Decode(encoded.replace(/=+$/, ''))).toEqual(bytes)
    }
    expect(base64Encode(Uint8Array.from([102, 111, 111, 98]))).toBe('Zm9vYg==')
    expect(base64Decode('Zm9v!')).toBeNull()
  })
})

describe('LabelMe: detection, progress and cancel', () => {
  it('recognises its own files only', async () => {
    const files = await labelme.write(labelmeDataset())
    expect(labelme.detect(files)).toBe(0.9)
    const coco = new FileTree([
      ['annotations/instances_val.json', '{"images":[],"annotations":[]}'],
    ])
    expect(labelme.detect(coco)).toBe(0)
    const datumaro = new FileTree([
      ['annotations/default.json', '{"info":{},"categories":{},"items":[]}'],
    ])
    expect(labelme.detect(datumaro)).toBe(0)
  })

  it('reports progress per file and stops when cancelled', async () => {
    const files = await labelme.write(labelmeDataset())
    const seen: number[] = []
    await labelme.read(files, { onProgress: (p) => seen.push(p.done) })
    expect(seen).toEqual([1, 2])
    const signal = { aborted: false }
    await expect(async () =>
      labelme.read(files, {
        signal,
        onProgress: () => {
          signal.aborted = true
        },
      }),
    ).rejects.toThrow('cancelled')
    await expect(async () =>
      labelme.write(labelmeDataset(), { signal: { aborted: true } }),
    ).rejects.toThrow('cancelled')
  })
})
