// COCO round trips: dataset → write → read keeps everything COCO holds; export → import → export
// gives the same bytes; the report lists the rest; a 50k-annotation dataset survives.

import { describe, expect, it } from 'vitest'
import type { FileTree } from '../src'
import { exportReport, type Dataset, type DatasetAnnotation } from '../src'
import { coco } from '../src/coco'
import { ellipseToPolygon } from '../src/coco/geometry'
import { fullDataset, largeDataset, png } from './coco-datumaro-dataset'

const write = async (dataset: Dataset) => (await coco.write(dataset)) as FileTree
const read = async (tree: FileTree) => (await coco.read(tree)) as Dataset

/** What COCO can hold of the full dataset, as an import gives it back. */
function cocoPart(dataset: Dataset): Dataset {
  return {
    ...dataset,
    labels: dataset.labels.map(({ color: _color, ...label }) => label),
    images: dataset.images.map(({ captions: _captions, ...image }) => {
      const annotations: DatasetAnnotation[] = []
      let groupSource: number | undefined
      for (const ann of image.annotations) {
        const { zOrder: _z, ...kept } = ann
        if (ann.type === 'polyline' || ann.type === 'points') continue
        if (ann.type === 'ellipse') {
          const { rotation: _r, ...rest } = kept
          annotations.push({
            ...rest,
            type: 'polygon',
            points: ellipseToPolygon(ann.points, ann.rotation),
          })
          continue
        }
        // parts of one object share its id
        if (ann.group !== undefined) groupSource ??= ann.sourceId
        annotations.push(ann.group !== undefined ? { ...kept, sourceId: groupSource! } : kept)
      }
      // skeletons are read from person_keypoints_<subset>.json, after the instances
      const skeletons = annotations.filter((a) => a.type === 'skeleton')
      const others = annotations.filter((a) => a.type !== 'skeleton')
      return { ...image, tags: [], annotations: [...others, ...skeletons] }
    }),
  }
}

describe('COCO round trip', () => {
  it('keeps every shape COCO holds, with attributes, ids, subsets, masks and keypoints', async () => {
    const dataset = fullDataset()
    dataset.images[1]!.data = png(16, 16)
    const back = await read(await write(dataset))
    const expected = cocoPart(dataset)
    // subsets come back in file order; the train images keep their order
    expect(back.images.map((i) => i.name)).toEqual(expected.images.map((i) => i.name))
    expect(back.labels).toEqual(expected.labels)
    for (let i = 0; i < expected.images.length; i++) {
      expect(back.images[i]).toEqual(expected.images[i])
    }
    expect(back.name).toBe('demo')
  })

  it('gives the same bytes on a second export', async () => {
    const first = await write(fullDataset())
    const second = await write(await read(first))
    expect(second.paths()).toEqual(first.paths())
    for (const path of first.paths()) expect(second.text(path)).toBe(first.text(path))
  })

  it('writes the CVAT layout: instances and person_keypoints per subset, images per subset', async () => {
    const dataset = fullDataset()
    dataset.images[0]!.data = png(64, 48)
    const tree = await write(dataset)
    expect(tree.paths()).toEqual([
      'annotations/instances_train.json',
      'annotations/instances_val.json',
      'annotations/person_keypoints_train.json',
      'annotations/person_keypoints_val.json',
      'images/train/street/a.jpg',
    ])
    expect((await coco.write(dataset, { includeImages: false })).paths()).not.toContain(
      'images/train/street/a.jpg',
    )
  })

  it('gives fresh ids where the wished ones are taken', async () => {
    const dataset = fullDataset()
    dataset.labels[1]!.sourceId = 3 // same as car
    dataset.images[1]!.sourceId = 100 // same as the first image
    const instances = (await write(dataset)).json('annotations/instances_train.json') as {
      categories: { id: number; name: string }[]
      images: { id: number }[]
    }
    expect(instances.categories.map((c) => [c.name, c.id])).toEqual([
      ['car', 3],
      ['person', 13],
      ['café ☕', 12],
    ])
    expect(instances.images.map((i) => i.id)).toEqual([100, 101])
  })

  it('reports what COCO cannot hold', () => {
    const report = exportReport(coco, fullDataset())
    const entries = Object.fromEntries(report.entries.map((e) => [`${e.kind} ${e.what}`, e.count]))
    expect(entries).toEqual({
      'dropped label colors': 1,
      'dropped tags': 1,
      'dropped captions': 1,
      'dropped z-order': 1,
      'converted ellipse': 1,
      'dropped polyline': 1,
      'dropped points': 1,
    })
    expect(report).toMatchObject({ format: 'coco', images: 3, annotations: 10 })
  })

  it('reports the groups it cannot keep, and keeps the rest', async () => {
    const polygon = (label: string, group: number, x: number, attributes = {}) => ({
      type: 'polygon' as const,
      label,
      points: [x, 0, x + 4, 0, x + 4, 4],
      attributes,
      group,
    })
    const dataset: Dataset = {
      labels: [
        { name: 'car', attributes: [{ name: 'color', type: 'text', values: [] }] },
        { name: 'road', attributes: [] },
      ],
      images: [
        {
          name: 'a.jpg',
          width: 50,
          height: 50,
          subset: 'default',
          tags: [],
          annotations: [
            // kept: two polygons, one label, same attributes (a polyline in it is dropped anyway)
            polygon('car', 1, 0, { color: 'red' }),
            polygon('car', 1, 10, { color: 'red' }),
            { type: 'polyline', label: 'car', points: [0, 0, 1, 1], attributes: {}, group: 1 },
            // lost: two labels
            polygon('car', 2, 20),
            polygon('road', 2, 30),
            // lost: attributes differ
            polygon('car', 3, 0, { color: 'red' }),
            polygon('car', 3, 10, { color: 'blue' }),
            // lost: a rectangle with a polygon, and a group of one
            { type: 'rectangle', label: 'car', points: [0, 0, 5, 5], attributes: {}, group: 4 },
            polygon('car', 4, 40),
            polygon('road', 5, 40),
          ],
        },
      ],
    }
    const entries = exportReport(coco, dataset).entries
    expect(entries.map((e) => [e.kind, e.what, e.count])).toEqual([
      ['dropped', 'polyline', 1],
      ['dropped', 'groups', 7],
    ])
    const back = await read(await write(dataset))
    const grouped = back.images[0]!.annotations.filter((a) => a.group !== undefined)
    expect(grouped.map((a) => [a.label, a.points[0], a.attributes.color])).toEqual([
      ['car', 0, 'red'],
      ['car', 10, 'red'],
    ])
  })

  it('keeps the rotation of rectangles', async () => {
    const dataset: Dataset = {
      labels: [{ name: 'car', attributes: [] }],
      images: [
        {
          name: 'a.jpg',
          width: 50,
          height: 50,
          subset: 'default',
          tags: [],
          annotations: [
            { type: 'rectangle', label: 'car', points: [0, 0, 5, 5], attributes: {}, rotation: 30 },
          ],
        },
      ],
    }
    expect(exportReport(coco, dataset).entries).toEqual([])
    const back = await read(await write(dataset))
    expect(back.images[0]!.annotations[0]!.rotation).toBe(30)
  })

  it('reads and writes 50,000 annotations', async () => {
    const dataset = largeDataset(50_000)
    let progress = 0
    const t0 = performance.now()
    const tree = await coco.write(dataset, { onProgress: (p) => (progress = p.done) })
    const t1 = performance.now()
    const back = await read(tree)
    const t2 = performance.now()
    console.log(
      JSON.stringify({
        case: 'coco 50k',
        writeMs: Math.round(t1 - t0),
        readMs: Math.round(t2 - t1),
      }),
    )
    expect(progress).toBe(dataset.images.length)
    expect(back.images).toHaveLength(dataset.images.length)
    expect(back.images.reduce((n, i) => n + i.annotations.length, 0)).toBe(50_000)
    const sample = dataset.images.find((i) => i.name === 'img_1234.jpg')!
    const sampleBack = back.images.find((i) => i.name === 'img_1234.jpg')!
    expect(sampleBack.annotations.map((a) => [a.type, a.label, a.points])).toEqual(
      sample.annotations.map((a) => [a.type, a.label, a.points]),
    )
  })

  it('stops when cancelled', () => {
    expect(() => coco.write(largeDataset(100), { signal: { aborted: true } })).toThrow('cancelled')
  })
})
