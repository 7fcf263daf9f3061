// ~55k shapes over 5,000 images through CVAT for images 1.1 and LabelMe: everything comes back.
// Timings are printed (one JSON line per case), never asserted.
import { bitmapToRle } from '@loupe/masks'
import { describe, expect, it } from 'vitest'
import { FileTree, getFormat, type Dataset, type DatasetAnnotation } from '../src/index'
import '../src/builtin'

const MASK = bitmapToRle({
  width: 6,
  height: 4,
  data: Uint8Array.from({ length: 24 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
})

function largeDataset(images: number, perImage: number): Dataset {
  const dataset: Dataset = {
    labels: [
      {
        name: 'car',
        type: 'any',
        attributes: [
          { name: 'parked', type: 'checkbox', values: [], default: false, mutable: false },
          { name: 'speed', type: 'number', values: [], default: 0, mutable: false },
        ],
      },
      { name: 'road', type: 'any', attributes: [] },
    ],
    images: [],
  }
  for (let i = 0; i < images; i++) {
    const annotations: DatasetAnnotation[] = []
    for (let k = 0; k < perImage; k++) {
      const x = (i % 97) + k * 3.25
      switch (k % 4) {
        case 0:
          annotations.push({
            type: 'rectangle',
            label: 'car',
            points: [x, 10, x + 20.5, 40],
            attributes: { parked: k % 8 === 0, speed: k },
          })
          break
        case 1:
          annotations.push({
            type: 'polygon',
            label: 'road',
            points: [x, 0, x + 10, 0, x + 10, 10, x + 5, 15, x, 10],
            attributes: {},
          })
          break
        case 2:
          annotations.push({
            type: 'points',
            label: 'car',
            points: [x, 1, x + 1, 2],
            attributes: { parked: true, speed: 1.5 },
          })
          break
        default:
          annotations.push({
            type: 'mask',
            label: 'road',
            points: [k, k, k + 6, k + 4],
            mask: MASK,
            attributes: {},
          })
      }
    }
    dataset.images.push({
      name: `images/${String(i).padStart(6, '0')}.jpg`,
      width: 640,
      height: 480,
      subset: 'default',
      annotations,
      tags: [],
    })
  }
  return dataset
}

const shapes = (dataset: Dataset) =>
  dataset.images.reduce((n, image) => n + image.annotations.length, 0)

describe.each(['cvat', 'labelme'])('%s with ~55k shapes', (id) => {
  it('writes and reads them all back', async () => {
    const format = getFormat(id)
    const dataset = largeDataset(5000, 11)
    let t = performance.now()
    const files = await format.write(dataset)
    const writeMs = performance.now() - t
    t = performance.now()
    const back = await format.read(new FileTree(files.entries()))
    const readMs = performance.now() - t
    console.log(
      JSON.stringify({
        format: id,
        images: 5000,
        shapes: shapes(dataset),
        writeMs: Math.round(writeMs),
        readMs: Math.round(readMs),
      }),
    )
    expect(shapes(back)).toBe(55_000)
    const byName = new Map(back.images.map((image) => [image.name, image]))
    const key = (anns: DatasetAnnotation[]) =>
      JSON.stringify(anns.map((a) => [a.type, a.label, a.points, a.mask, a.attributes]))
    // compare as text (one deep-equal per image would dominate the test's time); show the first
    // image that differs
    const differing = dataset.images.find(
      (image) => key(byName.get(image.name)?.annotations ?? []) !== key(image.annotations),
    )
    if (differing) {
      expect(byName.get(differing.name)?.annotations).toEqual(differing.annotations)
    }
  })
})
