import { bitmapToRle } from '@loupe/masks'
import { encode } from 'fast-png'
import { describe, expect, it } from 'vitest'
import type { Dataset } from '../dataset'
import { FileTree } from '../files'
import { exportReport } from '../report'
import { cvat } from './index'

function png(width: number, height: number): Uint8Array {
  return encode({ width, height, data: new Uint8Array(width * height), channels: 1, depth: 8 })
}

const MASK = bitmapToRle({
  width: 4,
  height: 3,
  data: Uint8Array.from([0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0]),
})

/** A dataset with every shape CVAT holds, attributes of every type, subsets and odd ids. */
export function fullDataset(): Dataset {
  return {
    name: 'Streets',
    labels: [
      {
        name: 'car',
        color: '#fa3253',
        type: 'any',
        attributes: [
          {
            name: 'model',
            type: 'select',
            values: ['__undefined__', 'sedan', 'van'],
            default: 'sedan',
            mutable: false,
          },
          { name: 'parked', type: 'checkbox', values: [], default: false, mutable: true },
          { name: 'speed', type: 'number', values: [0, 200, 0.5], default: 0, mutable: true },
          { name: 'weight', type: 'number', values: [], default: 0, mutable: false },
          { name: 'note', type: 'text', values: [], default: '', mutable: false },
          {
            name: 'quality',
            type: 'radio',
            values: ['good', 'bad'],
            default: 'good',
            mutable: false,
          },
        ],
      },
      { name: 'road', color: '#33ddff', type: 'polygon', attributes: [] },
      { name: 'lane', type: 'polyline', attributes: [] },
      { name: 'sign', color: '#00ff00', type: 'points', attributes: [] },
      { name: 'wheel', color: '#aabbcc', type: 'ellipse', attributes: [] },
      { name: 'sky', color: '#0000ff', type: 'mask', attributes: [] },
      {
        name: 'person',
        color: '#ff00ff',
        type: 'skeleton',
        attributes: [{ name: 'pose', type: 'text', values: [], default: '', mutable: false }],
        skeleton: {
          nodes: ['nose', 'left eye', 'right eye'],
          edges: [
            [0, 1],
            [0, 2],
          ],
        },
      },
      {
        name: 'daytime',
        type: 'any',
        attributes: [
          { name: 'sunny', type: 'checkbox', values: [], default: true, mutable: false },
        ],
      },
    ],
    images: [
      {
        name: 'city/ünï 画像 & <1>.jpg',
        width: 640,
        height: 480,
        subset: 'train',
        sourceId: 42,
        annotations: [
          {
            type: 'rectangle',
            label: 'car',
            points: [10.5, 20.25, 110.125, 220],
            rotation: 30,
            occluded: true,
            zOrder: 2,
            group: 3,
            source: 'manual',
            attributes: {
              model: 'van',
              parked: true,
              speed: 12.5,
              weight: -1e9,
              note: ' says "hi"\nand <bye> & ',
            },
          },
          {
            type: 'polygon',
            label: 'road',
            points: [0, 0, 100, 0, 50, 80.5],
            attributes: {},
            zOrder: 0,
            occluded: false,
            source: 'sam',
          },
          {
            type: 'polyline',
            label: 'lane',
            points: [1, 1, 2, 2, 3, 5],
            attributes: {},
            zOrder: -1,
            occluded: false,
            group: 3,
            source: 'auto',
          },
          {
            type: 'points',
            label: 'sign',
            points: [5, 6],
            attributes: {},
            zOrder: 0,
            occluded: false,
            source: 'import',
          },
          {
            type: 'ellipse',
            label: 'wheel',
            points: [50, 60, 10, 5],
            rotation: 45.5,
            attributes: {},
            zOrder: 1,
            occluded: false,
          },
          {
            type: 'mask',
            label: 'sky',
            points: [3, 4, 7, 7],
            mask: MASK,
            attributes: {},
            zOrder: 0,
            occluded: false,
          },
          {
            type: 'skeleton',
            label: 'person',
            points: [10, 10, 12, 9, 8, 9],
            visibility: ['visible', 'occluded', 'hidden'],
            attributes: { pose: 'standing' },
            zOrder: 0,
            group: 7,
          },
        ],
        tags: [{ label: 'daytime', attributes: { sunny: false } }],
      },
      {
        name: 'empty.png',
        width: 3,
        height: 2,
        subset: 'train',
        sourceId: 7,
        data: png(3, 2),
        annotations: [],
        tags: [],
      },
      {
        name: 'val-1.jpg',
        width: 100,
        height: 50,
        subset: 'val',
        sourceId: 0,
        annotations: [
          {
            type: 'rectangle',
            label: 'car',
            points: [1e7, 2, 1.0000001e7, 3],
            attributes: {},
            zOrder: 0,
            occluded: false,
          },
        ],
        tags: [{ label: 'daytime', attributes: {} }],
      },
    ],
  }
}

async function roundTrip(dataset: Dataset): Promise<{ files: FileTree; back: Dataset }> {
  const files = await cvat.write(dataset)
  const back = await cvat.read(FileTree.fromZip(files.toZip()))
  return { files, back }
}

describe('CVAT for images 1.1', () => {
  it('round-trips every shape, attribute, subset and id', async () => {
    const dataset = fullDataset()
    const { files, back } = await roundTrip(dataset)
    expect(files.paths()).toEqual(['annotations.xml', 'images/train/empty.png'])
    expect(back).toEqual(dataset)
    // and export → import → export is byte-identical
    const again = await cvat.write(back)
    expect(again.text('annotations.xml')).toBe(files.text('annotations.xml'))
    expect(cvat.detect(files)).toBeGreaterThan(0.9)
  })

  it('writes one subset as a task and reads its subset back', async () => {
    const dataset = fullDataset()
    dataset.images = dataset.images.filter((image) => image.subset === 'train')
    const { files, back } = await roundTrip(dataset)
    const xml = files.text('annotations.xml')
    expect(xml).toContain('<meta>\n    <task>\n      <id>1</id>\n      <name>Streets</name>')
    expect(xml).toContain('<subset>train</subset>')
    expect(xml).not.toContain('task_id=')
    expect(files.paths()).toEqual(['annotations.xml', 'images/empty.png'])
    expect(back).toEqual(dataset)
  })

  it('writes what CVAT writes, attribute by attribute', async () => {
    const xml = (await cvat.write(fullDataset())).text('annotations.xml')
    expect(xml).toContain(
      '<box label="car" source="manual" occluded="1" xtl="10.50" ytl="20.25" xbr="110.125" ybr="220.00" rotation="30.00" z_order="2" group_id="3">',
    )
    expect(xml).toContain('<attribute name="note"> says "hi"\nand &lt;bye&gt; &amp; </attribute>')
    expect(xml).toContain('<attribute name="parked">true</attribute>')
    expect(xml).toContain(
      '<mask label="sky" occluded="0" rle="1, 2, 1, 4, 2, 1, 1" left="3" top="4" width="4" height="3" z_order="0"/>',
    )
    expect(xml).toContain(
      '<image id="42" name="city/ünï 画像 &amp; &lt;1&gt;.jpg" subset="train" task_id="1" width="640" height="480">',
    )
    expect(xml).toContain('<points label="right eye" outside="1" occluded="0" points="8.00,9.00"/>')
    expect(xml).toContain(
      '<polygon label="road" source="semi-auto" occluded="0" points="0.00,0.00;100.00,0.00;50.00,80.50" z_order="0"/>',
    )
    expect(xml).toContain('<values>-2147483648\n2147483647\n1</values>')
    expect(xml).toContain('<subsets>train\nval</subsets>')
    expect(xml).toContain('<parent>person</parent>')
    expect(xml).toContain('data-label-name="left eye"')
  })

  it('reports what CVAT cannot hold', () => {
    const dataset = fullDataset()
    dataset.images[0]!.annotations[0]!.score = 0.9
    dataset.images[0]!.annotations[1]!.crowd = true
    dataset.images[0]!.captions = ['a street']
    const report = exportReport(cvat, dataset)
    expect(report.entries.map((e) => `${e.kind} ${e.what} ${e.count}`).sort()).toEqual([
      'dropped captions 1',
      'dropped crowd 1',
      'dropped scores 1',
    ])
  })
})

const LABELS = `<meta><task><name>t</name><labels>
  <label><name>car</name><type>any</type><attributes>
    <attribute><name>parked</name><mutable>False</mutable><input_type>checkbox</input_type><default_value>false</default_value><values>false</values></attribute>
    <attribute><name>model</name><mutable>False</mutable><input_type>select</input_type><default_value>a</default_value><values>a
b</values></attribute>
  </attributes></label>
</labels></task></meta>`

function xml(images: string, meta = LABELS): FileTree {
  return new FileTree([
    [
      'annotations.xml',
      `<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n<version>1.1</version>\n${meta}\n${images}\n</annotations>\n`,
    ],
  ])
}

const image = (body: string, attrs = 'width="10" height="10"') =>
  `<image id="0" name="a.jpg" ${attrs}>\n${body}\n</image>`

async function readError(files: FileTree): Promise<string> {
  try {
    await cvat.read(files)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the read to fail')
}

describe('CVAT for images 1.1: malformed input', () => {
  it('names the line of XML that is not well-formed', async () => {
    const files = new FileTree([
      ['annotations.xml', '<annotations>\n  <image id="0">\n</annotations>'],
    ])
    expect(await readError(files)).toBe(
      "annotations.xml: line 3, column 1: expected well-formed XML (Expected closing tag 'image' (opened in line 2, col 3) instead of closing tag 'annotations'.)",
    )
  })

  it('names the element, the attribute and the line of a bad value', async () => {
    const body = [
      image('<box label="car" xtl="1" ytl="1" xbr="2" ybr="2"/>'),
      image('', 'width="5" height="5"'),
      image(
        '<polygon label="car" points="1,1;2,2;3,3"/>\n<box label="car" xtl="abc" ytl="1" xbr="2" ybr="2"/>',
      ),
    ].join('\n')
    expect(await readError(xml(body))).toBe(
      'annotations.xml: annotations/image[3]/box[1]@xtl (line 19): expected a number, got "abc"',
    )
  })

  it.each([
    [
      '<polygon label="car" points="1,1;2,2"/>',
      'polygon[1]@points (line 12): expected at least 3 points for a <polygon>',
    ],
    [
      '<polyline label="car" points="1,1;2"/>',
      'polyline[1]@points (line 12): expected "x,y;x,y;..." pairs of numbers, got "2"',
    ],
    ['<box xtl="1" ytl="1" xbr="2" ybr="2"/>', 'box[1]@label (line 12): expected a label name'],
    [
      '<ellipse label="car" cx="1" cy="1" rx="0" ry="2"/>',
      'ellipse[1]@rx (line 12): expected a non-zero radius',
    ],
    [
      '<box label="car" xtl="1" ytl="1" xbr="2" ybr="2" occluded="maybe"/>',
      'box[1]@occluded (line 12): expected 0 or 1, got "maybe"',
    ],
    [
      '<box label="car" xtl="1" ytl="1" xbr="2" ybr="2" z_order="1.5"/>',
      'box[1]@z_order (line 12): expected an integer, got "1.5"',
    ],
    [
      '<mask label="car" rle="1, 2, x" left="0" top="0" width="2" height="2"/>',
      'mask[1]@rle (line 12): expected comma-separated non-negative integers',
    ],
    [
      '<mask label="car" rle="1, 9" left="0" top="0" width="2" height="2"/>',
      'mask[1]@rle (line 12): expected counts: runs cover more than 2 × 2 = 4 pixels',
    ],
    [
      '<mask label="car" rle="1" left="0" top="0" width="0" height="2"/>',
      'mask[1]@width (line 12): expected a positive integer, got "0"',
    ],
    [
      '<circle label="car"/>',
      'circle[1] (line 12): expected one of <box>, <polygon>, <polyline>, <points>, <ellipse>, <mask>, <skeleton>, <tag>, got <circle>',
    ],
    [
      '<cuboid label="car"/>',
      'cuboid[1] (line 12): expected a 2D shape: Loupe cannot hold cuboids',
    ],
    [
      '<box label="car" xtl="1" ytl="1" xbr="2" ybr="2"><attribute name="parked">yes</attribute></box>',
      'box[1]/attribute[1] (line 12): expected true or false, got "yes"',
    ],
    [
      '<tag label="car"><attribute name="model">c</attribute></tag>',
      'tag[1]/attribute[1] (line 12): expected one of "a", "b", got "c"',
    ],
    [
      '<skeleton label="car"><box label="x" xtl="1" ytl="1" xbr="2" ybr="2"/></skeleton>',
      'skeleton[1]/box[1] (line 12): expected <points> for a skeleton node, got <box>',
    ],
  ])('rejects %s', async (shape, where) => {
    expect(await readError(xml(image(shape)))).toBe(
      `annotations.xml: annotations/image[1]/${where}`,
    )
  })

  it('rejects images without a name or a size, CVAT for video, and other roots', async () => {
    expect(await readError(xml('<image id="0" width="1" height="1"/>'))).toBe(
      "annotations.xml: annotations/image[1]@name (line 11): expected the image's file name",
    )
    expect(await readError(xml(image('', 'width="-3" height="1"')))).toBe(
      'annotations.xml: annotations/image[1]@width (line 11): expected a positive integer, got "-3"',
    )
    expect(await readError(xml(image('', '')))).toBe(
      'annotations.xml: annotations/image[1]@width (line 11): expected the size of image "a.jpg" (width and height), or the image in images/',
    )
    expect(await readError(xml('<track id="0" label="car"/>'))).toMatch(
      /^annotations\.xml: annotations\/track\[1\] \(line 11\): expected <image> elements \(CVAT for images 1\.1\); this file has <track> elements/,
    )
    expect(
      await readError(new FileTree([['annotations.xml', '<annotation><object/></annotation>']])),
    ).toBe(
      'annotations.xml: annotation (line 1): expected <annotations> as the root element, got <annotation>',
    )
    expect(
      await readError(
        new FileTree([['annotations.xml', '<annotations><version>2.0</version></annotations>']]),
      ),
    ).toBe('annotations.xml: annotations/version[1] (line 1): expected version 1.1, got "2.0"')
    expect(await readError(new FileTree([['labels.txt', 'car']]))).toBe(
      '(archive): expected annotations.xml (CVAT for images 1.1: an XML file with an <annotations> root)',
    )
  })

  it('rejects malformed label definitions', async () => {
    const meta = (attribute: string) =>
      `<meta><project><labels><label><name>car</name><color>red</color><attributes>${attribute}</attributes></label></labels></project></meta>`
    expect(await readError(xml('', meta('')))).toBe(
      'annotations.xml: annotations/meta[1]/project[1]/labels[1]/label[1]/color[1] (line 4): expected a #rrggbb color, got "red"',
    )
    const typed = (attribute: string) =>
      `<meta><project><labels><label><name>car</name><attributes>${attribute}</attributes></label></labels></project></meta>`
    expect(
      await readError(
        xml('', typed('<attribute><name>a</name><input_type>slider</input_type></attribute>')),
      ),
    ).toBe(
      'annotations.xml: annotations/meta[1]/project[1]/labels[1]/label[1]/attributes[1]/attribute[1]/input_type[1] (line 4): expected input_type select|radio|checkbox|number|text, got "slider"',
    )
    expect(
      await readError(
        xml(
          '',
          typed(
            '<attribute><name>n</name><input_type>number</input_type><values>1\n2</values></attribute>',
          ),
        ),
      ),
    ).toBe(
      'annotations.xml: annotations/meta[1]/project[1]/labels[1]/label[1]/attributes[1]/attribute[1]/values[1] (line 4): expected min, max and step of a number attribute, one per line',
    )
  })
})

describe('CVAT for images 1.1: detection, progress and cancel', () => {
  it('recognises its own files only', () => {
    expect(cvat.detect(xml(image('')))).toBeGreaterThan(0.9)
    expect(cvat.detect(new FileTree([['task_1.xml', '<annotations><image/></annotations>']]))).toBe(
      0.8,
    )
    const voc = new FileTree([
      ['Annotations/a.xml', '<annotation><filename>a.jpg</filename></annotation>'],
    ])
    expect(cvat.detect(voc)).toBe(0)
    expect(cvat.detect(new FileTree([['annotations/instances_val.json', '{"images":[]}']]))).toBe(0)
  })

  it('reports progress per image and stops when cancelled', async () => {
    const body = [image(''), image(''), image('')].join('\n')
    const seen: number[] = []
    await cvat.read(xml(body), { onProgress: (p) => seen.push(p.done) })
    expect(seen).toEqual([1, 2, 3])
    const signal = { aborted: false }
    const read = async () =>
      cvat.read(xml(body), {
        signal,
        onProgress: () => {
          signal.aborted = true
        },
      })
    await expect(read).rejects.toThrow('cancelled')
    await expect(async () =>
      cvat.write(fullDataset(), { signal: { aborted: true } }),
    ).rejects.toThrow('cancelled')
  })
})
