// Datumaro: files as CVAT and Datumaro write them, round trips of everything Loupe holds,
// byte-identical re-export, malformed files with exact messages, 50k annotations.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileTree, detectFormat, exportReport, type Dataset } from '../src'
import '../src/builtin'
import { datumaro } from '../src/datumaro'
import { fullDataset, largeDataset, png } from './coco-datumaro-dataset'

const FIXTURES = join(import.meta.dirname, 'datumaro-fixtures')

function folder(dir: string): FileTree {
  const tree = new FileTree()
  const walk = (path: string, rel: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name)
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`)
      else tree.set(`${rel}${name}`, new Uint8Array(readFileSync(full)))
    }
  }
  walk(join(FIXTURES, dir), '')
  return tree
}

const read = async (tree: FileTree) => (await datumaro.read(tree)) as Dataset
const write = async (dataset: Dataset) => (await datumaro.write(dataset)) as FileTree

describe('Datumaro as CVAT exports it', () => {
  it('is detected as Datumaro', () => {
    expect(detectFormat(folder('cvat'))[0]?.format.id).toBe('datumaro')
  })

  it('reads every shape, skeleton elements, tags, attributes, groups and z-order', async () => {
    const dataset = await read(folder('cvat'))
    expect(dataset.labels).toEqual([
      {
        name: 'car',
        attributes: [
          { name: 'color', type: 'text', values: [] },
          { name: 'parked', type: 'checkbox', values: [] },
        ],
      },
      { name: 'person', attributes: [] },
      {
        name: 'skel',
        type: 'skeleton',
        skeleton: { nodes: ['1', '2'], edges: [[0, 1]] },
        attributes: [{ name: 'track_id', type: 'number', values: [] }],
      },
      { name: 'weather', attributes: [{ name: 'kind', type: 'text', values: [] }] },
    ])
    const [image] = dataset.images
    expect(image).toMatchObject({
      name: 'frame_000000.png',
      width: 40,
      height: 30,
      subset: 'default',
    })
    expect(image!.data?.length).toBeGreaterThan(0)
    expect(image!.tags).toEqual([{ label: 'weather', attributes: { kind: 'sunny' } }])
    expect(image!.annotations).toEqual([
      {
        type: 'rectangle',
        label: 'car',
        points: [4.5, 6, 16.5, 16],
        rotation: 30,
        zOrder: 1,
        attributes: { color: 'red', parked: true },
      },
      {
        type: 'polygon',
        label: 'person',
        points: [20, 5, 30, 5, 30, 15],
        occluded: true,
        group: 2,
        attributes: {},
        sourceId: 1,
      },
      {
        type: 'polyline',
        label: 'person',
        points: [1, 1, 5, 5],
        group: 2,
        attributes: {},
        sourceId: 2,
      },
      { type: 'points', label: 'person', points: [3, 4, 5, 6], attributes: {}, sourceId: 3 },
      {
        type: 'mask',
        label: 'person',
        points: [2, 1, 6, 4],
        mask: { size: [3, 4], counts: [0, 12] },
        attributes: {},
        sourceId: 4,
      },
      {
        type: 'skeleton',
        label: 'skel',
        points: [10, 10, 12, 14],
        visibility: ['visible', 'hidden'],
        attributes: { track_id: 0 },
        sourceId: 5,
      },
    ])
  })
})

describe("Datumaro's own files (1.x)", () => {
  it('reads points of a skeleton label, ellipses, captions, crowd masks, colors, absolute paths', async () => {
    const dataset = await read(folder('native'))
    expect(dataset.labels).toEqual([
      {
        name: 'person',
        type: 'skeleton',
        color: '#800000',
        skeleton: { nodes: ['nose', 'tail'], edges: [[0, 1]] },
        attributes: [{ name: 'age', type: 'number', values: [] }],
      },
      { name: 'cat', color: '#008000', attributes: [] },
    ])
    const [image] = dataset.images
    expect(image).toMatchObject({
      name: 'img1.jpg',
      width: 8,
      height: 6,
      subset: 'train',
      sourceId: 42,
      captions: ['a cat and a person'],
    })
    expect(image!.annotations).toEqual([
      {
        type: 'skeleton',
        label: 'person',
        points: [1, 2, 3, 4],
        visibility: ['visible', 'occluded'],
        group: 1,
        attributes: { age: 31 },
        sourceId: 1,
      },
      {
        type: 'ellipse',
        label: 'cat',
        points: [5, 4, 3, 2],
        score: 0.5,
        attributes: {},
        sourceId: 2,
      },
      {
        type: 'mask',
        label: 'cat',
        points: [1, 2, 4, 5],
        mask: { size: [3, 3], counts: [0, 9] },
        crowd: true,
        attributes: {},
        sourceId: 4,
      },
    ])
  })
})

describe('Datumaro round trip', () => {
  it('keeps everything Loupe holds but format-specific label ids', async () => {
    const dataset = fullDataset()
    dataset.images[1]!.data = png(16, 16)
    const back = await read(await write(dataset))
    const expected = {
      ...dataset,
      name: undefined,
      labels: dataset.labels.map(({ sourceId: _id, ...label }) => label),
    }
    delete expected.name
    expect(back).toEqual(expected)
  })

  it('gives the same bytes on a second export', async () => {
    const first = await write(fullDataset())
    const second = await write(await read(first))
    expect(second.paths()).toEqual(first.paths())
    for (const path of first.paths()) expect(second.text(path)).toBe(first.text(path))
  })

  it('writes CVAT-style skeleton labels, elements and the images of each subset', async () => {
    const dataset = fullDataset()
    dataset.images[2]!.data = png(32, 32)
    const tree = await write(dataset)
    expect(tree.paths()).toEqual([
      'annotations/train.json',
      'annotations/val.json',
      'images/val/val/ünïcode 1.jpg',
    ])
    const train = tree.json('annotations/train.json') as {
      categories: { label: { labels: { name: string; parent: string }[] }; points: unknown }
      items: { id: string; annotations: { type: string; elements?: unknown[] }[] }[]
    }
    expect(train.categories.label.labels.map((l) => `${l.parent}/${l.name}`)).toEqual([
      '/car',
      '/person',
      '/café ☕',
      '/pose',
      'pose/head',
      'pose/left',
      'pose/right',
    ])
    expect(train.categories.points).toEqual({
      items: [
        {
          label_id: 3,
          labels: ['head', 'left', 'right'],
          joints: [
            [1, 2],
            [1, 3],
          ],
        },
      ],
    })
    expect(train.items.map((i) => i.id)).toEqual(['street/a', 'empty'])
    const skeleton = train.items[0]!.annotations.find((a) => a.type === 'skeleton')
    expect(skeleton?.elements?.[2]).toEqual({
      id: 0,
      type: 'points',
      attributes: { occluded: false, outside: true },
      group: 0,
      label_id: 6,
      points: [12, 14],
      z_order: 0,
      visibility: [0],
    })
  })

  it('reports nothing dropped', () => {
    expect(exportReport(datumaro, fullDataset()).entries).toEqual([])
  })

  it('reports group ids it cannot keep (0 means no group in Datumaro)', () => {
    const dataset = fullDataset()
    const [first, second] = dataset.images[0]!.annotations
    first!.group = 0
    second!.group = -2
    expect(exportReport(datumaro, dataset).entries.map((e) => [e.kind, e.what, e.count])).toEqual([
      ['dropped', 'groups', 2],
    ])
  })

  it('reads and writes 50,000 annotations', async () => {
    const dataset = largeDataset(50_000)
    const t0 = performance.now()
    const tree = await write(dataset)
    const t1 = performance.now()
    const back = await read(tree)
    const t2 = performance.now()
    console.log(
      JSON.stringify({
        case: 'datumaro 50k',
        writeMs: Math.round(t1 - t0),
        readMs: Math.round(t2 - t1),
      }),
    )
    expect(back.images.reduce((n, i) => n + i.annotations.length, 0)).toBe(50_000)
    // Written 500 images at a time (2,500 here), the file is still exactly one stringify.
    const files = tree.paths().filter((path) => path.endsWith('.json'))
    expect(files.length).toBeGreaterThan(0)
    for (const path of files) {
      const text = tree.text(path)
      expect(JSON.stringify(JSON.parse(text)) === text, path).toBe(true)
    }
    const name = 'img_2001.jpg'
    expect(back.images.find((i) => i.name === name)!.annotations).toEqual(
      dataset.images.find((i) => i.name === name)!.annotations,
    )
  })
})

describe('malformed Datumaro', () => {
  const file = 'annotations/default.json'
  const base = () => ({
    info: {},
    categories: {
      label: { labels: [{ name: 'car', parent: '', attributes: [] }], attributes: [] },
    },
    items: [
      {
        id: 'a',
        image: { path: 'a.jpg', size: [10, 10] },
        annotations: [
          { id: 1, type: 'bbox', attributes: {}, group: 0, label_id: 0, bbox: [0, 0, 1, 1] },
          { id: 2, type: 'bbox', attributes: {}, group: 0, label_id: 0, bbox: [0, 0, 1, 1] },
        ],
      },
    ],
  })
  const fails = (json: unknown) => {
    try {
      datumaro.read(new FileTree([[file, JSON.stringify(json)]]))
    } catch (error) {
      return (error as Error).message
    }
    return 'no error'
  }

  it('names the file, the JSON path and what was expected', () => {
    const bbox = base()
    bbox.items[0]!.annotations[1]!.bbox = [0, 0, 1]
    expect(fails(bbox)).toBe(
      `${file}: items[0].annotations[1].bbox: expected 4 numbers [x, y, width, height]`,
    )
    const label = base()
    label.items[0]!.annotations[0]!.label_id = 4
    expect(fails(label)).toBe(
      `${file}: items[0].annotations[0].label_id: expected a label index from 0 to 0 (categories.label.labels)`,
    )
    const type = base()
    type.items[0]!.annotations[0]!.type = 'cuboid'
    expect(fails(type)).toBe(
      `${file}: items[0].annotations[0].type: expected one of label, caption, bbox, polygon, polyline, points, skeleton, ellipse or mask`,
    )
    const size = base()
    ;(size.items[0]!.image as { size: unknown }).size = [10]
    expect(fails(size)).toBe(`${file}: items[0].image.size: expected size [height, width]`)
    const mask = base()
    ;(mask.items[0]!.annotations[0] as Record<string, unknown>).type = 'mask'
    ;(mask.items[0]!.annotations[0] as Record<string, unknown>).rle = {
      counts: '!!',
      size: [10, 10],
    }
    expect(fails(mask)).toMatch(
      new RegExp(
        `^${file}: items\\[0\\]\\.annotations\\[0\\]\\.rle\\.counts: expected a compressed RLE string`,
      ),
    )
    expect(fails({ ...base(), items: 3 })).toBe(`${file}: items: expected an array of items`)
  })
})
