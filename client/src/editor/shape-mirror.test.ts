import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { JobDocument } from '@loupe/model'
import { setupEditor } from './__fixtures__/editor'

describe('shape mirror', () => {
  it('sends only the changed shape to the canvas on a remote edit, and reorders on zOrder', () => {
    const { job, project, canvas } = setupEditor()
    const a = job.addShape({
      imageId: 'img1',
      labelId: 'car',
      type: 'rectangle',
      points: [0, 0, 10, 10],
    })
    job.addShape({ imageId: 'img1', labelId: 'car', type: 'rectangle', points: [20, 20, 30, 30] })
    job.addShape({ imageId: 'img2', labelId: 'car', type: 'rectangle', points: [1, 1, 2, 2] })
    expect(canvas.shapes).toHaveLength(2)
    const before = canvas.shapes
    // A second peer moves shape a.
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(job.doc))
    const other = JobDocument.open(peer, project, { userId: 'bob' })
    peer.on('update', (u: Uint8Array) => Y.applyUpdate(job.doc, u, 'remote'))
    const sets = canvas.setShapeCalls
    other.updateShape(a.id, { points: [5, 5, 15, 15] })
    expect(canvas.setShapeCalls).toBe(sets)
    expect(canvas.updateShapeCalls).toBe(1)
    expect(canvas.shapes[0]?.points).toEqual([5, 5, 15, 15])
    expect(canvas.shapes[1]).toBe(before[1])
    other.updateShape(a.id, { zOrder: 10 })
    expect(canvas.shapes.map((s) => s.points[0])).toEqual([20, 5])
    other.deleteShape(a.id)
    expect(canvas.shapes).toHaveLength(1)
  })

  it('recolours on a label change', () => {
    const { job, project, canvas } = setupEditor()
    job.addShape({ imageId: 'img1', labelId: 'car', type: 'rectangle', points: [0, 0, 10, 10] })
    project.recolorLabel('car', '#ff0000')
    expect(canvas.shapes[0]?.color).toBe('#ff0000')
  })
})
