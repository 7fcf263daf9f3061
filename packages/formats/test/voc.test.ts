import { rleToBitmap } from '@loupe/masks'
import { decode, encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import type { Dataset, DatasetAnnotation } from '../src/dataset'
import { FileTree } from '../src/files'
import { exportReport } from '../src/report'
import { voc } from '../src/voc'
import { vocColor } from '../src/voc/labelmap'
import { image, label, mask, png, rect, roundTrip, shape, treeContents } from './yolo-voc-builders'

/** A palette PNG of indexes from rows of characters: '.' 0, digits, 'v' 255 (void). */
function indexPng(rows: string[]): Uint8Array {
  const height = rows.length
  const width = rows[0]!.length
  const data = new Uint8Array(width * height)
  rows.forEach((row, y) =>
    [...row].forEach((c, x) => (data[y * width + x] = c === '.' ? 0 : c === 'v' ? 255 : Number(c))),
  )
  const palette = Array.from({ length: 256 }, (_, i) => vocColor(i))
  return encode({ width, height, data, depth: 8, channels: 1, palette })
}

/** An RGB PNG painted with `colors[index]`, as Datumaro (and so CVAT) writes masks. */
function rgbPng(rows: string[], colors: Record<string, [number, number, number]>): Uint8Array {
  const height = rows.length
  const width = rows[0]!.length
  const data = new Uint8Array(width * height * 3)
  rows.forEach((row, y) => [...row].forEach((c, x) => data.set(colors[c]!, (y * width + x) * 3)))
  return encode({ width, height, data, depth: 8, channels: 3 })
}

function pixels(ann: DatasetAnnotation, width: number, height: number): string[] {
  const bitmap = rleToBitmap(ann.mask!)
  const out: string[] = []
  for (let y = 0; y < height; y++) {
    let row = ''
    for (let x = 0; x < width; x++) {
      const bx = x - ann.points[0]!
      const by = y - ann.points[1]!
      const inside = bx >= 0 && by >= 0 && bx < bitmap.width && by < bitmap.height
      row += inside && bitmap.data[by * bitmap.width + bx] ? '#' : '.'
    }
    out.push(row)
  }
  return out
}

const vocFlags = { difficult: false, truncated: false }

function sample(): Dataset {
  return {
    labels: [
      label('car', {
        color: '#ff0000',
        attributes: [
          { name: 'difficult', type: 'checkbox', values: [], default: false },
          { name: 'truncated', type: 'checkbox', values: [], default: false },
          { name: 'color', type: 'text', values: [], default: '' },
          { name: 'parked', type: 'checkbox', values: [], default: false },
          { name: 'doors', type: 'number', values: [], default: 0 },
        ],
      }),
      label('person & dog'),
      label('tree'),
      label('sky'),
    ],
    images: [
      image(
        'a.jpg',
        8,
        6,
        [
          rect('car', [0.5, 1.25, 4, 5], {
            attributes: {
              difficult: true,
              truncated: false,
              color: 'red <3',
              parked: true,
              doors: 4,
            },
          }),
          mask('person & dog', 1, 1, ['.##', '###'], { occluded: true, attributes: vocFlags }),
          rect('person & dog', [2, 2, 3, 3], { occluded: true, attributes: vocFlags }),
          shape('polygon', 'tree', [5, 0, 8, 0, 8, 3, 5, 3], { attributes: vocFlags }),
          shape('points', 'tree', [1, 1]),
        ],
        { subset: 'train', data: png(8, 6), tags: [{ label: 'sky', attributes: {} }] },
      ),
      image('sub/b c.png', 4, 4, [], { subset: 'val', tags: [{ label: 'car', attributes: {} }] }),
      image('d.jpg', 4, 4, [rect('tree', [0, 0, 4, 4], { attributes: vocFlags })], {
        subset: 'train',
      }),
    ],
  }
}

const sizes = (dataset: Dataset) => {
  const known = new Map(dataset.images.map((i) => [i.name, { width: i.width, height: i.height }]))
  return { imageSize: (name: string) => known.get(name) }
}

describe('Pascal VOC: export', () => {
  it('writes XML, lists, labelmap and segmentation PNGs as VOC and CVAT lay them out', async () => {
    const files = await voc.write(sample())
    const text = treeContents(files)
    expect(Object.keys(text)).toEqual([
      'Annotations/a.xml',
      'Annotations/d.xml',
      'Annotations/sub/b c.xml',
      'ImageSets/Main/car_train.txt',
      'ImageSets/Main/car_val.txt',
      'ImageSets/Main/person & dog_train.txt',
      'ImageSets/Main/person & dog_val.txt',
      'ImageSets/Main/sky_train.txt',
      'ImageSets/Main/sky_val.txt',
      'ImageSets/Main/train.txt',
      'ImageSets/Main/tree_train.txt',
      'ImageSets/Main/tree_val.txt',
      'ImageSets/Main/val.txt',
      'ImageSets/Segmentation/train.txt',
      'JPEGImages/a.jpg',
      'SegmentationClass/a.png',
      'SegmentationObject/a.png',
      'labelmap.txt',
    ])
    expect(text['labelmap.txt']).toBe(
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncar:255,0,0::\nperson & dog:0,128,0::\ntree:128,128,0::\nsky:0,0,128::\n',
    )
    expect(text['ImageSets/Main/train.txt']).toBe('a\nd\n')
    expect(text['ImageSets/Segmentation/train.txt']).toBe('a\n')
    expect(text['ImageSets/Main/car_train.txt']).toBe('a  0\nd -1\n')
    expect(text['ImageSets/Main/car_val.txt']).toBe('sub/b c  1\n')
    expect(text['ImageSets/Main/tree_train.txt']).toBe('a  1\nd  1\n')
    expect(text['Annotations/a.xml']).toBe(`<annotation>
  <filename>a.jpg</filename>
  <source>
    <database>Unknown</database>
    <annotation>Loupe</annotation>
    <image>Unknown</image>
  </source>
  <size>
    <width>8</width>
    <height>6</height>
    <depth>3</depth>
  </size>
  <segmented>1</segmented>
  <object>
    <name>car</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>1</difficult>
    <bndbox>
      <xmin>0.5</xmin>
      <ymin>1.25</ymin>
      <xmax>4</xmax>
      <ymax>5</ymax>
    </bndbox>
    <attributes>
      <attribute>
        <name>color</name>
        <value>red &lt;3</value>
      </attribute>
      <attribute>
        <name>parked</name>
        <value>true</value>
      </attribute>
      <attribute>
        <name>doors</name>
        <value>4</value>
      </attribute>
    </attributes>
  </object>
  <object>
    <name>person &amp; dog</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>1</xmin>
      <ymin>1</ymin>
      <xmax>4</xmax>
      <ymax>3</ymax>
    </bndbox>
  </object>
  <object>
    <name>person &amp; dog</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>2</xmin>
      <ymin>2</ymin>
      <xmax>3</xmax>
      <ymax>3</ymax>
    </bndbox>
  </object>
  <object>
    <name>tree</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <occluded>0</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>5</xmin>
      <ymin>0</ymin>
      <xmax>8</xmax>
      <ymax>3</ymax>
    </bndbox>
  </object>
</annotation>
`)
    // instance i is object i; classes are labelmap indexes; palette PNGs
    const objects = decode(files.get('SegmentationObject/a.png')!)
    expect(objects.palette).toHaveLength(256)
    const rows = (data: ArrayLike<number>) =>
      Array.from({ length: 6 }, (_, y) =>
        Array.from({ length: 8 }, (_, x) => data[y * 8 + x]).join(''),
      )
    expect(rows(objects.data)).toEqual([
      '00000444',
      '00220444',
      '02220444',
      '00000000',
      '00000000',
      '00000000',
    ])
    expect(rows(decode(files.get('SegmentationClass/a.png')!).data)).toEqual([
      '00000333',
      '00220333',
      '02220333',
      '00000000',
      '00000000',
      '00000000',
    ])
  })

  it('reports what VOC cannot hold', () => {
    const dataset = sample()
    dataset.images[0]!.annotations.push(
      shape('ellipse', 'tree', [4, 4, 1, 1]),
      mask('tree', 1, 1, ['##'], { zOrder: 2 }),
      rect('car', [0, 0, 1, 1], { rotation: 10, group: 3 }),
    )
    dataset.images[0]!.tags.push({ label: 'car', attributes: { x: 1 } })
    const entries = Object.fromEntries(
      exportReport(voc, dataset).entries.map((e) => [`${e.kind} ${e.what}`, e.count]),
    )
    expect(entries).toEqual({
      'converted polygon': 1,
      'dropped points': 1,
      'converted ellipse': 1,
      'dropped z-order': 1,
      'dropped rotation': 1,
      'dropped groups': 1,
      'converted overlapping masks': 1,
      'dropped tag attribute values': 1,
      'dropped tags implied by objects': 1,
      'converted attribute definitions': 5,
    })
  })
})

describe('Pascal VOC: round trip', () => {
  it('keeps boxes, masks, attributes, flags, tags, colors and subsets; exports the same bytes', async () => {
    const original = sample()
    const { files, back } = await roundTrip(voc, original, sizes(original))
    expect(back.labels.map((l) => [l.name, l.color])).toEqual([
      ['car', '#ff0000'],
      ['person & dog', '#008000'],
      ['tree', '#808000'],
      ['sky', '#000080'],
    ])
    expect(back.labels[0]!.attributes.map((a) => [a.name, a.type])).toEqual([
      ['truncated', 'checkbox'],
      ['difficult', 'checkbox'],
      ['color', 'text'],
      ['parked', 'checkbox'],
      ['doors', 'number'],
    ])
    expect(back.images.map((i) => [i.name, i.subset, i.width, i.height, i.tags])).toEqual([
      ['a.jpg', 'train', 8, 6, [{ label: 'sky', attributes: {} }]],
      ['d.jpg', 'train', 4, 4, []],
      ['sub/b c.png', 'val', 4, 4, [{ label: 'car', attributes: {} }]],
    ])
    const [car, person, personBox, tree] = back.images[0]!.annotations
    expect(back.images[0]!.annotations).toHaveLength(4)
    expect(car).toEqual(
      rect('car', [0.5, 1.25, 4, 5], {
        attributes: { truncated: false, difficult: true, color: 'red <3', parked: true, doors: 4 },
      }),
    )
    expect({ ...person, mask: undefined }).toEqual({
      ...mask('person & dog', 1, 1, ['.##', '###'], { occluded: true, attributes: vocFlags }),
      mask: undefined,
    })
    expect(pixels(person!, 8, 6)).toEqual(pixels(original.images[0]!.annotations[1]!, 8, 6))
    expect(personBox).toEqual(
      rect('person & dog', [2, 2, 3, 3], { occluded: true, attributes: vocFlags }),
    )
    // the polygon comes back as the mask of its pixels
    expect(tree!.type).toBe('mask')
    expect(tree!.points).toEqual([5, 0, 8, 3])
    expect(pixels(tree!, 8, 6).slice(0, 3)).toEqual(['.....###', '.....###', '.....###'])
    expect(treeContents(await voc.write(back))).toEqual(treeContents(files))
  })

  it('puts masks first when an image has more objects than a SegmentationObject PNG holds', async () => {
    const boxes = Array.from({ length: 300 }, (_, i) =>
      rect('a', [i % 20, 0, (i % 20) + 1, 1], { attributes: vocFlags }),
    )
    const original: Dataset = {
      labels: [label('a'), label('b')],
      images: [
        image('many.png', 20, 20, [...boxes, mask('b', 0, 10, ['##'], { attributes: vocFlags })]),
      ],
    }
    expect(exportReport(voc, original).entries).toEqual([])
    const { back } = await roundTrip(voc, original, sizes(original))
    const anns = back.images[0]!.annotations
    expect(anns).toHaveLength(301)
    expect([anns[0]!.type, anns[0]!.label, anns[0]!.points]).toEqual(['mask', 'b', [0, 10, 2, 11]])
    const tooMany = Array.from({ length: 255 }, (_, i) =>
      mask('b', i % 20, Math.floor(i / 20), ['#']),
    )
    const crowded: Dataset = { labels: [label('b')], images: [image('m.png', 20, 20, tooMany)] }
    expect(exportReport(voc, crowded).entries.map((e) => [e.what, e.count])).toEqual([
      ['masks past 254 objects', 1],
    ])
  })

  it('reads and writes ~50k boxes over 5,000 images', async () => {
    const labels = Array.from({ length: 20 }, (_, i) => label(`class ${i}`))
    const images = Array.from({ length: 5000 }, (_, i) =>
      image(
        `img_${i}.jpg`,
        1280,
        720,
        Array.from({ length: 11 }, (_, k) =>
          rect(`class ${(i + k) % 20}`, [k, k * 2, k + 100.5, k * 2 + 60], {
            attributes: vocFlags,
          }),
        ),
        { subset: i % 4 === 0 ? 'val' : 'train' },
      ),
    )
    const dataset = { labels, images }
    const { back } = await roundTrip(voc, dataset, {
      imageSize: () => ({ width: 1280, height: 720 }),
    })
    expect(back.images).toHaveLength(5000)
    expect(back.images.reduce((n, img) => n + img.annotations.length, 0)).toBe(55_000)
    const img = back.images.find((i) => i.name === 'img_4321.jpg')!
    expect(img.subset).toBe('train')
    expect(img.annotations[3]).toEqual(rect('class 4', [3, 6, 103.5, 66], { attributes: vocFlags }))
  })
})

describe('Pascal VOC: files other tools write', () => {
  const vocXml = (objects: string, extra = '') => `<?xml version="1.0" encoding="utf-8"?>
<annotation>
\t<folder>VOC2012</folder>
\t<filename>2007_000032.jpg</filename>
\t<source>
\t\t<database>The VOC2007 Database</database>
\t\t<annotation>PASCAL VOC2007</annotation>
\t\t<image>flickr</image>
\t</source>
\t<size>
\t\t<width>6</width>
\t\t<height>5</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>1</segmented>${extra}
${objects}</annotation>
`
  const vocObject = (name: string, box: number[], more = '') => `\t<object>
\t\t<name>${name}</name>
\t\t<pose>Frontal</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>${box[0]}</xmin>
\t\t\t<ymin>${box[1]}</ymin>
\t\t\t<xmax>${box[2]}</xmax>
\t\t\t<ymax>${box[3]}</ymax>
\t\t</bndbox>${more}
\t</object>
`

  it('reads the VOC devkit layout: palette PNGs with void borders, trainval, pose and parts', async () => {
    const files = new FileTree([
      [
        'VOCdevkit/VOC2012/Annotations/2007_000032.xml',
        vocXml(
          vocObject('aeroplane', [1, 1, 5, 4]) +
            vocObject(
              'person',
              [0, 0, 2, 2],
              '\n\t\t<part>\n\t\t\t<name>head</name>\n\t\t\t<bndbox>\n\t\t\t\t<xmin>0</xmin>\n\t\t\t\t<ymin>0</ymin>\n\t\t\t\t<xmax>1</xmax>\n\t\t\t\t<ymax>1</ymax>\n\t\t\t</bndbox>\n\t\t</part>\n\t\t<actions>\n\t\t\t<jumping>1</jumping>\n\t\t</actions>',
            ),
        ),
      ],
      ['VOCdevkit/VOC2012/ImageSets/Main/train.txt', '2007_000032\n'],
      ['VOCdevkit/VOC2012/ImageSets/Main/val.txt', '2007_000033\n'],
      ['VOCdevkit/VOC2012/ImageSets/Main/trainval.txt', '2007_000032\n2007_000033\n'],
      ['VOCdevkit/VOC2012/ImageSets/Main/aeroplane_train.txt', '2007_000032  1\n'],
      ['VOCdevkit/VOC2012/ImageSets/Segmentation/train.txt', '2007_000032\n'],
      ['VOCdevkit/VOC2012/JPEGImages/2007_000032.jpg', png(6, 5)],
      ['VOCdevkit/VOC2012/JPEGImages/2007_000033.jpg', png(3, 3)],
      [
        'VOCdevkit/VOC2012/SegmentationObject/2007_000032.png',
        indexPng(['vvvvvv', 'v111vv', 'v1111v', 'vvvvvv', '2.....']),
      ],
      [
        'VOCdevkit/VOC2012/SegmentationClass/2007_000032.png',
        indexPng(['vvvvvv', 'v111vv', 'v1111v', 'vvvvvv', '5.....']),
      ],
    ])
    expect(voc.detect(files)).toBeGreaterThan(0.9)
    const back = await voc.read(files)
    expect(back.labels.map((l) => l.name)).toEqual(['aeroplane', 'person', 'head', 'bottle'])
    expect(back.labels[1]!.attributes.map((a) => [a.name, a.type])).toEqual([
      ['pose', 'text'],
      ['truncated', 'checkbox'],
      ['difficult', 'checkbox'],
      ['jumping', 'checkbox'],
    ])
    expect(back.images.map((i) => [i.name, i.subset, i.width, i.height])).toEqual([
      ['2007_000032.jpg', 'train', 6, 5],
      ['2007_000033.jpg', 'val', 3, 3],
    ])
    const anns = back.images[0]!.annotations
    // the hand-drawn boxes differ from the masks' pixels: both kept, as Datumaro does
    expect(anns.map((a) => [a.type, a.label, a.points, a.group])).toEqual([
      ['rectangle', 'aeroplane', [1, 1, 5, 4], undefined],
      ['rectangle', 'person', [0, 0, 2, 2], 2],
      ['rectangle', 'head', [0, 0, 1, 1], 2],
      ['mask', 'aeroplane', [1, 1, 5, 3], undefined],
      ['mask', 'bottle', [0, 4, 1, 5], undefined],
    ])
    expect(anns[1]!.attributes).toEqual({
      pose: 'Frontal',
      truncated: false,
      difficult: false,
      jumping: true,
    })
    expect(pixels(anns[3]!, 6, 5)).toEqual(['......', '.###..', '.####.', '......', '......'])
    // aeroplane_train lists an image that has an aeroplane object: no tag
    expect(back.images[0]!.tags).toEqual([])
  })

  it('reads a CVAT export: labelmap colors, RGB masks, <attributes>, default subset', async () => {
    const labelmap =
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:250,50,83::\ndog:51,221,255::\n'
    const files = new FileTree([
      ['labelmap.txt', labelmap],
      [
        'Annotations/frame_000000.xml',
        `<annotation>
  <folder></folder>
  <filename>frame_000000.PNG</filename>
  <source>
    <database>Unknown</database>
    <annotation>Unknown</annotation>
    <image>Unknown</image>
  </source>
  <size>
    <width>4</width>
    <height>3</height>
    <depth></depth>
  </size>
  <segmented>1</segmented>
  <object>
    <name>dog</name>
    <truncated>0</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>0.5</xmin>
      <ymin>0.25</ymin>
      <xmax>3.0</xmax>
      <ymax>2.75</ymax>
    </bndbox>
    <attributes>
      <attribute>
        <name>age</name>
        <value>3</value>
      </attribute>
      <attribute>
        <name>good</name>
        <value>True</value>
      </attribute>
    </attributes>
  </object>
</annotation>
`,
      ],
      ['ImageSets/Main/default.txt', 'frame_000000\n'],
      ['ImageSets/Segmentation/default.txt', 'frame_000000\n'],
      [
        'SegmentationClass/frame_000000.png',
        rgbPng(['.cc.', '.cc.', '....'], { '.': [0, 0, 0], c: [250, 50, 83] }),
      ],
      [
        'SegmentationObject/frame_000000.png',
        rgbPng(['.11.', '.11.', '....'], { '.': [0, 0, 0], '1': vocColor(1) }),
      ],
    ])
    const back = await voc.read(files)
    expect(back.labels.map((l) => [l.name, l.color])).toEqual([
      ['cat', '#fa3253'],
      ['dog', '#33ddff'],
    ])
    expect(back.labels[1]!.attributes.map((a) => [a.name, a.type])).toEqual([
      ['truncated', 'checkbox'],
      ['difficult', 'checkbox'],
      ['age', 'number'],
      ['good', 'checkbox'],
    ])
    const img = back.images[0]!
    expect([img.name, img.subset, img.width, img.height]).toEqual([
      'frame_000000.PNG',
      'default',
      4,
      3,
    ])
    expect(
      img.annotations.map((a) => [a.type, a.label, a.points, a.occluded, a.attributes]),
    ).toEqual([
      [
        'rectangle',
        'dog',
        [0.5, 0.25, 3, 2.75],
        true,
        { truncated: false, difficult: false, age: 3, good: true },
      ],
      ['mask', 'cat', [1, 0, 3, 2], undefined, {}],
    ])
  })

  it('reads LabelImg files: XML beside each image, no Annotations folder', async () => {
    const files = new FileTree([
      ['photos/cat.jpg', png(10, 8)],
      [
        'photos/cat.xml',
        '<annotation>\n\t<folder>photos</folder>\n\t<filename>cat.jpg</filename>\n\t<path>C:\\Users\\me\\photos\\cat.jpg</path>\n\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n\t<size>\n\t\t<width>10</width>\n\t\t<height>8</height>\n\t\t<depth>3</depth>\n\t</size>\n\t<segmented>0</segmented>\n\t<object>\n\t\t<name>cat</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>1</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>2</xmin>\n\t\t\t<ymin>3</ymin>\n\t\t\t<xmax>9</xmax>\n\t\t\t<ymax>8</ymax>\n\t\t</bndbox>\n\t</object>\n</annotation>\n',
      ],
      ['photos/classes.txt', 'cat\n'],
    ])
    expect(voc.detect(files)).toBeGreaterThan(0.5)
    const back = await voc.read(files)
    expect(back.images.map((i) => [i.name, !!i.data, i.annotations])).toEqual([
      [
        'photos/cat.jpg',
        true,
        [rect('cat', [2, 3, 9, 8], { attributes: { truncated: true, difficult: false } })],
      ],
    ])
  })

  it('reads images without XML from lists (sizes from the segmentation PNG) and tags from per-class lists', async () => {
    const files = new FileTree([
      ['ImageSets/Segmentation/val.txt', 'x\n'],
      ['ImageSets/Main/val.txt', 'x\ny\n'],
      ['ImageSets/Main/dog_val.txt', 'x -1\ny  1\n'],
      ['SegmentationClass/x.png', indexPng(['.3', '33'])],
      ['JPEGImages/y.jpg', png(5, 5)],
    ])
    const back = await voc.read(files)
    expect(
      back.images.map((i) => [
        i.name,
        i.subset,
        i.width,
        i.annotations.map((a) => a.label),
        i.tags,
      ]),
    ).toEqual([
      ['x.jpg', 'val', 2, ['bird'], []],
      ['y.jpg', 'val', 5, [], [{ label: 'dog', attributes: {} }]],
    ])
  })
})

describe('Pascal VOC: malformed input', () => {
  const xml = (body: string) =>
    `<annotation>\n  <filename>a.jpg</filename>\n  <size><width>4</width><height>4</height></size>\n${body}</annotation>\n`
  const object = (box: string, name = '<name>car</name>') =>
    `  <object>\n    ${name}\n    <bndbox>\n${box}\n    </bndbox>\n  </object>\n`
  const good = '<xmin>0</xmin><ymin>0</ymin><xmax>1</xmax><ymax>1</ymax>'
  const cases: [string, [string, string | Uint8Array][], string][] = [
    [
      'XML that is not well-formed',
      [
        [
          'Annotations/a.xml',
          '<annotation>\n  <object>\n    <name>car</nam>\n  </object>\n</annotation>',
        ],
      ],
      "Annotations/a.xml: line 3, column 14: expected well-formed XML (Expected closing tag 'name' (opened in line 3, col 5) instead of closing tag 'nam'.)",
    ],
    [
      'a coordinate that is not a number',
      [
        [
          'Annotations/a.xml',
          xml(object(good) + object('<xmin>0</xmin><ymin>1</ymin><xmax>two</xmax><ymax>3</ymax>')),
        ],
      ],
      'Annotations/a.xml: annotation.object[1].bndbox.xmax (line 13): expected a number, got "two"',
    ],
    [
      'a missing coordinate',
      [['Annotations/a.xml', xml(object('<xmin>0</xmin><ymin>1</ymin><xmax>2</xmax>'))]],
      'Annotations/a.xml: annotation.object[0].bndbox.ymax (line 6): missing: expected a number',
    ],
    [
      'a box with xmax < xmin',
      [
        [
          'Annotations/a.xml',
          xml(object('<xmin>3</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax>')),
        ],
      ],
      'Annotations/a.xml: annotation.object[0].bndbox.xmax (line 6): expected xmax ≥ xmin (3), got 2',
    ],
    [
      'an object without a name',
      [['Annotations/a.xml', xml(object(good, '<pose>Left</pose>'))]],
      'Annotations/a.xml: annotation.object[0].name (line 4): missing: expected the class name',
    ],
    [
      'a flag that is not 0 or 1',
      [['Annotations/a.xml', xml(object(good, '<name>car</name><difficult>maybe</difficult>'))]],
      'Annotations/a.xml: annotation.object[0].difficult (line 5): expected 0 or 1, got "maybe"',
    ],
    [
      'a fractional size',
      [
        [
          'Annotations/a.xml',
          '<annotation><size><width>4.5</width><height>4</height></size></annotation>',
        ],
      ],
      'Annotations/a.xml: annotation.size.width (line 1): expected a positive integer, got 4.5',
    ],
    [
      'a root that is not <annotation>',
      [['Annotations/a.xml', '<annotations><image/></annotations>']],
      'Annotations/a.xml: (root): expected an <annotation> element, got <annotations>',
    ],
    [
      'a mask PNG of the wrong size',
      [
        ['Annotations/a.xml', xml('')],
        ['SegmentationClass/a.png', indexPng(['..', '..'])],
      ],
      'SegmentationClass/a.png: expected 4 × 4 pixels (the image size), got 2 × 2',
    ],
    [
      'an RGB mask color not in the label map',
      [
        ['SegmentationClass/a.png', rgbPng(['.x'], { '.': [0, 0, 0], x: [1, 2, 3] })],
        ['ImageSets/Main/train.txt', 'a\n'],
      ],
      'SegmentationClass/a.png: pixel (1, 0): expected a color of the label map, got 1,2,3',
    ],
    [
      'a class index past the label map',
      [
        ['labelmap.txt', 'background:0,0,0::\ncat:1,2,3::\n'],
        ['SegmentationClass/a.png', indexPng(['.5'])],
      ],
      'SegmentationClass/a.png: expected class indexes of labelmap.txt (0–1), got 5',
    ],
    [
      'an instance nothing names',
      [['SegmentationObject/a.png', indexPng(['.1'])]],
      'SegmentationObject/a.png: expected an object 1 in Annotations/a.xml or a SegmentationClass PNG to name the class of instance 1',
    ],
    [
      'a bad labelmap color',
      [['labelmap.txt', '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:300,0,0::\n']],
      'labelmap.txt: line 3: expected a color r,g,b (0–255 each), got "300,0,0"',
    ],
    [
      'an image of unknown size',
      [['Annotations/a.xml', '<annotation><filename>a.jpg</filename></annotation>']],
      'Annotations/a.xml: expected the size of image a.jpg: the archive does not hold the image and the project does not know it',
    ],
    [
      'an empty XML file',
      [['Annotations/a.xml', '']],
      'Annotations/a.xml: line 1, column 1: expected well-formed XML (expected the root element)',
    ],
    [
      'a listed image with nothing to size it',
      [['ImageSets/Main/train.txt', 'a\n']],
      'ImageSets/Main/train.txt: expected the size of image a.jpg',
    ],
  ]
  for (const [what, entries, message] of cases) {
    it(what, () => {
      let error: unknown
      try {
        void voc.read(new FileTree(entries))
      } catch (caught) {
        error = caught
      }
      expect((error as Error | undefined)?.message.startsWith(message), String(error)).toBe(true)
    })
  }
})
