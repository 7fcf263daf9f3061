import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { replica, sampleProject, sync } from './__fixtures__/helpers'
import { JobDocument } from './job'
import { ProjectDocument } from './project'
import { createLocalUndoManager } from './undo'

function twoPeers() {
  const project = sampleProject()
  const jobId = project.getImage('img1')!.jobId
  const a = JobDocument.create(new Y.Doc(), { projectId: 'p', jobId }, project, { userId: 'alice' })
  a.addShape({
    id: 's1',
    imageId: 'img1',
    labelId: 'car',
    type: 'rectangle',
    points: [0, 0, 10, 10],
  })
  const b = JobDocument.open(replica(a.doc), project, { userId: 'bob' })
  return { a, b }
}

describe('local undo', () => {
  it("undoes A's edit on A but never B's", () => {
    const { a, b } = twoPeers()
    const undo = createLocalUndoManager(a, { captureTimeout: 0 })
    a.updateShape('s1', { points: [5, 5, 15, 15] })
    b.setAttribute('s1', 'color', 'blue')
    b.addShape({
      id: 's2',
      imageId: 'img1',
      labelId: 'box',
      type: 'rectangle',
      points: [1, 1, 2, 2],
    })
    sync(a.doc, b.doc)
    expect(undo.canUndo()).toBe(true)
    expect(undo.undo()).toBe(true)
    sync(a.doc, b.doc)
    for (const job of [a, b]) {
      expect(job.getShape('s1')).toMatchObject({
        points: [0, 0, 10, 10],
        attributes: { color: 'blue' },
      })
      expect(job.getShape('s2')).toBeDefined()
    }
    expect(undo.undo()).toBe(false)
    expect(undo.redo()).toBe(true)
    sync(a.doc, b.doc)
    expect(b.getShape('s1')!.points).toEqual([5, 5, 15, 15])
  })

  it("does not overwrite a collaborator's later change of the same field", () => {
    const { a, b } = twoPeers()
    const undo = createLocalUndoManager(a, { captureTimeout: 0 })
    a.updateShape('s1', { points: [5, 5, 15, 15] })
    sync(a.doc, b.doc)
    b.updateShape('s1', { points: [7, 7, 17, 17] })
    sync(a.doc, b.doc)
    undo.undo()
    sync(a.doc, b.doc)
    expect(a.getShape('s1')!.points).toEqual([7, 7, 17, 17])
    expect(b.getShape('s1')!.points).toEqual([7, 7, 17, 17])
  })

  it('does not track remote, import, migration or server writes', () => {
    const { a, b } = twoPeers()
    const undo = createLocalUndoManager(a)
    const project = a.project
    b.setAttribute('s1', 'plate', 'remote')
    sync(a.doc, b.doc)
    const importer = JobDocument.open(a.doc, project, { origin: 'import' })
    importer.addShape({ imageId: 'img1', labelId: 'box', type: 'rectangle', points: [0, 0, 1, 1] })
    const server = JobDocument.open(a.doc, project, { origin: 'server' })
    server.deleteShape('s1')
    expect(undo.canUndo()).toBe(false)
    expect(undo.undo()).toBe(false)
    expect(a.getShape('s1')).toBeUndefined()
    expect(a.listShapes()).toHaveLength(1)
  })

  it('makes each gesture one step and merges edits within a gesture', () => {
    const { a } = twoPeers()
    const undo = createLocalUndoManager(a, { captureTimeout: 60_000 })
    undo.beginGesture()
    for (let x = 1; x <= 5; x++) a.updateShape('s1', { points: [x, x, 10, 10] })
    undo.beginGesture()
    a.setAttribute('s1', 'parked', true)
    undo.undo()
    expect(a.getShape('s1')).toMatchObject({
      points: [5, 5, 10, 10],
      attributes: { parked: false },
    })
    undo.undo()
    expect(a.getShape('s1')!.points).toEqual([0, 0, 10, 10])
  })

  it('undoes the creation of a shape added by this peer', () => {
    const { a, b } = twoPeers()
    const undo = createLocalUndoManager(b)
    const shape = b.addShape({
      imageId: 'img1',
      labelId: 'box',
      type: 'rectangle',
      points: [1, 1, 2, 2],
    })
    const stack: number[] = []
    const off = undo.onChange(() => stack.push(1))
    undo.undo()
    off()
    sync(a.doc, b.doc)
    expect(a.getShape(shape.id)).toBeUndefined()
    expect(b.getShape(shape.id)).toBeUndefined()
    expect(stack.length).toBeGreaterThan(0)
  })

  it('works on the project document too', () => {
    const doc = new Y.Doc()
    const project = ProjectDocument.create(doc, { name: 'P', labels: [{ id: 'a', name: 'a' }] })
    const other = ProjectDocument.open(replica(doc), { userId: 'bob' })
    const undo = createLocalUndoManager(project)
    project.renameLabel('a', 'renamed')
    other.recolorLabel('a', '#123456')
    sync(doc, other.doc)
    undo.undo()
    expect(project.getLabel('a')).toMatchObject({ name: 'a', color: '#123456' })
    undo.destroy()
  })
})
