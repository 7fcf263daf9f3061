import { polygonToMask, rleToBitmap } from '@loupe/masks'
import { describe, expect, it } from 'vitest'
import type { Dataset } from '../src/dataset'
import { FileTree } from '../src/files'
import { exportReport } from '../src/report'
import { ultralytics } from '../src/ultralytics'
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

const tolerance = (img: { width: number; height: number }) => 1e-6 * Math.max(img.width, img.height)

function entriesOf(dataset: Dataset) {
  return Object.fromEntries(
    exportReport(ultralytics, dataset).entries.map((e) => [`${e.kind} ${e.what}`, e.count]),
  )
}

describe('Ultralytics YOLO: detection', () => {
  const dataset = (): Dataset => ({
    labels: [label('person'), label('bicycle'), label('car: red')],
    images: [
      image(
        'a.jpg',
        640,
        480,
        [rect('person', [10, 20, 110.5, 220.25]), rect('car: red', [0, 0, 640, 480])],
        {
          data: png(640, 480),
        },
      ),
      image('b.png', 100, 50, [], { data: png(100, 50) }),
      image('dir/ç.jpg', 300, 200, [shape('ellipse', 'bicycle', [150, 100, 50, 25])], {
        subset: 'valid',
        data: png(300, 200),
      }),
    ],
  })

  it('writes data.yaml, images/ and labels/ as Ultralytics reads them', async () => {
    const text = treeContents(await ultralytics.write(dataset()))
    expect(Object.keys(text)).toEqual([
      'data.yaml',
      'images/train/a.jpg',
      'images/train/b.png',
      'images/val/dir/ç.jpg',
      'labels/train/a.txt',
      'labels/train/b.txt',
      'labels/val/dir/ç.txt',
    ])
    expect(text['data.yaml']).toBe(
      'path: .\ntrain: images/train\nval: images/val\nnames:\n  0: person\n  1: bicycle\n  2: "car: red"\n',
    )
    expect(text['labels/train/a.txt']).toBe(
      '0 0.094141 0.250260 0.157031 0.417187\n2 0.500000 0.500000 1.000000 1.000000\n',
    )
    expect(text['labels/train/b.txt']).toBe('')
    expect(text['labels/val/dir/ç.txt']).toBe('1 0.500000 0.500000 0.333333 0.250000\n')
  })

  it('round-trips boxes, names and subsets (valid → val), then exports the same bytes', async () => {
    const original = dataset()
    const { files, back } = await roundTrip(ultralytics, original)
    expect(back.labels.map((l) => l.name)).toEqual(['person', 'bicycle', 'car: red'])
    expect(back.images.map((i) => [i.name, i.subset, i.width, i.height])).toEqual([
      ['a.jpg', 'train', 640, 480],
      ['b.png', 'train', 100, 50],
      ['dir/ç.jpg', 'val', 300, 200],
    ])
    const a = back.images[0]!
    expectClose(a.annotations[0]!.points, [10, 20, 110.5, 220.25], tolerance(a))
    expect(back.images[2]!.annotations[0]!.type).toBe('rectangle')
    expect(treeContents(await ultralytics.write(back))).toEqual(treeContents(files))
    expect(entriesOf(original)).toEqual({
      'converted subset default': 2,
      'converted subset valid': 1,
      'converted ellipse': 1,
    })
  })

  it('writes image lists when the images are not exported, and reads them back', async () => {
    const original = dataset()
    const files = await ultralytics.write(original, { includeImages: false })
    const text = treeContents(files)
    expect(text['data.yaml']).toContain('train: train.txt\nval: val.txt\n')
    expect(text['train.txt']).toBe('./images/train/a.jpg\n./images/train/b.png\n')
    const sizes = new Map(
      original.images.map((i) => [i.name, { width: i.width, height: i.height }]),
    )
    const back = await ultralytics.read(files, { imageSize: (name) => sizes.get(name) })
    expect(back.images.map((i) => [i.name, i.subset, i.width, !!i.data])).toEqual([
      ['a.jpg', 'train', 640, false],
      ['b.png', 'train', 100, false],
      ['dir/ç.jpg', 'val', 300, false],
    ])
  })
})

describe('Ultralytics YOLO: segmentation', () => {
  it('writes every shape as a polygon row and reads polygons back', async () => {
    const original: Dataset = {
      labels: [label('a'), label('b')],
      images: [
        image(
          's.jpg',
          200,
          100,
          [
            shape('polygon', 'a', [10, 10, 50.5, 12, 30, 60.25, 5, 40]),
            rect('b', [20, 30, 40, 50]),
            mask('a', 100, 50, ['.##.', '###.', '...#']),
            shape('ellipse', 'b', [150, 50, 20, 10]),
            shape('polyline', 'a', [1, 1, 5, 5]),
          ],
          { data: png(200, 100) },
        ),
      ],
    }
    const { files, back } = await roundTrip(ultralytics, original)
    const rows = treeContents(files)['labels/train/s.txt']!.trim().split('\n')
    // polygon, rectangle corners, the mask's two regions (4-connected), the 32-gon
    expect(rows.map((row) => row.split(' ').length)).toEqual([9, 9, 13, 9, 65])
    expect(rows[1]).toBe(
      '1 0.100000 0.300000 0.200000 0.300000 0.200000 0.500000 0.100000 0.500000',
    )
    const anns = back.images[0]!.annotations
    expect(anns.map((a) => [a.type, a.label])).toEqual([
      ['polygon', 'a'],
      ['polygon', 'b'],
      ['polygon', 'a'],
      ['polygon', 'a'],
      ['polygon', 'b'],
    ])
    expectClose(anns[0]!.points, [10, 10, 50.5, 12, 30, 60.25, 5, 40], tolerance(back.images[0]!))
    // the mask's outlines fill back to its pixels (hole-free regions)
    const filled = [anns[2]!, anns[3]!].map((ann) => polygonToMask(ann.points)!)
    expect(filled.map((f) => f.box)).toEqual([
      { x1: 100, y1: 50, x2: 103, y2: 52 },
      { x1: 103, y1: 52, x2: 104, y2: 53 },
    ])
    expect([...rleToBitmap(filled[0]!.rle).data]).toEqual([0, 1, 1, 1, 1, 1])
    expect(entriesOf(original)).toEqual({
      'converted subset default': 1,
      'converted rectangle': 1,
      'converted mask': 1,
      'converted ellipse': 1,
      'dropped polyline': 1,
    })
    expect(treeContents(await ultralytics.write(back))).toEqual(treeContents(files))
  })
})

describe('Ultralytics YOLO: pose', () => {
  const person = label('person', {
    type: 'skeleton',
    skeleton: {
      nodes: ['nose', 'left eye', 'right eye'],
      edges: [
        [0, 1],
        [0, 2],
      ],
    },
  })
  const hand = label('hand', {
    type: 'skeleton',
    skeleton: { nodes: ['wrist', 'thumb'], edges: [] },
  })

  it('writes keypoints with visibility, pads smaller skeletons and names the keypoints', async () => {
    const original: Dataset = {
      labels: [person, hand, label('ball')],
      images: [
        image(
          'p.jpg',
          100,
          200,
          [
            shape('skeleton', 'person', [10, 20, 30, 40, 50, 60], {
              visibility: ['visible', 'occluded', 'hidden'],
            }),
            shape('skeleton', 'hand', [5, 5, 15, 25]),
            rect('ball', [0, 0, 10, 10]),
          ],
          { subset: 'train', data: png(100, 200) },
        ),
      ],
    }
    const { files, back } = await roundTrip(ultralytics, original)
    const text = treeContents(files)
    expect(text['data.yaml']).toBe(
      'path: .\ntrain: images/train\nkpt_shape: [3, 3]\nkpt_names:\n' +
        '  0:\n    - nose\n    - left eye\n    - right eye\n  1:\n    - wrist\n    - thumb\n' +
        'names:\n  0: person\n  1: hand\n  2: ball\n',
    )
    expect(text['labels/train/p.txt']).toBe(
      // the box covers the labelled keypoints (the hidden one is outside it)
      '0 0.200000 0.150000 0.200000 0.100000 0.100000 0.100000 2 0.300000 0.200000 1 0.500000 0.300000 0\n' +
        '1 0.100000 0.075000 0.100000 0.100000 0.050000 0.025000 2 0.150000 0.125000 2 0.000000 0.000000 0\n' +
        '2 0.050000 0.025000 0.100000 0.050000 0.000000 0.000000 0 0.000000 0.000000 0 0.000000 0.000000 0\n',
    )
    expect(back.labels).toEqual([
      { ...person, skeleton: { nodes: person.skeleton!.nodes, edges: [] }, sourceId: 0 },
      { ...hand, sourceId: 1 },
      { name: 'ball', attributes: [], sourceId: 2 },
    ])
    const anns = back.images[0]!.annotations
    expect(anns.map((a) => [a.type, a.label, a.visibility])).toEqual([
      ['skeleton', 'person', ['visible', 'occluded', 'hidden']],
      ['skeleton', 'hand', ['visible', 'visible']],
      ['rectangle', 'ball', undefined],
    ])
    expectClose(anns[0]!.points, [10, 20, 30, 40, 50, 60], tolerance(back.images[0]!))
    expect(treeContents(await ultralytics.write(back))).toEqual(text)
    expect(entriesOf(original)).toEqual({ 'dropped skeleton edges': 1 })
  })

  it('writes other shapes of a pose dataset as boxes without keypoints', async () => {
    const original: Dataset = {
      labels: [hand, label('ball')],
      images: [
        image('q.jpg', 10, 10, [
          shape('skeleton', 'hand', [1, 1, 3, 3]),
          shape('polygon', 'ball', [2, 2, 6, 2, 4, 8]),
          mask('ball', 0, 0, ['##']),
          shape('points', 'ball', [1, 1]),
        ]),
      ],
    }
    const files = await ultralytics.write(original)
    expect(treeContents(files)['labels/train/q.txt']).toBe(
      '0 0.200000 0.200000 0.200000 0.200000 0.100000 0.100000 2 0.300000 0.300000 2\n' +
        '1 0.400000 0.500000 0.400000 0.600000 0.000000 0.000000 0 0.000000 0.000000 0\n' +
        '1 0.100000 0.050000 0.200000 0.100000 0.000000 0.000000 0 0.000000 0.000000 0\n',
    )
    expect(entriesOf(original)).toEqual({
      'converted subset default': 1,
      'converted mask': 1,
      'dropped points': 1,
      'converted polygon': 1,
    })
  })

  it('reads a CVAT pose export with 2-value keypoints and no keypoint names', async () => {
    const files = new FileTree([
      [
        'data.yaml',
        'path:  ./ # dataset root dir\ntrain: train.txt\nkpt_shape: [2, 2]\nnames:\n  0: hand\n  1: box\n',
      ],
      ['train.txt', 'images/train/f.jpg\n'],
      ['labels/train/f.txt', '0 0.5 0.5 0.2 0.2 0.4 0.4 0.0 0.0\n1 0.5 0.5 1 1 0 0 0 0\n'],
    ])
    const back = await ultralytics.read(files, { imageSize: () => ({ width: 10, height: 10 }) })
    expect(back.labels.map((l) => [l.name, l.type, l.skeleton?.nodes])).toEqual([
      ['hand', 'skeleton', ['1', '2']],
      ['box', undefined, undefined],
    ])
    expect(back.images[0]!.annotations).toEqual([
      {
        type: 'skeleton',
        label: 'hand',
        points: [4, 4, 0, 0],
        visibility: ['visible', 'hidden'],
        attributes: {},
      },
      { type: 'rectangle', label: 'box', points: [0, 0, 10, 10], attributes: {} },
    ])
  })
})

describe('Ultralytics YOLO: files other tools write', () => {
  it('reads an Ultralytics dataset (coco8 style: absolute path, names map, a missing label file)', async () => {
    const files = new FileTree([
      [
        'coco8.yaml',
        '# Ultralytics YOLO\npath: /usr/src/datasets/coco8 # dataset root dir\ntrain: images/train # train images\nval: images/val\ntest: # test images (optional)\n\n# Classes\nnames:\n  0: person\n  1: bicycle\n\ndownload: https://example.invalid/coco8.zip\n',
      ],
      ['images/train/000000000009.jpg', png(640, 480)],
      ['images/train/000000000025.jpg', png(640, 426)],
      ['images/val/000000000036.jpg', png(481, 640)],
      [
        'labels/train/000000000009.txt',
        '0 0.479492 0.688771 0.955609 0.5955\n1 0.736516 0.247188 0.498875 0.476417\n',
      ],
      ['labels/val/000000000036.txt', '0 0.5 0.5 0.2 0.2 6\n'],
      ['labels/train.cache', 'binary junk'],
    ])
    expect(ultralytics.detect(files)).toBeGreaterThan(0.9)
    const back = await ultralytics.read(files)
    expect(back.labels.map((l) => l.name)).toEqual(['person', 'bicycle'])
    expect(
      back.images.map((i) => [i.name, i.subset, i.width, i.height, i.annotations.length]),
    ).toEqual([
      ['000000000009.jpg', 'train', 640, 480, 2],
      ['000000000025.jpg', 'train', 640, 426, 0],
      // a trailing track id is tolerated
      ['000000000036.jpg', 'val', 481, 640, 1],
    ])
  })

  it('reads a Roboflow export (names list, nc, ../train/images, a valid folder)', async () => {
    const files = new FileTree([
      [
        'data.yaml',
        "train: ../train/images\nval: ../valid/images\ntest: ../test/images\n\nnc: 2\nnames: ['cat', 'dog']\n\nroboflow:\n  workspace: me\n  version: 1\n",
      ],
      ['train/images/a_jpg.rf.123.jpg', png(416, 416)],
      ['train/labels/a_jpg.rf.123.txt', '1 0.5 0.5 0.25 0.25\n'],
      ['valid/images/b.jpg', png(416, 416)],
      ['valid/labels/b.txt', '0 0.1 0.1 0.2 0.1 0.2 0.2\n'],
      ['README.roboflow.txt', 'exported'],
    ])
    const back = await ultralytics.read(files)
    expect(back.images.map((i) => [i.name, i.subset, i.annotations.map((a) => a.type)])).toEqual([
      ['a_jpg.rf.123.jpg', 'train', ['rectangle']],
      ['b.jpg', 'val', ['polygon']],
    ])
  })

  it('reads a CVAT export with reversed folders (train/images) and a names list', async () => {
    const files = new FileTree([
      ['data.yaml', 'path: .\ntrain: train/images\nnames:\n- a\n- b\n'],
      ['train/images/x.png', png(8, 4)],
      ['train/labels/x.txt', '1 0.5 0.5 0.5 0.5\n'],
    ])
    const back = await ultralytics.read(files)
    expect(back.images[0]!.annotations).toEqual([
      { type: 'rectangle', label: 'b', points: [2, 1, 6, 3], attributes: {} },
    ])
  })

  it('accepts a valid key and a val key whose folder is named valid', async () => {
    const files = new FileTree([
      ['data.yaml', 'train: images/train\nvalid: images/valid\nnames: [a]\n'],
      ['images/train/x.png', png(8, 4)],
      ['images/valid/y.png', png(8, 4)],
    ])
    expect((await ultralytics.read(files)).images.map((i) => i.subset)).toEqual(['train', 'valid'])
    const swapped = new FileTree([
      ['data.yaml', 'train: images/train\nval: images/val\nnames: [a]\n'],
      ['images/train/x.png', png(8, 4)],
      ['images/valid/y.png', png(8, 4)],
    ])
    expect((await ultralytics.read(swapped)).images.map((i) => i.subset)).toEqual(['train', 'val'])
  })
})

describe('Ultralytics YOLO: malformed input', () => {
  const withYaml = (yaml: string, extra: [string, string | Uint8Array][] = []) =>
    new FileTree([['data.yaml', yaml], ['images/train/x.png', png(10, 10)], ...extra])
  const rows = (text: string, yaml = 'train: images/train\nnames: [a, b]\n') =>
    withYaml(yaml, [['labels/train/x.txt', text]])
  const cases: [string, FileTree, string][] = [
    ['an empty data.yaml', withYaml(''), 'data.yaml: expected a YAML map (names, train, val, …)'],
    [
      'no data.yaml',
      new FileTree([['images/train/x.png', png(1, 1)]]),
      'data.yaml: missing: expected the dataset YAML (names, and train/val/test folders or lists) at the top of the archive',
    ],
    [
      'a YAML syntax error',
      withYaml('names: [a, b\ntrain: images/train\n'),
      'data.yaml: line 2, column 1: expected valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ])',
    ],
    [
      'names of the wrong kind',
      withYaml('train: images/train\nnames: person\n'),
      'data.yaml: names: expected a list of class names or a map of class index to name',
    ],
    [
      'a gap in the names map',
      withYaml('train: images/train\nnames:\n  0: a\n  2: c\n'),
      'data.yaml: names: expected class indexes 0 to 2, 1 is missing',
    ],
    [
      'duplicate names',
      withYaml('train: images/train\nnames: [a, b, a]\n'),
      'data.yaml: names[2]: expected unique class names ("a" is also at names[0])',
    ],
    [
      'nc that disagrees',
      withYaml('train: images/train\nnc: 3\nnames: [a, b]\n'),
      'data.yaml: nc: expected 2 (the number of names), got 3',
    ],
    [
      'a bad kpt_shape',
      withYaml('train: images/train\nkpt_shape: [17, 4]\nnames: [a]\n'),
      'data.yaml: kpt_shape: expected [number of keypoints, 2 or 3]',
    ],
    [
      'a missing val folder with its labels present',
      withYaml('train: images/train\nval: images/val\nnames: [a]\n', [
        ['labels/val/y.txt', '0 0.5 0.5 1 1\n'],
      ]),
      'data.yaml: val: expected the image folder or list "images/val" in the archive (its labels folder is there, but image names come from the images)',
    ],
    [
      'a row of the wrong length',
      rows('0 0.5 0.5 0.1 0.1\n1 0.5\n'),
      'labels/train/x.txt: line 2: expected a box (class cx cy w h) or a polygon (class x1 y1 x2 y2 x3 y3 …), got 2 numbers',
    ],
    [
      'an unknown class',
      rows('5 0.5 0.5 0.1 0.1\n'),
      'labels/train/x.txt: line 1: expected a class index below 2 (the number of class names), got 5',
    ],
    [
      'not a number',
      rows('0 0.5 0,5 0.1 0.1\n'),
      'labels/train/x.txt: line 1: expected numbers, got "0,5"',
    ],
    [
      'a pose row of the wrong length',
      rows('0 0.5 0.5 0.1 0.1 0.5 0.5 2\n', 'train: images/train\nkpt_shape: [2, 3]\nnames: [a]\n'),
      'labels/train/x.txt: line 1: expected 11 numbers (class cx cy w h, then x y v for each of 2 keypoints), got 8',
    ],
    [
      'a bad visibility',
      rows('0 0.5 0.5 0.1 0.1 0.5 0.5 3\n', 'train: images/train\nkpt_shape: [1, 3]\nnames: [a]\n'),
      'labels/train/x.txt: line 1: expected a keypoint visibility 0, 1 or 2, got 3',
    ],
    [
      'an unknown image size',
      new FileTree([
        ['data.yaml', 'train: train.txt\nnames: [a]\n'],
        ['train.txt', 'images/train/q.jpg\n'],
      ]),
      'train.txt: line 1: expected the size of image q.jpg: the archive does not hold the image and the project does not know it',
    ],
  ]
  for (const [what, files, message] of cases) {
    it(what, () => {
      let error: unknown
      try {
        void ultralytics.read(files)
      } catch (caught) {
        error = caught
      }
      expect((error as Error | undefined)?.message.startsWith(message), String(error)).toBe(true)
    })
  }
})

it('Ultralytics YOLO reads and writes ~50k polygons over 5,000 images', async () => {
  const labels = Array.from({ length: 20 }, (_, i) => label(`class ${i}`))
  const images = Array.from({ length: 5000 }, (_, i) =>
    image(
      `img_${i}.jpg`,
      1280,
      720,
      Array.from({ length: 11 }, (_, k) =>
        shape('polygon', `class ${(i + k) % 20}`, [
          k,
          k,
          k + 100,
          k,
          k + 100,
          k + 50.5,
          k + 3,
          k + 60,
        ]),
      ),
      { subset: i % 4 === 0 ? 'val' : 'train' },
    ),
  )
  const { back } = await roundTrip(
    ultralytics,
    { labels, images },
    { imageSize: () => ({ width: 1280, height: 720 }) },
  )
  expect(back.images).toHaveLength(5000)
  expect(back.images.reduce((n, img) => n + img.annotations.length, 0)).toBe(55_000)
  const img = back.images.find((i) => i.name === 'img_4321.jpg')!
  expect(img.annotations[2]!.label).toBe('class 3')
  expectClose(img.annotations[2]!.points, [2, 2, 102, 2, 102, 52.5, 5, 62], 1e-6 * 1280)
})
