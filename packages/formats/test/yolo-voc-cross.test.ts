// Across YOLO 1.1, Ultralytics, Pascal VOC and COCO: boxes agree (also for a unicode name and
// coordinates in the tens of thousands), detection tells them apart, and
// every reader and writer reports progress and stops when cancelled.

import { describe, expect, it } from 'vitest'
import type { Dataset } from '../src/dataset'
import { coco } from '../src/coco'
import { CancelledError } from '../src/errors'
import { FileTree } from '../src/files'
import type { FormatModule, ProgressInfo } from '../src/format'
import { ultralytics } from '../src/ultralytics'
import { voc } from '../src/voc'
import { yolo } from '../src/yolo'
import { expectClose, image, label, png, rect } from './yolo-voc-builders'

const formats: FormatModule[] = [yolo, ultralytics, voc, coco]
const big = { width: 60_000, height: 40_000 }

function dataset(): Dataset {
  return {
    labels: [label('cat', { sourceId: 0 }), label('dog', { sourceId: 1 })],
    images: [
      image(
        'x.png',
        640,
        480,
        [rect('dog', [12.5, 30, 200.75, 410]), rect('cat', [0, 0, 640, 480])],
        {
          data: png(640, 480),
          subset: 'train',
        },
      ),
      image('y.png', 33, 17, [rect('cat', [1, 2, 3, 4])], { data: png(33, 17), subset: 'train' }),
      // a unicode name and coordinates far from the origin (a 60,000 × 40,000 scan, no bytes:
      // its size comes from the project, as in an annotation-only import)
      image(
        'straße 画像.png',
        60_000,
        40_000,
        [rect('dog', [59_000.5, 39_000.25, 59_999, 40_000])],
        {
          subset: 'train',
        },
      ),
    ],
  }
}

describe('YOLO 1.1 ↔ Ultralytics ↔ Pascal VOC ↔ COCO', () => {
  it('carry the same boxes from one to the next', async () => {
    let current = dataset()
    for (const format of [yolo, voc, coco, ultralytics, yolo, coco, voc]) {
      const files = FileTree.fromZip((await format.write(current)).toZip())
      current = await format.read(files, {
        imageSize: (name) =>
          name.endsWith('画像.png') ? { width: 60_000, height: 40_000 } : undefined,
      })
      expect(current.labels.map((l) => l.name)).toEqual(['cat', 'dog'])
      expect(current.images.map((i) => [i.name, i.subset, i.width, i.height])).toEqual([
        ['x.png', 'train', 640, 480],
        ['y.png', 'train', 33, 17],
        ['straße 画像.png', 'train', 60_000, 40_000],
      ])
      current.images.forEach((img, i) => {
        const original = dataset().images[i]!
        expect(img.annotations.map((a) => [a.type, a.label])).toEqual(
          original.annotations.map((a) => [a.type, a.label]),
        )
        // each YOLO pass may round to 6 decimals of the image size: within 2e-6 after two
        img.annotations.forEach((ann, k) =>
          expectClose(ann.points, original.annotations[k]!.points, 2e-6 * img.width),
        )
      })
    }
  })

  it('are told apart by detection', async () => {
    for (const writer of formats) {
      const files = await writer.write(dataset())
      const scores = formats.map((format) => [format.id, format.detect(files)] as const)
      const best = [...scores].sort((a, b) => b[1] - a[1])[0]!
      expect(best[0], JSON.stringify(scores)).toBe(writer.id)
    }
    const empty = new FileTree([['readme.txt', 'hello']])
    expect(formats.map((format) => format.detect(empty))).toEqual([0, 0, 0, 0])
  })

  it('report progress per image and stop when cancelled', async () => {
    for (const format of formats) {
      const progress: ProgressInfo[] = []
      const files = await format.write(dataset(), { onProgress: (p) => progress.push(p) })
      const perImage = [
        [1, 3],
        [2, 3],
        [3, 3],
      ]
      expect(progress.map((p) => [p.done, p.total])).toEqual(perImage)
      progress.length = 0
      await format.read(files, { onProgress: (p) => progress.push(p), imageSize: () => big })
      expect(progress.map((p) => [p.done, p.total])).toEqual(perImage)
      const signal = { aborted: true }
      expect(() => format.write(dataset(), { signal })).toThrow(CancelledError)
      expect(() => format.read(files, { signal, imageSize: () => big })).toThrow(CancelledError)
    }
  })
})
