import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { JobDocument, ModelError, ProjectDocument } from '@loupe/model'
import { bitmapToRle } from '@loupe/masks'
import type { Dataset, DatasetImage } from '../dataset'
import { CancelledError, FormatError } from '../errors'
import { planImport } from './plan-import'
import { applyPlan, makeProject, png, PROJECT_ID, sha, snapshot } from './__fixtures__/projects'
import type { TestProject } from './__fixtures__/projects'

const image = (name: string, rest: Partial<DatasetImage> = {}): DatasetImage => ({
  name,
  width: 100,
  height: 80,
  subset: 'default',
  annotations: [],
  tags: [],
  ...rest,
})

const target = (t: TestProject) => ({
  projectId: PROJECT_ID,
  projectDoc: t.projectDoc,
  jobDocs: t.jobDocs,
})

async function birds() {
  return makeProject({
    labels: [
      {
        name: 'cat',
        color: '#112233',
        attributes: [{ name: 'fur', type: 'select', values: ['black', 'white'] }],
      },
      { name: 'dog' },
      { name: 'rect only', type: 'rectangle' },
    ],
    images: [{ name: 'a.jpg' }, { name: 'train/b.jpg' }, { name: 'c.jpg' }],
  })
}

function dataset(extra: Partial<Dataset> = {}): Dataset {
  return {
    labels: [
      {
        name: 'cat',
        color: '#ffffff',
        attributes: [
          { name: 'fur', type: 'select', values: ['black', 'ginger'] },
          { name: 'age', type: 'number', values: [0, 30, 1] },
        ],
      },
      { name: 'bird', color: '#00ff00', type: 'polygon', attributes: [] },
      { name: 'sunny', attributes: [] },
    ],
    images: [
      image('a.jpg', {
        annotations: [
          {
            type: 'rectangle',
            label: 'cat',
            points: [30, 20, 10, 5], // unnormalised: stored as [10,5,30,20]
            attributes: { fur: 'ginger', age: '3' }, // CVAT writes numbers as text
            occluded: true,
          },
        ],
        tags: [{ label: 'sunny', attributes: {} }],
      }),
      image('elsewhere/b.jpg', {
        annotations: [
          { type: 'polygon', label: 'bird', points: [1, 1, 9, 1, 5, 8], attributes: {} },
        ],
      }),
      image('c.jpg'),
    ],
    ...extra,
  }
}

describe('planImport', () => {
  it('merges labels by name and adds shapes and tags to the matched images', async () => {
    const t = await birds()
    const before = snapshot(t)
    const plan = await planImport(dataset(), target(t), { userId: 'ann' })
    // Planning wrote nothing.
    expect(snapshot(t)).toEqual(before)
    expect(plan.summary).toEqual({
      labelsAdded: 2,
      imagesAdded: 0,
      imagesMatched: 3,
      shapesAdded: 2,
      shapesSkipped: 0,
      tagsAdded: 1,
      jobsCreated: 0,
    })
    expect(plan.updates.map((u) => u.room)).toEqual([
      `project/${PROJECT_ID}`,
      `job/${PROJECT_ID}/${t.project.listJobs()[0]!.id}`,
    ])
    expect(plan.report).toEqual([
      'label "cat": attribute "fur" gains values "ginger"',
      'label "cat": attribute "age" added',
      '1 images matched by base name (folders differ)',
    ])
    applyPlan(t, plan)

    const project = ProjectDocument.open(t.projectDoc)
    const labels = new Map(project.listLabels().map((l) => [l.name, l]))
    expect([...labels.keys()]).toEqual(['bird', 'cat', 'dog', 'rect only', 'sunny'])
    const cat = labels.get('cat')!
    expect(cat.color).toBe('#112233') // an existing label keeps its colour
    expect(cat.attributes.map((a) => [a.name, a.type, a.values])).toEqual([
      ['fur', 'select', ['black', 'white', 'ginger']],
      ['age', 'number', [0, 30, 1]],
    ])
    expect(labels.get('bird')).toMatchObject({ color: '#00ff00', type: 'polygon' })

    const jobId = project.listJobs()[0]!.id
    const job = JobDocument.open(t.jobDocs.get(jobId)!, project)
    const images = new Map(project.listImages().map((i) => [i.name, i]))
    const [box] = job.listShapes(images.get('a.jpg')!.id)
    expect(box).toMatchObject({
      type: 'rectangle',
      labelId: cat.id,
      points: [10, 5, 30, 20],
      occluded: true,
      source: 'import',
      createdBy: 'ann',
      attributes: { [cat.attributes[0]!.id]: 'ginger', [cat.attributes[1]!.id]: 3 },
    })
    expect(job.listShapes(images.get('train/b.jpg')!.id)).toMatchObject([
      { type: 'polygon', labelId: labels.get('bird')!.id },
    ])
    expect(job.listTags(images.get('a.jpg')!.id)).toMatchObject([
      { labelId: labels.get('sunny')!.id, source: 'import' },
    ])
  })

  it('a second import of the same file changes nothing', async () => {
    const t = await birds()
    applyPlan(t, await planImport(dataset(), target(t)))
    const after = snapshot(t)
    const again = await planImport(dataset(), target(t))
    expect(again.updates).toEqual([])
    expect(again.summary).toMatchObject({
      labelsAdded: 0,
      imagesAdded: 0,
      imagesMatched: 3,
      shapesAdded: 0,
      shapesSkipped: 2,
      tagsAdded: 0,
    })
    applyPlan(t, again)
    expect(snapshot(t)).toEqual(after)
  })

  it('skips a shape identical to a manual one, up to 1e-6, but adds one that differs', async () => {
    const t = await birds()
    const project = t.project
    const jobId = project.listJobs()[0]!.id
    const a = project.listImages().find((i) => i.name === 'a.jpg')!
    const dog = project.listLabels().find((l) => l.name === 'dog')!
    t.job(jobId).addShape({
      imageId: a.id,
      labelId: dog.id,
      type: 'rectangle',
      points: [1, 2, 3, 4.0000001],
    })
    const data: Dataset = {
      labels: [{ name: 'dog', attributes: [] }],
      images: [
        image('a.jpg', {
          annotations: [
            { type: 'rectangle', label: 'dog', points: [1, 2, 3, 4], attributes: {} },
            { type: 'rectangle', label: 'dog', points: [1, 2, 3, 4.01], attributes: {} },
            { type: 'polygon', label: 'dog', points: [1, 2, 3, 4, 5, 6], attributes: {} },
          ],
        }),
      ],
    }
    const plan = await planImport(data, target(t))
    expect(plan.summary).toMatchObject({ shapesAdded: 2, shapesSkipped: 1 })
    applyPlan(t, plan)
    // New shapes go above the existing one.
    const shapes = t.job(jobId).listShapes(a.id)
    expect(shapes.map((s) => [s.source, s.zOrder])).toEqual([
      ['manual', 0],
      ['import', 1],
      ['import', 2],
    ])
  })

  it('adds images the archive carries, filling jobs, and creates their job documents', async () => {
    const t = await makeProject({ labels: [{ name: 'cat' }], images: [{ name: 'old.jpg' }] })
    const bytes = [png(20, 10, 1), png(20, 10, 2), png(20, 10, 3), png(20, 10, 4)]
    const data: Dataset = {
      labels: [{ name: 'cat', attributes: [] }],
      images: bytes.map((b, i) =>
        image(`new${i}.png`, {
          width: 20,
          height: 10,
          data: b,
          annotations: [{ type: 'points', label: 'cat', points: [i, i], attributes: {} }],
        }),
      ),
    }
    // The same bytes under another name match by content instead of being added twice.
    data.images.push(image('copy.png', { width: 20, height: 10, data: bytes[0] }))
    const plan = await planImport(data, target(t), { jobSize: 2 })
    expect(plan.summary).toMatchObject({
      imagesAdded: 4,
      imagesMatched: 1,
      shapesAdded: 4,
      jobsCreated: 2,
    })
    expect(plan.newImages.map((i) => [i.name, i.width, i.height, i.mime])).toEqual([
      ['new0.png', 20, 10, 'image/png'],
      ['new1.png', 20, 10, 'image/png'],
      ['new2.png', 20, 10, 'image/png'],
      ['new3.png', 20, 10, 'image/png'],
    ])
    expect(plan.newImages[2]!.sha256).toBe(await sha(bytes[2]!))
    const created = plan.updates.filter((u) => u.created).map((u) => u.jobId)
    expect(created).toHaveLength(2)
    applyPlan(t, plan)
    const project = ProjectDocument.open(t.projectDoc)
    const jobs = project.listJobs()
    // Job 1 had one image and room for one more (jobSize 2), then Job 2 and Job 3.
    expect(jobs.map((j) => [j.name, project.jobImages(j.id).map((i) => i.name)])).toEqual([
      ['Job 1', ['new0.png', 'old.jpg']],
      ['Job 2', ['new1.png', 'new2.png']],
      ['Job 3', ['new3.png']],
    ])
    for (const job of jobs) {
      const doc = JobDocument.open(t.jobDocs.get(job.id)!, project)
      expect(doc.getMeta()).toMatchObject({ projectId: PROJECT_ID, jobId: job.id })
      expect(doc.listShapes().length).toBe(
        project.jobImages(job.id).length - (job.name === 'Job 1' ? 1 : 0),
      )
    }
  })

  it('an annotation-only import for images the project lacks fails, naming the first few', async () => {
    const t = await birds()
    const before = snapshot(t)
    const names = ['x1.jpg', 'x2.jpg', 'x3.jpg', 'x4.jpg', 'x5.jpg', 'x6.jpg', 'x7.jpg']
    const data = dataset({ images: [image('a.jpg'), ...names.map((n) => image(n))] })
    const error = await planImport(data, target(t)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FormatError)
    expect((error as Error).message).toBe(
      '(archive): expected the image files of 7 images the project does not have: "x1.jpg", "x2.jpg", "x3.jpg", "x4.jpg", "x5.jpg" and 2 more (add the images to the project first, or import an archive that carries them)',
    )
    expect(snapshot(t)).toEqual(before)
  })

  it('a shape the model rejects fails the whole import with the image and annotation', async () => {
    const t = await birds()
    const data = dataset()
    data.images[2]!.annotations.push(
      { type: 'rectangle', label: 'cat', points: [1, 2, 3, 4], attributes: {} },
      { type: 'rectangle', label: 'cat', points: [1, 2, 3], attributes: {} },
    )
    const error = await planImport(data, target(t)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FormatError)
    expect(error).toMatchObject({
      file: 'c.jpg',
      where: 'annotations[1].points',
      expected: 'expected 4 finite numbers for a rectangle',
    })
    const wrongType = dataset()
    wrongType.labels.push({ name: 'rect only', attributes: [] })
    wrongType.images[2]!.annotations.push({
      type: 'polygon',
      label: 'rect only',
      points: [1, 2, 3, 4, 5, 6],
      attributes: {},
    })
    await expect(planImport(wrongType, target(t))).rejects.toThrow(
      'c.jpg: annotations[0].labelId: label rect only (rectangle) does not allow a polygon',
    )
    const badValue = dataset()
    badValue.labels[0]!.attributes.push({ name: 'wild', type: 'checkbox', values: [] })
    badValue.images[0]!.annotations[0]!.attributes.wild = 'maybe'
    await expect(planImport(badValue, target(t))).rejects.toThrow(
      /^a\.jpg: annotations\[0\]\.attributes\.[\w-]+: expected a boolean$/,
    )
  })

  it('a bad label fails with its index and name', async () => {
    const t = await birds()
    const data = dataset()
    data.labels.push({
      name: 'weird',
      attributes: [
        { name: 'n', type: 'text', values: [] },
        { name: 'n', type: 'checkbox', values: [] },
      ],
    })
    await expect(planImport(data, target(t))).rejects.toThrow(
      '(dataset): labels[3] ("weird").attributes[1].name: duplicate attribute name',
    )
  })

  it('declares attributes and labels only seen in annotations, and reports it', async () => {
    const t = await birds()
    const data: Dataset = {
      labels: [],
      images: [
        image('a.jpg', {
          annotations: [
            {
              type: 'points',
              label: 'ghost',
              points: [1, 1],
              attributes: { truncated: true, count: 2, note: 'hi' },
            },
          ],
        }),
      ],
    }
    const plan = await planImport(data, target(t))
    applyPlan(t, plan)
    const ghost = ProjectDocument.open(t.projectDoc)
      .listLabels()
      .find((l) => l.name === 'ghost')!
    expect(ghost.type).toBe('any')
    expect(ghost.attributes.map((a) => [a.name, a.type])).toEqual([
      ['truncated', 'checkbox'],
      ['count', 'number'],
      ['note', 'text'],
    ])
    expect(plan.report).toContain(
      'labels used by annotations but not declared by the file were added as "any": "ghost"',
    )
  })

  it('maps skeleton nodes by name when the project orders them differently', async () => {
    const t = await makeProject({
      labels: [
        {
          name: 'person',
          type: 'skeleton',
          skeleton: { nodes: ['head', 'left', 'right'], edges: [[0, 1]] },
        },
      ],
      images: [{ name: 'a.jpg' }],
    })
    const data: Dataset = {
      labels: [
        {
          name: 'person',
          type: 'skeleton',
          attributes: [],
          skeleton: { nodes: ['right', 'head', 'left'], edges: [] },
        },
      ],
      images: [
        image('a.jpg', {
          annotations: [
            {
              type: 'skeleton',
              label: 'person',
              points: [30, 3, 10, 1, 20, 2],
              visibility: ['hidden', 'visible', 'occluded'],
              attributes: {},
            },
          ],
        }),
      ],
    }
    applyPlan(t, await planImport(data, target(t)))
    const jobId = t.project.listJobs()[0]!.id
    const [shape] = JobDocument.open(
      t.jobDocs.get(jobId)!,
      ProjectDocument.open(t.projectDoc),
    ).listShapes()
    expect(shape).toMatchObject({
      points: [10, 1, 20, 2, 30, 3],
      visibility: ['visible', 'occluded', 'hidden'],
    })
    data.labels[0]!.skeleton!.nodes = ['head', 'left', 'tail']
    await expect(planImport(data, target(t))).rejects.toThrow(
      `(dataset): labels[0] ("person").skeleton.nodes: expected the nodes of the project's skeleton "person" (head, left, right), got head, left, tail`,
    )
  })

  it('imports masks, and creates the document of a job that never had one', async () => {
    const t = await makeProject({ labels: [{ name: 'blob' }], images: [{ name: 'a.jpg' }] })
    const jobId = t.project.listJobs()[0]!.id
    t.jobDocs.delete(jobId) // the server registers images without creating job documents
    const bitmap = new Uint8Array([1, 0, 1, 1, 0, 1])
    const mask = bitmapToRle({ width: 3, height: 2, data: bitmap })
    const data: Dataset = {
      labels: [{ name: 'blob', attributes: [] }],
      images: [
        image('a.jpg', {
          annotations: [
            { type: 'mask', label: 'blob', points: [5, 5, 8, 7], mask, attributes: {} },
          ],
        }),
      ],
    }
    const plan = await planImport(data, {
      projectId: PROJECT_ID,
      projectDoc: t.projectDoc,
      jobDocs: () => undefined,
    })
    expect(plan.updates).toMatchObject([{ room: `job/${PROJECT_ID}/${jobId}`, created: true }])
    applyPlan(t, plan)
    const [shape] = JobDocument.open(t.jobDocs.get(jobId)!, t.project).listShapes()
    expect(shape).toMatchObject({ type: 'mask', points: [5, 5, 8, 7], mask })
  })

  it('stops when cancelled and returns nothing', async () => {
    const t = await birds()
    const signal = { aborted: false }
    const seen: string[] = []
    const promise = planImport(dataset(), target(t), {
      signal,
      onProgress: (p) => {
        seen.push(`${p.phase} ${p.done}/${p.total}`)
        if (p.phase === 'annotations') signal.aborted = true
      },
    })
    await expect(promise).rejects.toBeInstanceOf(CancelledError)
    expect(seen).toEqual([
      'match images 1/3',
      'match images 2/3',
      'match images 3/3',
      'annotations 1/3',
    ])
  })

  it('a project written by newer code is refused as read-only, not as a bad file', async () => {
    const t = await birds()
    t.projectDoc.getMap('meta').set('schemaVersion', 99)
    const error = await planImport(dataset(), target(t)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect(error).toMatchObject({ code: 'read_only' })
  })

  it('refuses a project document that is not one', async () => {
    await expect(
      planImport(dataset(), { projectId: 'p', projectDoc: new Y.Doc(), jobDocs: new Map() }),
    ).rejects.toThrow('meta: expected a project document, found an empty one')
  })
})
