import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { SHA_A, SHA_B, steppingClock } from './__fixtures__/helpers'
import { ModelError } from './errors'
import { ProjectDocument } from './project'
import { SCHEMA_VERSION } from './schema'

const sha = (n: number) => n.toString(16).padStart(64, '0')

function caught(fn: () => unknown): ModelError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModelError) return error
    throw error
  }
  throw new Error('expected a ModelError')
}

describe('ProjectDocument.create', () => {
  it('writes meta and labels, readable through a fresh wrapper of a synced copy', () => {
    const doc = new Y.Doc()
    ProjectDocument.create(doc, {
      name: ' Streets ',
      createdAt: '2025-02-03T04:05:06.000Z',
      labels: [{ name: 'car', color: '#AABBCC' }, { name: 'sign' }],
    })
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    const project = ProjectDocument.open(copy)
    expect(project.getMeta()).toEqual({
      schemaVersion: SCHEMA_VERSION,
      name: 'Streets',
      createdAt: '2025-02-03T04:05:06.000Z',
    })
    expect(copy.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSION)
    const labels = project.listLabels()
    expect(labels.map((l) => [l.name, l.color, l.type])).toEqual([
      ['car', '#aabbcc', 'any'],
      ['sign', expect.stringMatching(/^#[0-9a-f]{6}$/), 'any'],
    ])
    expect(project.readOnly).toBe(false)
    expect(project.migration?.applied).toEqual([])
  })

  it('writes nothing when any input is invalid', () => {
    const doc = new Y.Doc()
    const error = caught(() =>
      ProjectDocument.create(doc, {
        name: 'P',
        labels: [{ name: 'ok' }, { name: 'bad', color: 'red' }],
      }),
    )
    expect(error.path).toBe('labels[1].color')
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(new Y.Doc()))
    expect(caught(() => ProjectDocument.create(doc, { name: '' })).path).toBe('meta.name')
    expect(
      caught(() => ProjectDocument.create(doc, { name: 'a', createdAt: 'yesterday' })).path,
    ).toBe('meta.createdAt')
    expect(
      caught(() =>
        ProjectDocument.create(doc, { name: 'a', labels: [{ name: 'x' }, { name: 'x' }] }),
      ).code,
    ).toBe('duplicate')
    expect(doc.getMap('meta').size).toBe(0)
  })

  it('refuses to overwrite an existing document and to open an empty one', () => {
    const doc = new Y.Doc()
    ProjectDocument.create(doc, { name: 'P' })
    expect(caught(() => ProjectDocument.create(doc, { name: 'Q' })).code).toBe('invalid_document')
    expect(caught(() => ProjectDocument.open(new Y.Doc())).code).toBe('invalid_document')
  })

  it('runs writes with the configured origin', () => {
    const doc = new Y.Doc()
    const origins: unknown[] = []
    doc.on('afterTransaction', (t: Y.Transaction) => origins.push(t.origin))
    const project = ProjectDocument.create(doc, { name: 'P' }, { origin: 'import' })
    project.addLabel({ name: 'x' })
    expect(origins).toEqual(['import', 'import'])
    const local = ProjectDocument.open(doc)
    local.addLabel({ name: 'y' })
    expect(origins.at(-1)).toBe('local')
  })
})

describe('labels', () => {
  it('adds, renames, recolours, retypes and deletes labels, stamping who and when', () => {
    const doc = new Y.Doc()
    const project = ProjectDocument.create(
      doc,
      { name: 'P' },
      { userId: 'bob', clock: steppingClock() },
    )
    const label = project.addLabel({
      name: 'car',
      attributes: [
        { name: 'color', type: 'select', values: ['red', 'blue'] },
        { name: 'parked', type: 'checkbox', default: true },
        { name: 'speed', type: 'number', values: [0, 100, 5] },
        { name: 'plate', type: 'text' },
        { name: 'side', type: 'radio', values: ['l', 'r'], default: 'r' },
      ],
    })
    expect(project.getLabel(label.id)).toEqual(label)
    expect(label.attributes.map((a) => [a.type, a.default])).toEqual([
      ['select', 'red'],
      ['checkbox', true],
      ['number', 0],
      ['text', ''],
      ['radio', 'r'],
    ])
    project.renameLabel(label.id, 'vehicle')
    project.recolorLabel(label.id, '#00FF00')
    project.updateLabel(label.id, { type: 'polygon' })
    expect(project.getLabel(label.id)).toMatchObject({
      name: 'vehicle',
      color: '#00ff00',
      type: 'polygon',
    })
    const map = project.labels.get(label.id) as Y.Map<unknown>
    expect(map.get('updatedBy')).toBe('bob')
    expect(map.get('updatedAt')).toBe('2025-01-01T00:00:04.000Z')
    project.deleteLabel(label.id)
    expect(project.getLabel(label.id)).toBeUndefined()
    expect(caught(() => project.deleteLabel(label.id)).code).toBe('not_found')
  })

  it('rejects duplicate names, bad patches and skeletons without nodes', () => {
    const project = ProjectDocument.create(new Y.Doc(), {
      name: 'P',
      labels: [
        { id: 'a', name: 'a' },
        { id: 'b', name: 'b' },
      ],
    })
    expect(caught(() => project.renameLabel('b', 'a')).code).toBe('duplicate')
    expect(caught(() => project.addLabel({ id: 'a', name: 'c' })).code).toBe('duplicate')
    expect(caught(() => project.recolorLabel('a', '#12345')).path).toBe('labels.a.color')
    expect(caught(() => project.updateLabel('a', { type: 'cube' as never })).path).toBe(
      'labels.a.type',
    )
    expect(caught(() => project.updateLabel('a', { type: 'skeleton' })).path).toBe(
      'labels.a.skeleton',
    )
    expect(caught(() => project.addLabel({ name: 'x', unknown: 1 } as never)).code).toBe(
      'invalid_input',
    )
    const s = project.addLabel({
      name: 'pose',
      type: 'skeleton',
      skeleton: { nodes: ['a', 'b'], edges: [[0, 1]] },
    })
    expect(project.getLabel(s.id)?.skeleton).toEqual({ nodes: ['a', 'b'], edges: [[0, 1]] })
    expect(
      caught(() =>
        project.addLabel({
          name: 'y',
          type: 'skeleton',
          skeleton: { nodes: ['a'], edges: [[0, 1]] },
        }),
      ).path,
    ).toBe('labels.skeleton.edges[0]')
    expect(project.listLabels().map((l) => l.name)).toEqual(['a', 'b', 'pose'])
  })

  it('reads labels tolerantly: unknown fields ignored, malformed attributes skipped', () => {
    const doc = new Y.Doc()
    const project = ProjectDocument.create(doc, { name: 'P', labels: [{ id: 'a', name: 'a' }] })
    const map = project.labels.get('a') as Y.Map<unknown>
    map.set('futureField', { x: 1 })
    map.set('type', 'skeleton')
    map.set('skeleton', { nodes: ['n'], edges: [], style: 'future' })
    map.set('attributes', [
      { id: 'ok', name: 'ok', type: 'text', values: [], default: '', extra: true },
      { id: 'bad' },
    ])
    expect(project.getLabel('a')?.attributes.map((a) => a.id)).toEqual(['ok'])
    expect(project.getLabel('a')?.skeleton).toEqual({ nodes: ['n'], edges: [] })
  })
})

describe('images and jobs', () => {
  it('fills the newest job up to jobSize, then opens new jobs named Job N', () => {
    const project = ProjectDocument.create(new Y.Doc(), { name: 'P' }, { clock: steppingClock() })
    const first = project.addImages(
      Array.from({ length: 5 }, (_, i) => ({
        name: `img${i + 1}.png`,
        sha256: sha(i),
        width: 10,
        height: 10,
      })),
      { jobSize: 2 },
    )
    const jobs = project.listJobs()
    expect(jobs.map((j) => [j.name, j.state, j.assignee])).toEqual([
      ['Job 1', 'new', ''],
      ['Job 2', 'new', ''],
      ['Job 3', 'new', ''],
    ])
    expect(first.map((i) => jobs.findIndex((j) => j.id === i.jobId))).toEqual([0, 0, 1, 1, 2])
    const more = project.addImages(
      [
        { name: 'img6.png', sha256: sha(6), width: 1, height: 1 },
        { name: 'img7.png', sha256: sha(7), width: 1, height: 1 },
      ],
      { jobSize: 2 },
    )
    const after = project.listJobs()
    expect(after.map((j) => j.name)).toEqual(['Job 1', 'Job 2', 'Job 3', 'Job 4'])
    expect(more.map((i) => i.jobId)).toEqual([after[2]?.id, after[3]?.id])
  })

  it('uses 100 images per job by default', () => {
    const project = ProjectDocument.create(new Y.Doc(), { name: 'P' })
    const images = project.addImages(
      Array.from({ length: 250 }, (_, i) => ({
        name: `f${i}.jpg`,
        sha256: sha(i),
        width: 4,
        height: 3,
      })),
    )
    expect(project.listJobs().map((j) => project.jobImages(j.id).length)).toEqual([100, 100, 50])
    expect(new Set(images.map((i) => i.id)).size).toBe(250)
  })

  it('lists a job images in natural order of name', () => {
    const project = ProjectDocument.create(new Y.Doc(), { name: 'P' })
    const names = ['frame10.png', 'frame2.png', 'frame1.png']
    const [image] = project.addImages(
      names.map((name, i) => ({ name, sha256: sha(i), width: 2, height: 2 })),
    )
    expect(project.jobImages(image!.jobId).map((i) => i.name)).toEqual([
      'frame1.png',
      'frame2.png',
      'frame10.png',
    ])
  })

  it('returns the existing record for an image with the same sha256 and name', () => {
    const project = ProjectDocument.create(new Y.Doc(), { name: 'P' })
    const [a] = project.addImages([{ name: 'a.png', sha256: SHA_A, width: 3, height: 4 }])
    const again = project.addImages([
      { name: 'a.png', sha256: SHA_A, width: 3, height: 4 },
      { name: 'copy-of-a.png', sha256: SHA_A, width: 3, height: 4 },
      { name: 'b.png', sha256: SHA_B, width: 3, height: 4 },
      { name: 'b.png', sha256: SHA_B, width: 3, height: 4 },
    ])
    expect(again[0]).toEqual(a)
    expect(again[1]?.id).not.toBe(a?.id)
    expect(again[3]).toEqual(again[2])
    expect(project.listImages()).toHaveLength(3)
  })

  it('validates every image before writing any', () => {
    const doc = new Y.Doc()
    const project = ProjectDocument.create(doc, { name: 'P' })
    const before = Y.encodeStateVector(doc)
    const error = caught(() =>
      project.addImages([
        { name: 'ok.png', sha256: SHA_A, width: 1, height: 1 },
        { name: 'bad.png', sha256: SHA_B, width: 0, height: 1 },
      ]),
    )
    expect(error.message).toMatch(/^images\[1\]\.width: expected a positive integer/)
    expect(
      caught(() => project.addImages([{ name: 'x', sha256: 'XYZ', width: 1, height: 1 }])).path,
    ).toBe('images[0].sha256')
    expect(caught(() => project.addImages([], { jobSize: 0 })).path).toBe('options.jobSize')
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })

  it('updates jobs and moves images between them', () => {
    const project = ProjectDocument.create(new Y.Doc(), { name: 'P' }, { userId: 'mgr' })
    const [a, b] = project.addImages(
      [
        { name: 'a', sha256: SHA_A, width: 1, height: 1 },
        { name: 'b', sha256: SHA_B, width: 1, height: 1 },
      ],
      { jobSize: 1 },
    )
    project.updateJob(a!.jobId, { assignee: 'ann', state: 'in_progress' })
    expect(project.getJob(a!.jobId)).toMatchObject({
      assignee: 'ann',
      state: 'in_progress',
      name: 'Job 1',
    })
    expect(caught(() => project.updateJob(a!.jobId, { state: 'finished' as never })).path).toBe(
      `jobs.${a!.jobId}.state`,
    )
    project.moveImages([b!.id], a!.jobId)
    expect(project.jobImages(a!.jobId).map((i) => i.name)).toEqual(['a', 'b'])
    expect(project.jobImages(b!.jobId)).toEqual([])
  })
})
