// Across YOLO 1.1, Ultralytics and Pascal VOC: boxes agree, detection tells them apart, and
// every reader and writer reports progress and stops when cancelled.

import { describe, expect, it } from 'vitest'
import type { Dataset } from '../src/dataset'
import { CancelledError } from '../src/errors'
import { FileTree } from '../src/files'
import type { FormatModule, ProgressInfo } from '../src/format'
import { ultralytics } from '../src/ultralytics'
import { voc } from '../src/voc'
import { yolo } from '../src/yolo'
import { expectClose, image, label, png, rect } from './yolo-voc-builders'

const formats: FormatModule[] = [yolo, ultralytics, voc]

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
    ],
  }
}

describe('YOLO 1.1 ↔ Ultralytics ↔ Pascal VOC', () => {
  it('carry the same boxes from one to the next', async () => {
    let current = dataset()
    for (const format of [yolo, voc, ultralytics, yolo, voc]) {
      const files = FileTree.fromZip((await format.write(current)).toZip())
      current = await format.read(files)
      expect(current.labels.map((l) => l.name)).toEqual(['cat', 'dog'])
      expect(current.images.map((i) => [i.name, i.subset, i.width, i.height])).toEqual([
        ['x.png', 'train', 640, 480],
        ['y.png', 'train', 33, 17],
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
    expect(formats.map((format) => format.detect(empty))).toEqual([0, 0, 0])
  })

  it('report progress per image and stop when cancelled', async () => {
    for (const format of formats) {
      const progress: ProgressInfo[] = []
      const files = await format.write(dataset(), { onProgress: (p) => progress.push(p) })
      expect(progress.map((p) => [p.done, p.total])).toEqual([
        [1, 2],
        [2, 2],
      ])
      progress.length = 0
      await format.read(files, { onProgress: (p) => progress.push(p) })
      expect(progress.map((p) => [p.done, p.total])).toEqual([
        [1, 2],
        [2, 2],
      ])
      const signal = { aborted: true }
      expect(() => format.write(dataset(), { signal })).toThrow(CancelledError)
      expect(() => format.read(files, { signal })).toThrow(CancelledError)
    }
  })
})
