import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { docFromBase64, replica, sync } from './__fixtures__/helpers'
import jobV0 from './__fixtures__/job-v0.json'
import projectV0 from './__fixtures__/project-v0.json'
import { ModelError } from './errors'
import { JobDocument } from './job'
import { MIGRATIONS, migrate, readSchemaVersion, type Migration } from './migrations'
import { ProjectDocument } from './project'
import { SCHEMA_VERSION } from './schema'

function caught(fn: () => unknown): ModelError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModelError) return error
    throw error
  }
  throw new Error('expected a ModelError')
}

function transactions(doc: Y.Doc): unknown[] {
  const origins: unknown[] = []
  doc.on('afterTransaction', (t: Y.Transaction) => origins.push(t.origin))
  return origins
}

describe('migration steps', () => {
  it('form a chain from 0 up to SCHEMA_VERSION with unique names', () => {
    expect(MIGRATIONS.map((m) => m.from)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i),
    )
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length)
  })
})

describe('v0 project fixture', () => {
  it('is a real v0 document', () => {
    const doc = docFromBase64(projectV0.update)
    expect(readSchemaVersion(doc, 'project')).toBe(0)
    expect((doc.getMap('labels').get('car') as Y.Map<unknown>).get('colour')).toBe('#FF0000')
  })

  it('opens migrated to the current version in one migration transaction', () => {
    const doc = docFromBase64(projectV0.update)
    const origins = transactions(doc)
    const project = ProjectDocument.open(doc, { userId: 'me' })
    expect(origins).toEqual(['migration'])
    expect(project.migration).toEqual({
      from: 0,
      to: SCHEMA_VERSION,
      applied: [MIGRATIONS[0]!.name],
    })
    expect(project.getMeta()).toEqual({
      schemaVersion: SCHEMA_VERSION,
      name: 'Legacy project',
      createdAt: '2024-03-01T10:00:00.000Z',
    })
    expect(project.getLabel('car')).toMatchObject({ color: '#ff0000', type: 'rectangle' })
    expect((doc.getMap('labels').get('car') as Y.Map<unknown>).has('colour')).toBe(false)
    expect(project.jobImages('j1').map((i) => i.name)).toEqual(['street-2.jpg', 'street-10.jpg'])
    expect(project.getJob('j1')).toMatchObject({
      name: 'Job 1',
      assignee: 'ann',
      state: 'in_progress',
    })
    expect(project.readOnly).toBe(false)
    project.addLabel({ name: 'bike' })
  })

  it('migrates to the same state on two peers that migrate concurrently', () => {
    const a = docFromBase64(projectV0.update)
    const b = docFromBase64(projectV0.update)
    ProjectDocument.open(a)
    ProjectDocument.open(b)
    sync(a, b)
    expect(a.getMap('labels').toJSON()).toEqual(b.getMap('labels').toJSON())
    expect(ProjectDocument.open(a).getLabel('weather')?.color).toBe('#00ff00')
    expect(ProjectDocument.open(a).migration?.applied).toEqual([])
  })
})

describe('v0 job fixture', () => {
  it('turns legacy geometry into one plain array and attributes into a Y.Map', () => {
    const project = ProjectDocument.open(docFromBase64(projectV0.update))
    const doc = docFromBase64(jobV0.update)
    expect(readSchemaVersion(doc, 'job')).toBe(0)
    expect((doc.getMap('shapes').get('s1') as Y.Map<unknown>).get('points')).toBeInstanceOf(Y.Array)
    const origins = transactions(doc)
    const job = JobDocument.open(doc, project, { userId: 'me' })
    expect(origins).toEqual(['migration'])
    const map = doc.getMap('shapes').get('s1') as Y.Map<unknown>
    expect(map.get('points')).toEqual([10, 20, 110, 220])
    expect(map.get('attributes')).toBeInstanceOf(Y.Map)
    expect(job.getShape('s1')).toMatchObject({
      labelId: 'car',
      attributes: { color: 'blue' },
      createdBy: 'ann',
    })
    expect(job.getTag('t1')).toMatchObject({ labelId: 'weather', imageId: 'img2' })
    expect(job.setAttribute('s1', 'color', 'red').attributes.color).toBe('red')
  })
})

describe('migration runner', () => {
  const failing: Migration = {
    name: 'explodes',
    from: 0,
    up(doc) {
      doc.getMap('labels').clear()
      throw new Error('boom')
    },
  }

  it('leaves the document untouched when a step fails', () => {
    const doc = docFromBase64(projectV0.update)
    const before = Y.encodeStateAsUpdate(doc)
    const origins = transactions(doc)
    const error = caught(() => migrate(doc, 'project', [failing], 1))
    expect(error.code).toBe('migration_failed')
    expect(error.message).toContain('boom')
    expect(origins).toEqual([])
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })

  it('reports a missing step', () => {
    const doc = docFromBase64(projectV0.update)
    expect(caught(() => migrate(doc, 'project', MIGRATIONS, SCHEMA_VERSION + 1)).message).toContain(
      `no migration from version ${SCHEMA_VERSION}`,
    )
  })

  it('runs several steps in order, in one transaction', () => {
    const doc = docFromBase64(projectV0.update)
    const origins = transactions(doc)
    const rename: Migration = {
      name: 'v2-rename-project',
      from: 1,
      up(d) {
        d.getMap('meta').set('name', `${String(d.getMap('meta').get('name'))} (v2)`)
      },
    }
    const result = migrate(doc, 'project', [...MIGRATIONS, rename], 2)
    expect(result.applied).toEqual([MIGRATIONS[0]!.name, 'v2-rename-project'])
    expect(origins).toEqual(['migration'])
    expect(doc.getMap('meta').toJSON()).toMatchObject({
      schemaVersion: 2,
      name: 'Legacy project (v2)',
    })
  })
})

describe('a document newer than the code', () => {
  function futureProject() {
    const doc = new Y.Doc()
    ProjectDocument.create(doc, { name: 'Future', labels: [{ id: 'a', name: 'a' }] })
    doc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1)
    return doc
  }

  it('opens read-only without migrating, and every write throws read_only', () => {
    const doc = futureProject()
    const before = Y.encodeStateAsUpdate(doc)
    const project = ProjectDocument.open(replica(doc))
    expect(project.readOnly).toBe(true)
    expect(project.listLabels().map((l) => l.name)).toEqual(['a'])
    const writes = [
      () => project.addLabel({ name: 'b' }),
      () => project.renameLabel('a', 'c'),
      () => project.deleteLabel('a'),
      () => project.addImages([{ name: 'x', sha256: 'a'.repeat(64), width: 1, height: 1 }]),
      () => project.setName('x'),
    ]
    for (const write of writes) expect(caught(write).code).toBe('read_only')
    expect(Y.encodeStateAsUpdate(project.doc)).toEqual(before)
  })

  it('makes job writes throw read_only too, even with invalid input', () => {
    const project = ProjectDocument.open(futureProject())
    const doc = new Y.Doc()
    JobDocument.create(doc, { projectId: 'p', jobId: 'j' }, project)
    doc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 5)
    const job = JobDocument.open(doc, project)
    expect(job.readOnly).toBe(true)
    const bad = { imageId: 'i', labelId: 'a', type: 'rectangle' as const, points: [] }
    expect(caught(() => job.addShape(bad)).code).toBe('read_only')
    expect(caught(() => job.deleteShape('s')).code).toBe('read_only')
    expect(caught(() => job.addComment({ imageId: 'i', position: [0, 0], text: 'x' })).code).toBe(
      'read_only',
    )
  })

  it('becomes read-only when a newer peer upgrades the document while it is open', () => {
    const doc = new Y.Doc()
    const project = ProjectDocument.create(doc, { name: 'P' })
    const newer = replica(doc)
    newer.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1)
    sync(doc, newer)
    expect(project.readOnly).toBe(true)
    expect(caught(() => project.addLabel({ name: 'late' })).code).toBe('read_only')
  })
})
