// COCO files as the real tools write them: CVAT's COCO 1.0 export, COCO 2017's own releases
// (instances + person_keypoints), Roboflow's layout; and malformed files with exact messages.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileTree, detectFormat, type Dataset } from '../src'
import '../src/builtin'
import { coco } from '../src/coco'

const FIXTURES = join(import.meta.dirname, 'coco-fixtures')

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

const read = async (tree: FileTree, options?: Parameters<typeof coco.read>[1]) =>
  (await coco.read(tree, options)) as Dataset

describe('COCO as CVAT exports it', () => {
  it('is detected as COCO', () => {
    expect(detectFormat(folder('cvat'))[0]?.format.id).toBe('coco')
  })

  it('reads rotated boxes, occluded, tracks, crowd masks, ids that do not start at 1', async () => {
    const dataset = await read(folder('cvat'))
    expect(dataset.labels.map((l) => [l.name, l.sourceId])).toEqual([
      ['car', 1],
      ['person', 2],
      ['road sign', 5],
    ])
    expect(dataset.labels[0]!.attributes).toEqual([
      { name: 'color', type: 'text', values: [] },
      { name: 'parked', type: 'checkbox', values: [] },
    ])
    expect(dataset.labels[1]!.attributes).toEqual([
      { name: 'track_id', type: 'number', values: [] },
    ])
    const [first, second] = dataset.images
    expect(first).toMatchObject({
      name: 'frame_000000.png',
      width: 40,
      height: 30,
      subset: 'default',
      sourceId: 17,
    })
    expect(first!.data?.length).toBeGreaterThan(0)
    expect(second).toMatchObject({ name: 'frame_000001.png', sourceId: 18 })
    expect(first!.annotations).toEqual([
      {
        type: 'rectangle',
        label: 'car',
        points: [4.5, 6, 16.5, 16],
        rotation: 45,
        attributes: { color: 'red', parked: true },
        sourceId: 1,
      },
      {
        type: 'polygon',
        label: 'person',
        points: [20, 5, 30, 5, 30, 15, 20, 15],
        occluded: true,
        attributes: { track_id: 3 },
        sourceId: 2,
      },
      {
        type: 'mask',
        label: 'road sign',
        points: [2, 1, 6, 4],
        mask: { size: [3, 4], counts: [0, 12] },
        crowd: true,
        attributes: {},
        sourceId: 3,
      },
    ])
  })

  it('writes back the same objects (rotation in attributes, ids, crowd RLE)', async () => {
    const tree = folder('cvat')
    const out = await coco.write(await read(tree))
    const before = tree.json('annotations/instances_default.json') as { annotations: unknown[] }
    const after = out.json('annotations/instances_default.json') as { annotations: unknown[] }
    // keyframe means something only in a video track: it is the one thing not written back
    const strip = (a: unknown) => {
      const { attributes, ...rest } = a as { attributes: Record<string, unknown> }
      const { keyframe: _keyframe, ...kept } = attributes
      return { ...rest, attributes: kept }
    }
    expect(after.annotations).toEqual(before.annotations.map(strip))
    expect(out.has('images/default/frame_000000.png')).toBe(true)
  })
})

describe("COCO 2017's own files", () => {
  it('reads instances and keypoints of one subset into one image list', async () => {
    const dataset = await read(folder('coco2017'), {
      imageSize: () => undefined,
    })
    expect(dataset.name).toBe('COCO 2017 Dataset')
    expect(dataset.labels).toEqual([
      { name: 'person', attributes: [], sourceId: 1 },
      { name: 'toothbrush', attributes: [], sourceId: 90 },
      {
        name: 'person (keypoints)',
        type: 'skeleton',
        attributes: [],
        sourceId: 1,
        skeleton: {
          nodes: ['nose', 'left_eye', 'right_eye'],
          edges: [
            [0, 1],
            [0, 2],
            [1, 2],
          ],
        },
      },
    ])
    expect(dataset.images.map((image) => [image.name, image.subset, image.sourceId])).toEqual([
      ['000000000139.jpg', 'val2017', 139],
      ['000000000285.jpg', 'val2017', 285],
    ])
    const annotations = dataset.images[0]!.annotations
    // two real parts share a group; the two-point part is not a polygon
    expect(annotations.slice(0, 2).map((a) => [a.type, a.group, a.sourceId])).toEqual([
      ['polygon', 1, 2005],
      ['polygon', 1, 2005],
    ])
    expect(annotations[2]).toMatchObject({
      type: 'mask',
      crowd: true,
      points: [1, 2, 4, 5],
      mask: { size: [3, 3], counts: [0, 9] },
      sourceId: 900100139,
    })
    expect(annotations[3]).toEqual({
      type: 'skeleton',
      label: 'person (keypoints)',
      points: [2, 1.5, 3, 2, 0, 0],
      visibility: ['visible', 'occluded', 'hidden'],
      attributes: {},
      sourceId: 2005,
    })
    expect(dataset.images[1]!.annotations).toHaveLength(1)
  })

  it('keeps the non-contiguous category ids on export', async () => {
    const out = await coco.write(await read(folder('coco2017')))
    const instances = out.json('annotations/instances_val2017.json') as {
      categories: { id: number }[]
      annotations: { id: number; segmentation: unknown }[]
    }
    expect(instances.categories.map((c) => c.id)).toEqual([1, 90])
    expect(instances.annotations.map((a) => a.id)).toEqual([2005, 900100139, 2006])
    expect(instances.annotations[0]!.segmentation).toEqual([
      [1, 1, 4, 1, 4, 3],
      [5, 4, 7, 4, 7, 5.5, 5, 5.5],
    ])
    const keypoints = out.json('annotations/person_keypoints_val2017.json') as {
      categories: { id: number; skeleton: number[][] }[]
      annotations: { keypoints: number[]; num_keypoints: number }[]
    }
    expect(keypoints.categories[0]).toMatchObject({
      id: 1,
      skeleton: [
        [1, 2],
        [1, 3],
        [2, 3],
      ],
    })
    expect(keypoints.annotations[0]).toMatchObject({
      keypoints: [2, 1.5, 2, 3, 2, 1, 0, 0, 0],
      num_keypoints: 2,
    })
  })
})

describe('COCO as Roboflow exports it', () => {
  it('reads train/valid/test folders with images beside the JSON, without the project category', async () => {
    const tree = folder('roboflow')
    expect(detectFormat(tree)[0]?.format.id).toBe('coco')
    const dataset = await read(tree)
    expect(dataset.labels.map((l) => [l.name, l.sourceId])).toEqual([
      ['car', 1],
      ['truck', 2],
    ])
    expect(dataset.images.map((i) => [i.subset, i.name, i.sourceId, !!i.data])).toEqual([
      ['train', 'car1_jpg.rf.abc.png', 0, true],
      ['valid', 'car2_jpg.rf.def.png', 0, true],
    ])
    expect(dataset.images[0]!.annotations[0]).toMatchObject({
      type: 'rectangle',
      label: 'car',
      points: [2, 3, 7.5, 7],
      sourceId: 0,
    })
  })
})

describe('malformed COCO', () => {
  const file = 'annotations/instances_val.json'
  const base = () => ({
    images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }],
    categories: [{ id: 1, name: 'car' }],
    annotations: [0, 1, 2, 3].map((k) => ({
      id: k + 1,
      image_id: 1,
      category_id: 1,
      bbox: [0, 0, 1, 1],
      iscrowd: 0,
    })),
  })
  const tree = (json: unknown) => new FileTree([[file, JSON.stringify(json)]])
  const fails = async (json: unknown) => {
    try {
      await coco.read(tree(json))
    } catch (error) {
      return (error as Error).message
    }
    return 'no error'
  }

  it('names the file, the JSON path and what was expected', async () => {
    const bbox = base()
    bbox.annotations[3]!.bbox = [1, 2, 3]
    expect(await fails(bbox)).toBe(`${file}: annotations[3].bbox: expected 4 numbers`)

    const category = base()
    category.annotations[1]!.category_id = 7
    expect(await fails(category)).toBe(
      `${file}: annotations[1].category_id: expected the id of a category in categories (no category has id 7)`,
    )

    const image = base()
    image.annotations[0]!.image_id = 9
    expect(await fails(image)).toBe(
      `${file}: annotations[0].image_id: expected the id of an image in images (no image has id 9)`,
    )

    expect(await fails({ ...base(), images: {} })).toBe(
      `${file}: images: expected an array of images`,
    )

    const crowd = base()
    ;(crowd.annotations[2] as Record<string, unknown>).iscrowd = 'yes'
    expect(await fails(crowd)).toBe(`${file}: annotations[2].iscrowd: expected iscrowd 0 or 1`)

    const rle = base()
    ;(rle.annotations[0] as Record<string, unknown>).segmentation = { counts: [5, 5], size: [5, 2] }
    expect(await fails(rle)).toBe(
      `${file}: annotations[0].segmentation.size: expected size [10, 10] (the image's height and width)`,
    )

    const counts = base()
    ;(counts.annotations[0] as Record<string, unknown>).segmentation = {
      counts: [5, 5],
      size: [10, 10],
    }
    expect(await fails(counts)).toBe(
      `${file}: annotations[0].segmentation.counts: expected runs covering 100 pixels, got 10`,
    )

    const polygon = base()
    ;(polygon.annotations[1] as Record<string, unknown>).segmentation = [[1, 2, 3, 4, 5]]
    expect(await fails(polygon)).toBe(
      `${file}: annotations[1].segmentation[0]: expected a polygon of x,y pairs (an even count)`,
    )
  })

  it('checks keypoints against their category', async () => {
    const json = {
      ...base(),
      categories: [{ id: 1, name: 'person', keypoints: ['a', 'b'], skeleton: [[1, 3]] }],
    }
    expect(await fails(json)).toBe(
      `${file}: categories[0].skeleton[0]: expected a pair of keypoint numbers from 1 to 2`,
    )
    json.categories[0]!.skeleton = [[1, 2]]
    const withPoints = json.annotations.map((a) => ({ ...a, keypoints: [1, 1, 2, 2, 2, 5] }))
    expect(await fails({ ...json, annotations: withPoints })).toBe(
      `${file}: annotations[0].keypoints[5]: expected visibility 0, 1 or 2`,
    )
    withPoints[0]!.keypoints = [1, 1, 2]
    expect(await fails({ ...json, annotations: withPoints })).toBe(
      `${file}: annotations[0].keypoints: expected 6 numbers (x, y, v for each of the 2 keypoints)`,
    )
  })

  it('needs a size for every image', async () => {
    const json = base()
    json.images[0] = { id: 1, file_name: 'a.jpg' } as (typeof json.images)[0]
    expect(await fails(json)).toBe(
      `${file}: images[0]: expected width and height for "a.jpg" (not in the file, no such image in the archive, and not known to the project)`,
    )
    const dataset = await read(tree(json), {
      imageSize: (name) => (name === 'a.jpg' ? { width: 10, height: 10 } : undefined),
    })
    expect(dataset.images[0]).toMatchObject({ width: 10, height: 10 })
  })

  it('reports invalid JSON with its line and column', () => {
    const broken = new FileTree([[file, '{\n  "images": [],\n  x\n}']])
    expect(() => coco.read(broken)).toThrow(
      new RegExp(`^${file}: line 3, column 3: expected valid JSON`),
    )
  })

  it('says what it looked for in an archive without COCO files', () => {
    expect(() => coco.read(new FileTree([['readme.txt', 'hi']]))).toThrow(
      /^\(archive\): expected a COCO annotation file/,
    )
  })
})
