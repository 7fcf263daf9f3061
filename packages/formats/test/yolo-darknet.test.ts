import { describe, expect, it } from 'vitest'
import type { Dataset } from '../src/dataset'
import { FileTree } from '../src/files'
import { exportReport } from '../src/report'
import { yolo } from '../src/yolo'
import {
  expectClose,
  image,
  label,
  mask,
  png,
  rect,
  roundTrip,
  shape,
  treeContents,
} from './yolo-voc-builders'

function sample(): Dataset {
  return {
    labels: [label('car', { sourceId: 7 }), label('person', { sourceId: 3 }), label('unused')],
    images: [
      image(
        'a.jpg',
        640,
        480,
        [
          rect('car', [10, 20, 110.5, 220.25]),
          rect('person', [0, 0, 640, 480]),
          // huge and out-of-image coordinates survive (CVAT allows shapes past the border)
          rect('car', [-20, 470, 700.125, 900]),
        ],
        { subset: 'train', data: png(640, 480) },
      ),
      image('sub/ünïcødé 1.png', 1000, 750, [], { subset: 'train', data: png(1000, 750) }),
      image('c.jpg', 320, 200, [rect('person', [1, 2, 3, 4])], { subset: 'valid' }),
    ],
  }
}

const knownSizes = {
  imageSize: (name: string) => (name === 'c.jpg' ? { width: 320, height: 200 } : undefined),
}

describe('YOLO 1.1 (Darknet)', () => {
  it('writes the layout CVAT writes', async () => {
    const files = await yolo.write(sample())
    const text = treeContents(files)
    expect(Object.keys(text)).toEqual([
      'obj.data',
      'obj.names',
      'obj_train_data/a.jpg',
      'obj_train_data/a.txt',
      'obj_train_data/sub/ünïcødé 1.png',
      'obj_train_data/sub/ünïcødé 1.txt',
      'obj_valid_data/c.txt',
      'train.txt',
      'valid.txt',
    ])
    expect(text['obj.data']).toBe(
      'classes = 3\ntrain = data/train.txt\nvalid = data/valid.txt\nnames = data/obj.names\nbackup = backup/\n',
    )
    // sourceIds 7 and 3 are not class indexes 0…2, so the label order is used
    expect(text['obj.names']).toBe('car\nperson\nunused\n')
    expect(text['train.txt']).toBe(
      'data/obj_train_data/a.jpg\ndata/obj_train_data/sub/ünïcødé 1.png\n',
    )
    expect(text['obj_train_data/a.txt']).toBe(
      '0 0.094141 0.250260 0.157031 0.417187\n' +
        '1 0.500000 0.500000 1.000000 1.000000\n' +
        '0 0.531348 1.427083 1.125195 0.895833\n',
    )
    expect(text['obj_train_data/sub/ünïcødé 1.txt']).toBe('')
  })

  it('round-trips boxes, subsets, names and sizes within 1e-6 of the image size', async () => {
    const dataset = sample()
    const { files, back } = await roundTrip(yolo, dataset, knownSizes)
    expect(back.labels.map((l) => [l.name, l.sourceId])).toEqual([
      ['car', 0],
      ['person', 1],
      ['unused', 2],
    ])
    expect(back.images.map((i) => [i.name, i.subset, i.width, i.height, !!i.data])).toEqual([
      ['a.jpg', 'train', 640, 480, true],
      ['sub/ünïcødé 1.png', 'train', 1000, 750, true],
      ['c.jpg', 'valid', 320, 200, false],
    ])
    back.images.forEach((img, i) => {
      const original = dataset.images[i]!
      expect(img.annotations.map((a) => [a.type, a.label])).toEqual(
        original.annotations.map((a) => [a.type, a.label]),
      )
      img.annotations.forEach((ann, k) =>
        expectClose(
          ann.points,
          original.annotations[k]!.points,
          1e-6 * Math.max(img.width, img.height),
        ),
      )
    })
    // export → import → export is byte-identical
    const again = await yolo.write(back)
    expect(treeContents(again)).toEqual(treeContents(files))
  })

  it('reads a CVAT export without images, sizes from the project', async () => {
    const files = new FileTree([
      [
        'obj.data',
        'classes = 2\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n',
      ],
      ['obj.names', 'cat\ndog\n'],
      ['train.txt', 'data/obj_train_data/frame_000000.PNG\ndata/obj_train_data/frame_000001.PNG\n'],
      ['obj_train_data/frame_000000.txt', '1 0.500000 0.500000 0.250000 0.500000\n'],
      ['obj_train_data/frame_000001.txt', ''],
    ])
    expect(yolo.detect(files)).toBeGreaterThan(0.9)
    const dataset = await yolo.read(files, { imageSize: () => ({ width: 200, height: 100 }) })
    expect(dataset.labels.map((l) => l.name)).toEqual(['cat', 'dog'])
    expect(dataset.images).toEqual([
      {
        name: 'frame_000000.PNG',
        width: 200,
        height: 100,
        subset: 'train',
        annotations: [
          { type: 'rectangle', label: 'dog', points: [75, 25, 125, 75], attributes: {} },
        ],
        tags: [],
      },
      {
        name: 'frame_000001.PNG',
        width: 200,
        height: 100,
        subset: 'train',
        annotations: [],
        tags: [],
      },
    ])
  })

  it('tolerates absolute paths, CRLF, a BOM, comments and a missing label file', async () => {
    const files = new FileTree([
      [
        'obj.data',
        '\ufeffclasses= 1\r\n# a comment\r\ntrain  =  /home/me/darknet/data/train.txt\r\nnames = data/obj.names\r\n',
      ],
      ['obj.names', 'thing\r\n\r\n'],
      [
        'train.txt',
        '/home/me/darknet/data/obj_train_data/x.jpg\r\n\r\n/home/me/darknet/data/obj_train_data/y.jpg\r\n',
      ],
      ['obj_train_data/x.jpg', png(10, 10)],
      ['obj_train_data/x.txt', '0 0.5 0.5 1 1\r\n\r\n'],
      ['obj_train_data/y.jpg', png(20, 10)],
    ])
    const dataset = await yolo.read(files)
    expect(dataset.images.map((i) => [i.name, i.width, i.height, i.annotations.length])).toEqual([
      ['x.jpg', 10, 10, 1],
      ['y.jpg', 20, 10, 0],
    ])
    expect(dataset.images[0]!.annotations[0]!.points).toEqual([0, 0, 10, 10])
  })

  it('never takes a subset list for the label file of an image named like it', async () => {
    const files = new FileTree([
      ['obj.names', 'a\n'],
      ['train.txt', 'data/obj_train_data/train.jpg\n'],
      ['obj_train_data/train.jpg', png(4, 4)],
    ])
    const dataset = await yolo.read(files)
    expect(dataset.images.map((i) => [i.name, i.annotations.length])).toEqual([['train.jpg', 0]])
  })

  it('reports what it cannot hold and what it converts', () => {
    const dataset: Dataset = {
      labels: [
        label('a', { color: '#ff0000', attributes: [{ name: 'x', type: 'text', values: [] }] }),
      ],
      images: [
        image(
          'i.jpg',
          10,
          10,
          [
            rect('a', [0, 0, 1, 1], { attributes: { x: 'y' }, rotation: 30, occluded: true }),
            shape('polygon', 'a', [0, 0, 5, 0, 5, 5]),
            shape('ellipse', 'a', [5, 5, 2, 1]),
            mask('a', 1, 1, ['##']),
            shape('points', 'a', [1, 1]),
            shape('polyline', 'a', [1, 1, 2, 2]),
          ],
          { tags: [{ label: 'a', attributes: {} }] },
        ),
      ],
    }
    const report = exportReport(yolo, dataset)
    const entries = Object.fromEntries(report.entries.map((e) => [`${e.kind} ${e.what}`, e.count]))
    expect(entries).toEqual({
      'dropped label colors': 1,
      'dropped attribute definitions': 1,
      'dropped tags': 1,
      'dropped attribute values': 1,
      'dropped rotation': 1,
      'dropped occluded': 1,
      'converted polygon': 1,
      'converted ellipse': 1,
      'converted mask': 1,
      'dropped points': 1,
      'dropped polyline': 1,
      'converted subset default': 1,
    })
  })

  it('writes converted shapes as their bounding boxes', async () => {
    const dataset: Dataset = {
      labels: [label('a')],
      images: [
        image('i.jpg', 100, 100, [
          shape('polygon', 'a', [10, 10, 50, 20, 30, 60]),
          shape('ellipse', 'a', [50, 50, 10, 20]),
          mask('a', 5, 6, ['.#', '##']),
          shape('points', 'a', [1, 1]),
        ]),
      ],
    }
    const { back } = await roundTrip(yolo, dataset, {
      imageSize: () => ({ width: 100, height: 100 }),
    })
    expect(back.images[0]!.subset).toBe('train')
    expect(
      back.images[0]!.annotations.map((a) => a.points.map((n) => Math.round(n * 1e4) / 1e4)),
    ).toEqual([
      [10, 10, 50, 60],
      [40, 30, 60, 70],
      [5, 6, 7, 8],
    ])
  })

  describe('malformed input names the file, the line and what was expected', () => {
    const base = (label: string, extra: [string, string | Uint8Array][] = []) =>
      new FileTree([
        ['obj.data', 'classes = 2\ntrain = data/train.txt\nnames = data/obj.names\n'],
        ['obj.names', 'a\nb\n'],
        ['train.txt', 'data/obj_train_data/x.jpg\n'],
        ['obj_train_data/x.jpg', png(10, 10)],
        ['obj_train_data/x.txt', label],
        ...extra,
      ])
    const cases: [string, FileTree, string][] = [
      [
        'a word',
        base('0 0.5 0.5 0.1 0.1\n1 0.5 abc 0.1 0.1\n'),
        'obj_train_data/x.txt: line 2: expected numbers, got "abc"',
      ],
      [
        'too few numbers',
        base('0 0.5 0.5 0.1\n'),
        'obj_train_data/x.txt: line 1: expected 5 numbers (class cx cy w h), got 4',
      ],
      [
        'a polygon row',
        base('0 0.1 0.1 0.2 0.2 0.3 0.1\n'),
        'obj_train_data/x.txt: line 1: expected 5 numbers (class cx cy w h), got 7',
      ],
      [
        'an unknown class',
        base('\n2 0.5 0.5 0.1 0.1\n'),
        'obj_train_data/x.txt: line 2: expected a class index below 2 (the number of class names), got 2',
      ],
      [
        'a fractional class',
        base('1.5 0.5 0.5 0.1 0.1\n'),
        'obj_train_data/x.txt: line 1: expected a class index (a non-negative integer) first, got 1.5',
      ],
      [
        'a negative size',
        base('0 0.5 0.5 -0.1 0.1\n'),
        'obj_train_data/x.txt: line 1: expected a non-negative box width and height, got -0.1 0.1',
      ],
      [
        'duplicate names',
        new FileTree([
          ['obj.names', 'a\nb\na\n'],
          ['train.txt', ''],
        ]),
        'obj.names: line 3: expected unique class names ("a" is also at line 1)',
      ],
      [
        'an empty name',
        new FileTree([
          ['obj.names', 'a\n\nb\n'],
          ['train.txt', ''],
        ]),
        'obj.names: line 2: expected a class name',
      ],
      [
        'no names file',
        new FileTree([
          ['obj.data', 'train = data/train.txt\nnames = data/obj.names\n'],
          ['train.txt', ''],
        ]),
        'obj.names: missing: expected the class names file (one name per line)',
      ],
      [
        'a missing list',
        new FileTree([
          ['obj.data', 'train = data/train.txt\nvalid = data/valid.txt\n'],
          ['obj.names', 'a\n'],
          ['train.txt', ''],
        ]),
        'obj.data: line 2: expected the image list data/valid.txt in the archive',
      ],
      [
        'a bad classes count',
        new FileTree([
          ['obj.data', 'classes = two\n'],
          ['obj.names', 'a\n'],
        ]),
        'obj.data: line 1: expected classes = a number, got "two"',
      ],
      [
        'an unknown image size',
        new FileTree([
          ['obj.names', 'a\n'],
          ['train.txt', 'data/obj_train_data/q.jpg\n'],
          ['obj_train_data/q.txt', '0 0.5 0.5 1 1\n'],
        ]),
        'obj_train_data/q.txt: expected the size of image q.jpg: the archive does not hold the image and the project does not know it',
      ],
      [
        'an image that is not one',
        base('', [['obj_train_data/x.jpg', 'not an image']]),
        'obj_train_data/x.jpg: expected an image (not a PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF or HEIC image)',
      ],
      [
        'a list line that is no image',
        new FileTree([
          ['obj.names', 'a\n'],
          ['train.txt', 'data/obj_train_data/q.txt\n'],
          ['obj_train_data/q.txt', ''],
        ]),
        'train.txt: line 1: expected an image path, got "data/obj_train_data/q.txt"',
      ],
    ]
    for (const [what, files, message] of cases) {
      it(what, () => {
        expect(() => yolo.read(files)).toThrow(message)
        try {
          void yolo.read(files)
        } catch (error) {
          expect((error as Error).message).toBe(message)
        }
      })
    }
  })

  it('reads and writes ~50k boxes over 5,000 images', async () => {
    const labels = Array.from({ length: 80 }, (_, i) => label(`class ${i}`))
    const images = Array.from({ length: 5000 }, (_, i) =>
      image(
        `img_${i}.jpg`,
        1920,
        1080,
        Array.from({ length: 11 }, (_, k) =>
          rect(`class ${(i + k) % 80}`, [k * 10, k * 5, k * 10 + 100.25, k * 5 + 50.5]),
        ),
        { subset: i % 5 === 0 ? 'valid' : 'train' },
      ),
    )
    const dataset: Dataset = { labels, images }
    const { back } = await roundTrip(yolo, dataset, {
      imageSize: () => ({ width: 1920, height: 1080 }),
    })
    expect(back.images).toHaveLength(5000)
    expect(back.images.reduce((n, img) => n + img.annotations.length, 0)).toBe(55_000)
    // images come back grouped by subset (train first, as obj.data lists it)
    const byName = new Map(back.images.map((img) => [img.name, img]))
    const sampleImage = byName.get('img_4321.jpg')!
    expect(sampleImage.subset).toBe('train')
    expect(sampleImage.annotations[3]!.label).toBe('class 4')
    expectClose(sampleImage.annotations[3]!.points, [30, 15, 130.25, 65.5], 1e-6 * 1920)
  })
})
