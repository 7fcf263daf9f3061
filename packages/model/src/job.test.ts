import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { sampleProject, steppingClock } from './__fixtures__/helpers'
import { ModelError } from './errors'
import { JobDocument } from './job'
import type { LabelLookup } from './project'
import type { ShapeInput } from './shapes'

function caught(fn: () => unknown): ModelError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModelError) return error
    throw error
  }
  throw new Error('expected a ModelError')
}

function setup(userId = 'alice') {
  const project = sampleProject()
  const jobId = project.getImage('img1')!.jobId
  const doc = new Y.Doc()
  const job = JobDocument.create(doc, { projectId: 'p1', jobId }, project, {
    userId,
    clock: steppingClock(),
  })
  return { project, job, doc }
}

const everyType: ShapeInput[] = [
  { imageId: 'img1', labelId: 'car', type: 'rectangle', points: [1, 2, 3, 4], rotation: 45 },
  { imageId: 'img1', labelId: 'car', type: 'polygon', points: [0, 0, 10, 0, 10, 10] },
  { imageId: 'img1', labelId: 'car', type: 'polyline', points: [0, 0, 10, 10] },
  { imageId: 'img1', labelId: 'car', type: 'points', points: [5, 5] },
  { imageId: 'img1', labelId: 'car', type: 'ellipse', points: [50, 40, 10, 5] },
  {
    imageId: 'img1',
    labelId: 'car',
    type: 'mask',
    points: [10, 10, 13, 12],
    mask: { size: [2, 3], counts: [1, 4, 1] },
  },
  {
    imageId: 'img1',
    labelId: 'person',
    type: 'skeleton',
    points: [1, 1, 2, 2, 3, 3],
    visibility: ['visible', 'occluded', 'hidden'],
  },
]

describe('shapes', () => {
  it('adds a shape of every type and reads it back from a synced copy', () => {
    const { project, job, doc } = setup()
    const added = everyType.map((input) => job.addShape(input))
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    const reopened = JobDocument.open(copy, project)
    expect(reopened.listShapes('img1')).toEqual(added)
    expect(added.map((s) => s.zOrder)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(added[0]).toMatchObject({
      rotation: 45,
      source: 'manual',
      createdBy: 'alice',
      updatedBy: 'alice',
    })
    expect(added[5]?.mask).toEqual({ size: [2, 3], counts: [1, 4, 1] })
    expect(added[6]?.visibility).toEqual(['visible', 'occluded', 'hidden'])
    expect(reopened.listShapes('img2')).toEqual([])
  })

  it('stores geometry as one plain array and attributes as a Y.Map', () => {
    const { job } = setup()
    const shape = job.addShape(everyType[1]!)
    const map = job.shapes.get(shape.id) as Y.Map<unknown>
    expect(Array.isArray(map.get('points'))).toBe(true)
    expect(map.get('attributes')).toBeInstanceOf(Y.Map)
  })

  it('fills attribute defaults and validates given values', () => {
    const { job } = setup()
    const shape = job.addShape({ ...everyType[0]!, attributes: { color: 'blue', plate: 'AB-12' } })
    expect(shape.attributes).toEqual({
      color: 'blue',
      kind: 'van',
      parked: false,
      speed: 50,
      plate: 'AB-12',
    })
    const bad = caught(() =>
      job.addShape({ ...everyType[0]!, id: 's9', attributes: { speed: 500 } }),
    )
    expect(bad.message).toBe('shapes.s9.attributes.speed: expected a number in [0, 200]')
    expect(
      caught(() => job.addShape({ ...everyType[0]!, id: 's9', attributes: { nope: 1 } })).code,
    ).toBe('unknown_attribute')
  })

  it.each([
    [{ labelId: 'ghost' }, 'unknown_label', 'shapes.s1.labelId'],
    [
      { labelId: 'box', type: 'polygon', points: [0, 0, 1, 1, 2, 0] },
      'label_type_mismatch',
      'shapes.s1.labelId',
    ],
    [
      { labelId: 'car', type: 'skeleton', points: [0, 0] },
      'label_type_mismatch',
      'shapes.s1.labelId',
    ],
    [{ imageId: 'nope' }, 'unknown_image', 'shapes.s1.imageId'],
    [{ points: [1, 2, 3] }, 'invalid_geometry', 'shapes.s1.points'],
    [{ points: [1, 2, 3, Infinity] }, 'invalid_geometry', 'shapes.s1.points[3]'],
    [{ zOrder: 1.5 }, 'invalid_input', 'shapes.s1.zOrder'],
    [{ source: 'magic' }, 'invalid_input', 'shapes.s1.source'],
    [{ extra: true }, 'invalid_input', 'shapes.s1'],
  ])('rejects %j with %s at %s and writes nothing', (change, code, path) => {
    const { job, doc } = setup()
    const before = Y.encodeStateVector(doc)
    const error = caught(() =>
      job.addShape({ ...everyType[0]!, id: 's1', ...change } as ShapeInput),
    )
    expect([error.code, error.path]).toEqual([code, path])
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('rejects images of another job', () => {
    const project = sampleProject()
    project.addImages(
      [{ id: 'far', name: 'far.png', sha256: 'c'.repeat(64), width: 1, height: 1 }],
      { jobSize: 1 },
    )
    const job = JobDocument.create(
      new Y.Doc(),
      { projectId: 'p', jobId: project.getImage('img1')!.jobId },
      project,
    )
    const error = caught(() => job.addShape({ ...everyType[0]!, imageId: 'far' }))
    expect(error.code).toBe('unknown_image')
  })

  it('accepts a bare label lookup without image checks', () => {
    const labels = sampleProject()
    const lookup: LabelLookup = { getLabel: (id) => labels.getLabel(id) }
    const job = JobDocument.create(new Y.Doc(), { projectId: 'p', jobId: 'j' }, lookup)
    expect(job.addShape({ ...everyType[0]!, imageId: 'anywhere' }).imageId).toBe('anywhere')
  })

  it('updates only the given fields and restamps', () => {
    const { job } = setup('alice')
    const shape = job.addShape(everyType[0]!)
    const updated = job.updateShape(shape.id, { points: [9, 9, 0, 0], occluded: true })
    expect(updated).toMatchObject({
      points: [0, 0, 9, 9],
      occluded: true,
      rotation: 45,
      labelId: 'car',
    })
    expect(updated.updatedAt).not.toBe(shape.updatedAt)
    expect(job.setAttribute(shape.id, 'parked', true).attributes.parked).toBe(true)
    expect(caught(() => job.setAttribute(shape.id, 'parked', 'yes')).path).toBe(
      `shapes.${shape.id}.attributes.parked`,
    )
    expect(caught(() => job.updateShape(shape.id, { points: [1, 2] })).path).toBe(
      `shapes.${shape.id}.points`,
    )
    expect(caught(() => job.updateShape('missing', { zOrder: 1 })).code).toBe('not_found')
    expect(job.getShape(shape.id)).toEqual({
      ...updated,
      attributes: { ...updated.attributes, parked: true },
      updatedAt: expect.any(String),
    })
  })

  it('relabels, keeping only values that fit the new label', () => {
    const { job } = setup()
    const shape = job.addShape({ ...everyType[0]!, attributes: { speed: 10 } })
    const truck = job.updateShape(shape.id, { labelId: 'truck', attributes: { axles: 3 } })
    expect(truck.labelId).toBe('truck')
    expect(truck.attributes).toEqual({ axles: 3 })
    const box = job.updateShape(shape.id, { labelId: 'box' })
    expect(box.attributes).toEqual({})
    const polygon = job.addShape(everyType[1]!)
    expect(caught(() => job.updateShape(polygon.id, { labelId: 'box' })).code).toBe(
      'label_type_mismatch',
    )
    expect(job.getShape(polygon.id)?.labelId).toBe('car')
  })

  it('moves masks with their RLE and checks the box still fits', () => {
    const { job } = setup()
    const mask = job.addShape(everyType[5]!)
    expect(job.updateShape(mask.id, { points: [20, 20, 23, 22] }).points).toEqual([20, 20, 23, 22])
    expect(caught(() => job.updateShape(mask.id, { points: [20, 20, 24, 22] })).path).toBe(
      `shapes.${mask.id}.mask.size`,
    )
    const resized = job.updateShape(mask.id, {
      points: [0, 0, 1, 1],
      mask: { size: [1, 1], counts: [0, 1] },
    })
    expect(resized.mask).toEqual({ size: [1, 1], counts: [0, 1] })
  })

  it('deletes shapes', () => {
    const { job } = setup()
    const shape = job.addShape(everyType[3]!)
    job.deleteShape(shape.id)
    expect(job.getShape(shape.id)).toBeUndefined()
    expect(caught(() => job.deleteShape(shape.id)).code).toBe('not_found')
  })

  it('reads shapes tolerantly', () => {
    const { job } = setup()
    const shape = job.addShape(everyType[0]!)
    const map = job.shapes.get(shape.id) as Y.Map<unknown>
    map.set('fromTheFuture', [1, 2, 3])
    expect(job.getShape(shape.id)).toEqual(shape)
    job.doc.transact(() => job.shapes.set('junk', 'not a map'))
    expect(job.listShapes()).toEqual([shape])
  })
})

describe('tags', () => {
  it('tags images with labels of type any and edits their attributes', () => {
    const { job } = setup()
    const tag = job.addTag({ imageId: 'img1', labelId: 'truck', attributes: { axles: 2 } })
    expect(job.listTags('img1')).toEqual([tag])
    expect(job.updateTag(tag.id, { attributes: { axles: 4 } }).attributes).toEqual({ axles: 4 })
    expect(job.updateTag(tag.id, { labelId: 'car' }).attributes).toMatchObject({
      color: 'red',
      speed: 50,
    })
    expect(caught(() => job.addTag({ imageId: 'img1', labelId: 'box' })).code).toBe(
      'label_type_mismatch',
    )
    expect(caught(() => job.updateTag(tag.id, { attributes: { color: 'green' } })).code).toBe(
      'invalid_attribute_value',
    )
    job.deleteTag(tag.id)
    expect(job.listTags()).toEqual([])
  })
})

describe('comments', () => {
  it('pins comments to image points, with replies, resolution and shape links', () => {
    const { job } = setup('rev')
    const shape = job.addShape(everyType[0]!)
    const issue = job.addComment({
      imageId: 'img1',
      position: [10, 20],
      text: 'wrong label',
      shapeId: shape.id,
    })
    const reply = job.addComment({
      imageId: 'img1',
      position: [10, 20],
      text: 'fixed',
      replyTo: issue.id,
    })
    expect(job.listComments('img1').map((c) => c.text)).toEqual(['wrong label', 'fixed'])
    expect(job.updateComment(issue.id, { resolved: true })).toMatchObject({
      resolved: true,
      createdBy: 'rev',
      shapeId: shape.id,
    })
    expect(reply.replyTo).toBe(issue.id)
    expect(
      caught(() => job.addComment({ imageId: 'img1', position: [NaN, 0], text: 'x' })).path,
    ).toMatch(/^comments\.position/)
    expect(
      caught(() => job.addComment({ imageId: 'img1', position: [0, 0], text: ' ' })).path,
    ).toBe('comments.text')
    expect(
      caught(() =>
        job.addComment({ imageId: 'img2', position: [0, 0], text: 'x', replyTo: issue.id }),
      ).path,
    ).toBe('comments.replyTo')
    job.deleteComment(reply.id)
    expect(job.listComments().map((c) => c.id)).toEqual([issue.id])
  })
})

describe('onChange', () => {
  it('fires once per transaction with its origin', () => {
    const { job } = setup()
    const origins: unknown[] = []
    const off = job.onChange((origin) => origins.push(origin))
    job.addShape(everyType[0]!)
    job.doc.getMap('unrelated').set('x', 1)
    off()
    job.addShape(everyType[1]!)
    expect(origins).toEqual(['local'])
  })
})
