// Test fixtures for the formats worker: a tiny format of our own (one `boxes.json`), registered
// beside the built-in ones, and a project with one job, built through the model.

import * as Y from 'yjs'
import { FileTree, FormatError, registerFormat, throwIfCancelled } from '@loupe/formats'
import type { Dataset, FormatId, FormatModule } from '@loupe/formats'
import { JobDocument, ProjectDocument } from '@loupe/model'

interface BoxesFile {
  labels: string[]
  images: { name: string; width: number; height: number; boxes: number[][] }[]
}

/** `boxes.json`: labels by name, images with `[x1, y1, x2, y2, labelIndex]` boxes. */
export const boxesFormat: FormatModule = {
  id: 'boxes' as FormatId,
  name: 'Test boxes',
  capabilities: {
    shapes: ['rectangle'],
    attributes: false,
    tags: false,
    rotation: false,
    occluded: false,
    zOrder: false,
    groups: false,
    captions: false,
    subsets: false,
    colors: false,
  },
  detect: (files: FileTree) => (files.has('boxes.json') ? 0.9 : 0),
  async read(files, options) {
    const data = files.json('boxes.json') as BoxesFile
    const dataset: Dataset = {
      labels: data.labels.map((name) => ({ name, attributes: [] })),
      images: [],
    }
    for (const [i, image] of data.images.entries()) {
      throwIfCancelled(options?.signal)
      // a pause per image, so a cancel can get in (as a format reading a large file would)
      await new Promise((resolve) => setTimeout(resolve, 0))
      dataset.images.push({
        name: image.name,
        width: image.width,
        height: image.height,
        subset: 'default',
        annotations: image.boxes.map((box, j) => {
          if (box.length !== 5 || box.some((v) => typeof v !== 'number')) {
            throw new FormatError('boxes.json', `images[${i}].boxes[${j}]`, 'expected 5 numbers')
          }
          return {
            type: 'rectangle' as const,
            label: data.labels[box[4]!]!,
            points: box.slice(0, 4),
            attributes: {},
          }
        }),
        tags: [],
      })
      options?.onProgress?.({ done: i + 1, total: data.images.length })
    }
    return dataset
  },
  write(dataset, options) {
    const labels = dataset.labels.map((l) => l.name)
    const out: BoxesFile = {
      labels,
      images: dataset.images.map((image, i) => {
        options?.onProgress?.({ done: i + 1, total: dataset.images.length })
        return {
          name: image.name,
          width: image.width,
          height: image.height,
          boxes: image.annotations
            .filter((a) => a.type === 'rectangle')
            .map((a) => [...a.points, labels.indexOf(a.label)]),
        }
      }),
    }
    const files = new FileTree([['boxes.json', JSON.stringify(out)]])
    if (options?.includeImages) {
      for (const image of dataset.images)
        if (image.data) files.set(`images/${image.name}`, image.data)
    }
    return files
  },
}

registerFormat(boxesFormat)

/** A project (labels car, person) with two images in one job, and the job with two boxes. */
export function sampleProject() {
  const projectDoc = new Y.Doc()
  const project = ProjectDocument.create(
    projectDoc,
    { name: 'Street scenes', labels: [{ name: 'car' }, { name: 'person' }] },
    { userId: 'test' },
  )
  const [first, second] = project.addImages([
    { name: 'a.png', sha256: 'a'.repeat(64), width: 640, height: 480 },
    { name: 'b.png', sha256: 'b'.repeat(64), width: 320, height: 240 },
  ])
  const jobId = first!.jobId
  const jobDoc = new Y.Doc()
  const job = JobDocument.create(jobDoc, { projectId: 'p1', jobId }, project, { userId: 'test' })
  const car = project.listLabels().find((l) => l.name === 'car')!
  job.addShape({
    imageId: first!.id,
    labelId: car.id,
    type: 'rectangle',
    points: [10, 20, 110, 90],
  })
  job.addShape({ imageId: second!.id, labelId: car.id, type: 'rectangle', points: [1, 2, 3, 4] })
  return { projectDoc, project, jobDoc, job, jobId }
}

export function boxesJson(file: BoxesFile): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(JSON.stringify(file))
}
