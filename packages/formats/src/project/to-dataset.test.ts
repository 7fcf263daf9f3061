import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { bitmapToRle } from '@loupe/masks'
import type { Dataset } from '../dataset'
import { planImport } from './plan-import'
import { projectToDataset } from './to-dataset'
import { applyPlan, makeProject, png, PROJECT_ID } from './__fixtures__/projects'

async function annotated() {
  const t = await makeProject({
    labels: [
      {
        name: 'car',
        color: '#aa0000',
        type: 'any',
        attributes: [
          { name: 'parked', type: 'checkbox', values: [] },
          { name: 'make', type: 'select', values: ['vw', 'fiat'], default: 'fiat' },
          { name: 'speed', type: 'number', values: [0, 300, 1] },
          { name: 'plate', type: 'text', values: [] },
        ],
      },
      {
        name: 'person',
        type: 'skeleton',
        skeleton: { nodes: ['head', 'hand'], edges: [[0, 1]] },
      },
      { name: 'night' },
    ],
    images: [{ name: 'img10.jpg' }, { name: 'img2.jpg' }, { name: 'img3.jpg' }],
    jobSize: 2,
  })
  const project = t.project
  const labels = new Map(project.listLabels().map((l) => [l.name, l]))
  const car = labels.get('car')!
  const images = new Map(project.listImages().map((i) => [i.name, i]))
  const img2 = images.get('img2.jpg')!
  const img3 = images.get('img3.jpg')!
  const job1 = t.job(img2.jobId)
  job1.addShape({
    imageId: img2.id,
    labelId: car.id,
    type: 'rectangle',
    points: [1.5, 2, 30, 40],
    rotation: 30,
    zOrder: 2,
    attributes: { [car.attributes[0]!.id]: true, [car.attributes[3]!.id]: 'B-X 1' },
  })
  job1.addShape({
    imageId: img2.id,
    labelId: car.id,
    type: 'mask',
    points: [0, 0, 2, 2],
    mask: bitmapToRle({ width: 2, height: 2, data: new Uint8Array([1, 0, 1, 1]) }),
    zOrder: 1,
    occluded: true,
  })
  job1.addShape({
    imageId: img2.id,
    labelId: labels.get('person')!.id,
    type: 'skeleton',
    points: [5, 5, 9, 9],
    visibility: ['visible', 'hidden'],
    zOrder: 3,
  })
  job1.addTag({ imageId: img2.id, labelId: labels.get('night')!.id })
  const job2 = t.job(img3.jobId)
  job2.addShape({
    imageId: img3.id,
    labelId: car.id,
    type: 'ellipse',
    points: [50, 40, 10, 5],
    attributes: { [car.attributes[2]!.id]: 120 },
  })
  job2.addShape({ imageId: img3.id, labelId: car.id, type: 'polyline', points: [0, 0, 5, 5] })
  job2.addShape({ imageId: img3.id, labelId: car.id, type: 'points', points: [7, 7] })
  job2.addShape({
    imageId: img3.id,
    labelId: car.id,
    type: 'polygon',
    points: [0, 0, 9, 0, 9, 9],
  })
  return t
}

const jobsOf = (t: Awaited<ReturnType<typeof makeProject>>) => {
  const project = ProjectDocument.open(t.projectDoc)
  return [...t.jobDocs.values()].map((doc) => JobDocument.open(doc, project))
}

describe('projectToDataset', () => {
  it('names labels and attributes, keeps geometry, images in natural order', async () => {
    const t = await annotated()
    const dataset = await projectToDataset(t.project, jobsOf(t))
    expect(dataset.name).toBe('Test')
    expect(dataset.labels).toEqual([
      {
        name: 'car',
        color: '#aa0000',
        type: 'any',
        attributes: [
          { name: 'parked', type: 'checkbox', values: [], default: false, mutable: false },
          { name: 'make', type: 'select', values: ['vw', 'fiat'], default: 'fiat', mutable: false },
          { name: 'speed', type: 'number', values: [0, 300, 1], default: 0, mutable: false },
          { name: 'plate', type: 'text', values: [], default: '', mutable: false },
        ],
      },
      { name: 'night', color: '#e15759', type: 'any', attributes: [] },
      {
        name: 'person',
        color: '#f28e2b',
        type: 'skeleton',
        attributes: [],
        skeleton: { nodes: ['head', 'hand'], edges: [[0, 1]] },
      },
    ])
    expect(dataset.images.map((i) => [i.name, i.subset, i.annotations.length])).toEqual([
      ['img2.jpg', 'default', 3],
      ['img3.jpg', 'default', 4],
      ['img10.jpg', 'default', 0],
    ])
    const [mask, box, skeleton] = dataset.images[0]!.annotations
    expect(box).toEqual({
      type: 'rectangle',
      label: 'car',
      points: [1.5, 2, 30, 40],
      rotation: 30,
      zOrder: 2,
      occluded: false,
      attributes: { parked: true, make: 'fiat', speed: 0, plate: 'B-X 1' },
      source: 'manual',
    })
    expect(mask).toMatchObject({ type: 'mask', occluded: true, mask: { size: [2, 2] } })
    expect(skeleton).toMatchObject({ type: 'skeleton', visibility: ['visible', 'hidden'] })
    expect(dataset.images[0]!.tags).toEqual([{ label: 'night', attributes: {} }])
  })

  it('exports chosen jobs only, job names as subsets, image bytes, progress', async () => {
    const t = await annotated()
    const project = t.project
    const job2 = project.listJobs()[1]!
    const progress: string[] = []
    const dataset = await projectToDataset(project, jobsOf(t), {
      jobIds: [job2.id],
      subsets: 'job',
      imageData: (image) => (image.name === 'img3.jpg' ? png(2, 2) : undefined),
      onProgress: (p) => progress.push(`${p.done}/${p.total}`),
    })
    expect(dataset.images.map((i) => [i.name, i.subset, i.data?.length])).toEqual([
      ['img3.jpg', 'Job 2', png(2, 2).length],
    ])
    expect(progress).toEqual(['1/1'])
  })

  it('warns about shapes whose label was deleted', async () => {
    const t = await annotated()
    t.project.deleteLabel(t.project.listLabels().find((l) => l.name === 'night')!.id)
    const warnings: string[] = []
    const dataset = await projectToDataset(t.project, jobsOf(t), {
      onWarning: (w) => warnings.push(w),
    })
    expect(dataset.images[0]!.tags).toEqual([])
    expect(warnings).toEqual([
      '1 shapes or tags have a label that was deleted; they are not exported',
    ])
  })

  it('round trips: project → dataset → import into an empty project → the same dataset', async () => {
    const t = await annotated()
    const first = await projectToDataset(t.project, jobsOf(t), {
      imageData: (image) => png(3, 3, image.name.charCodeAt(3)),
    })
    const empty = new Y.Doc()
    ProjectDocument.create(empty, { name: 'Test' })
    const fresh = { projectDoc: empty, jobDocs: new Map<string, Y.Doc>(), project: null as never }
    const plan = await planImport(first, { projectId: PROJECT_ID, ...fresh })
    applyPlan({ ...fresh, job: () => null as never }, plan)
    const project = ProjectDocument.open(empty)
    const jobs = [...fresh.jobDocs.values()].map((doc) => JobDocument.open(doc, project))
    const second = await projectToDataset(project, jobs)
    const strip = (d: Dataset) =>
      d.images.map((i) => ({
        ...i,
        sha256: undefined,
        data: undefined,
        width: undefined,
        height: undefined,
        annotations: i.annotations.map((a) => ({ ...a, source: undefined })),
      }))
    expect(second.labels).toEqual(first.labels)
    expect(strip(second)).toEqual(strip(first))
    expect(second.images.every((i) => i.annotations.every((a) => a.source === 'import'))).toBe(true)
  })
})
