// CVAT for images 1.1 files as CVAT itself writes them (task, job and project exports of CVAT
// 2.x, a task of CVAT 1.x), read from cvat-fixtures/ with the images their archives carry.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import { FileTree, getFormat, type Dataset } from '../src/index'
import '../src/builtin'

const cvat = getFormat('cvat')
const fixture = (name: string) => readFileSync(join(__dirname, 'cvat-fixtures', name), 'utf8')

function png(width: number, height: number): Uint8Array {
  return encode({ width, height, data: new Uint8Array(width * height * 3), channels: 3, depth: 8 })
}

async function read(files: FileTree): Promise<Dataset> {
  return cvat.read(files)
}

describe('CVAT for images 1.1 as CVAT writes it', () => {
  it('reads a CVAT 2.x task export with every shape, a skeleton and a tag', async () => {
    const image = png(8, 6)
    const files = new FileTree([
      ['annotations.xml', fixture('task-2.x/annotations.xml')],
      ['images/frames/0001.png', image],
    ])
    const dataset = await read(files)
    const car = {
      name: 'car',
      color: '#fa3253',
      type: 'any',
      attributes: [
        {
          name: 'model',
          type: 'select',
          values: ['__undefined__', 'sedan', 'van'],
          default: '__undefined__',
          mutable: false,
        },
        { name: 'parked', type: 'checkbox', values: [], default: false, mutable: true },
        { name: 'speed', type: 'number', values: [0, 200, 1], default: 0, mutable: true },
        { name: 'plate', type: 'text', values: [], default: '', mutable: false },
      ],
    }
    expect(dataset).toEqual({
      name: 'street scenes',
      labels: [
        car,
        { name: 'road', color: '#33ddff', type: 'polygon', attributes: [] },
        { name: 'sky', color: '#3d3df5', type: 'mask', attributes: [] },
        { name: 'wheel', color: '#b83df5', type: 'ellipse', attributes: [] },
        {
          name: 'person',
          color: '#ff6037',
          type: 'skeleton',
          attributes: [],
          skeleton: {
            nodes: ['head', 'hand', 'foot'],
            edges: [
              [0, 2],
              [0, 1],
            ],
          },
        },
        { name: 'night', color: '#24b353', type: 'any', attributes: [] },
      ],
      images: [
        {
          name: 'frames/0001.png',
          width: 8,
          height: 6,
          subset: 'Train',
          sourceId: 0,
          data: image,
          annotations: [
            {
              type: 'rectangle',
              label: 'car',
              points: [1, 1.5, 6.25, 4],
              rotation: 15.5,
              occluded: false,
              zOrder: 1,
              group: 2,
              source: 'manual',
              attributes: { model: 'van', parked: true, speed: 35, plate: 'AB 123' },
            },
            {
              type: 'polygon',
              label: 'road',
              points: [0, 6, 8, 6, 4, 3],
              occluded: true,
              zOrder: 0,
              source: 'sam',
              attributes: {},
            },
            {
              type: 'polyline',
              label: 'car',
              points: [0.5, 0.5, 7.5, 0.5],
              occluded: false,
              zOrder: 0,
              source: 'manual',
              attributes: { model: '__undefined__', parked: false, speed: 0, plate: '' },
            },
            {
              type: 'points',
              label: 'car',
              points: [2, 2, 3, 3],
              occluded: false,
              zOrder: 0,
              group: 2,
              source: 'auto',
              attributes: { model: 'sedan', parked: false, speed: 1, plate: '' },
            },
            {
              type: 'ellipse',
              label: 'wheel',
              points: [4, 3, 2, 1],
              rotation: 90,
              occluded: false,
              zOrder: 2,
              source: 'manual',
              attributes: {},
            },
            {
              type: 'mask',
              label: 'sky',
              // rows 0 1 1 / 0 0 0 / 1 0 0 over the 3 × 3 box at (2, 1)
              points: [2, 1, 5, 4],
              mask: { size: [3, 3], counts: [2, 2, 2, 1, 2] },
              occluded: false,
              zOrder: 0,
              source: 'manual',
              attributes: {},
            },
            {
              type: 'skeleton',
              label: 'person',
              points: [3, 1, 5, 2, 3.5, 5],
              visibility: ['visible', 'occluded', 'hidden'],
              zOrder: 0,
              source: 'manual',
              attributes: {},
            },
          ],
          tags: [{ label: 'night', attributes: {} }],
        },
        {
          name: 'frames/0002.png',
          width: 8,
          height: 6,
          subset: 'Train',
          sourceId: 1,
          annotations: [],
          tags: [],
        },
        {
          name: 'frames/0003.png',
          width: 8,
          height: 6,
          subset: 'Train',
          sourceId: 2,
          annotations: [
            {
              type: 'rectangle',
              label: 'car',
              points: [0, 0, 8, 6],
              occluded: false,
              zOrder: 0,
              source: 'import',
              attributes: { model: 'sedan', parked: false, speed: 200, plate: 'naïve & 雪' },
            },
          ],
          tags: [],
        },
      ],
    })
    expect(cvat.detect(files)).toBeGreaterThan(0.9)
    // what Loupe writes back reads back the same
    const again = await read(FileTree.fromZip((await cvat.write(dataset)).toZip()))
    expect(again).toEqual(dataset)
  })

  it('reads the same file with Windows line endings', async () => {
    const text = fixture('task-2.x/annotations.xml').replace(/\n/g, '\r\n')
    const dataset = await read(new FileTree([['annotations.xml', text]]))
    const unix = await read(
      new FileTree([['annotations.xml', fixture('task-2.x/annotations.xml')]]),
    )
    // values span lines: CVAT's own parser (expat) turns \r\n into \n, and so does this one
    expect(dataset.labels[0]!.attributes[0]!.values).toEqual(['__undefined__', 'sedan', 'van'])
    expect(dataset).toEqual(unix)
  })

  it('reads a project export: subsets per image, frame ids per subset, images by subset', async () => {
    const files = new FileTree([
      ['annotations.xml', fixture('project/annotations.xml')],
      ['images/Train/a.jpg', png(4, 3)],
      ['images/Train/b.jpg', png(4, 3)],
      ['images/Validation/a.jpg', png(5, 5)],
    ])
    const dataset = await read(files)
    expect(dataset.name).toBe('birds')
    expect(
      dataset.images.map((i) => [i.subset, i.name, i.sourceId, i.width, i.data?.length ?? 0]),
    ).toEqual([
      ['Train', 'a.jpg', 0, 4, files.get('images/Train/a.jpg')!.length],
      ['Train', 'b.jpg', 1, 4, files.get('images/Train/b.jpg')!.length],
      ['Validation', 'a.jpg', 0, 5, files.get('images/Validation/a.jpg')!.length],
    ])
    expect(dataset.labels).toEqual([
      {
        name: 'bird',
        color: '#ff0000',
        type: 'rectangle',
        attributes: [
          {
            name: 'species',
            type: 'radio',
            values: ['crow', 'gull'],
            default: 'crow',
            mutable: false,
          },
        ],
      },
    ])
    expect(dataset.images[2]!.annotations[0]!.attributes).toEqual({ species: 'crow' })
    // written back as a project with one task per subset and images under images/<subset>/
    const written = await cvat.write(dataset)
    expect(written.paths()).toEqual([
      'annotations.xml',
      'images/Train/a.jpg',
      'images/Train/b.jpg',
      'images/Validation/a.jpg',
    ])
    expect(written.text('annotations.xml')).toContain(
      '<image id="0" name="a.jpg" subset="Validation" task_id="2" width="5" height="5">',
    )
    expect(await read(written)).toEqual(dataset)
  })

  it('takes image sizes from the archive when the XML has none', async () => {
    const text = fixture('project/annotations.xml').replace(/ width="\d+" height="\d+">/g, '>')
    const files = new FileTree([
      ['annotations.xml', text],
      ['images/Train/a.jpg', png(4, 3)],
      ['images/Validation/a.jpg', png(5, 5)],
    ])
    await expect(read(files)).rejects.toThrow(
      'annotations.xml: annotations/image[2]@width (line 99): expected the size of image "b.jpg" (width and height), or the image in images/',
    )
    const dataset = await cvat.read(files, {
      imageSize: (name) => (name === 'b.jpg' ? { width: 9, height: 9 } : undefined),
    })
    expect(dataset.images.map((i) => `${i.width}x${i.height}`)).toEqual(['4x3', '9x9', '5x5'])
  })

  it('reads a job export (<meta><job>) and labels and attributes the meta lacks', async () => {
    const dataset = await read(
      new FileTree([['job/annotations.xml', fixture('job/annotations.xml')]]),
    )
    expect(dataset.name).toBeUndefined()
    expect(dataset.images.map((i) => [i.name, i.sourceId, i.subset])).toEqual([
      ['cat 1.jpeg', 10, 'default'],
      ['cat 2.jpeg', 11, 'default'],
    ])
    expect(dataset.labels).toEqual([
      { name: 'cat', color: '#aaaaaa', type: 'any', attributes: [] },
      {
        name: 'dog',
        type: 'any',
        attributes: [{ name: 'breed', type: 'text', values: [], default: '', mutable: false }],
      },
    ])
    expect(dataset.images[1]!.annotations[0]!.attributes).toEqual({ breed: 'beagle' })
  })

  it('reads a CVAT 1.x task (no colors, types, sources or z-order)', async () => {
    const dataset = await read(
      new FileTree([['annotations.xml', fixture('task-1.x/annotations.xml')]]),
    )
    expect(dataset.labels).toEqual([
      {
        name: 'person',
        attributes: [
          { name: 'age', type: 'number', values: [1, 100, 1], default: 1, mutable: false },
        ],
      },
    ])
    expect(dataset.images[0]!.annotations).toEqual([
      {
        type: 'rectangle',
        label: 'person',
        points: [1, 1, 2, 2],
        occluded: false,
        attributes: { age: 25 },
      },
    ])
  })
})
