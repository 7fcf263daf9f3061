import { describe, expect, it } from 'vitest'
import { EditorController } from '../../controller'
import { click, drag, key, pointer, setupEditor } from '../../__fixtures__/editor'

function withBox() {
  const setup = setupEditor()
  const box = setup.job.addShape({
    imageId: 'img1',
    labelId: 'car',
    type: 'rectangle',
    points: [100, 100, 300, 200],
  })
  const poly = setup.job.addShape({
    imageId: 'img1',
    labelId: 'road',
    type: 'polygon',
    points: [500, 500, 700, 500, 700, 700],
  })
  setup.editor.undo.beginGesture()
  return { ...setup, box, poly }
}

/** Counts document updates, to check that a gesture writes once. */
function countUpdates(doc: { on: (e: 'update', f: () => void) => void }) {
  const counter = { n: 0 }
  doc.on('update', () => counter.n++)
  return counter
}

describe('select tool', () => {
  it('click selects, click on empty space deselects', () => {
    const { editor, box } = withBox()
    click(editor, 150, 150)
    expect(editor.selectedId).toBe(box.id)
    click(editor, 900, 50)
    expect(editor.selectedId).toBeNull()
  })

  it('a move writes the whole geometry once, at the end; undo reverts exactly it', () => {
    const { editor, job, box, canvas } = withBox()
    const updates = countUpdates(job.doc)
    editor.pointerDown(pointer(150, 150))
    editor.pointerMove(pointer(160, 170))
    editor.pointerMove(pointer(200, 200))
    expect(updates.n).toBe(0)
    expect(canvas.overlay.preview?.points).toEqual([150, 150, 350, 250])
    // Hidden from the annotation layer while the overlay shows it.
    expect(canvas.shapes.find((s) => s.id === box.id)?.hidden).toBe(true)
    editor.pointerUp(pointer(200, 200))
    expect(updates.n).toBe(1)
    expect(job.getShape(box.id)?.points).toEqual([150, 150, 350, 250])
    expect(canvas.shapes.find((s) => s.id === box.id)?.hidden).toBe(false)
    editor.keyDown(key('z', { ctrlKey: true }))
    expect(job.getShape(box.id)?.points).toEqual([100, 100, 300, 200])
    expect(job.listShapes('img1')).toHaveLength(2)
  })

  it('a press without a drag does not write', () => {
    const { editor, job } = withBox()
    const updates = countUpdates(job.doc)
    drag(editor, [150, 150], [151, 151])
    expect(updates.n).toBe(0)
  })

  it('Esc during a move puts the shape back', () => {
    const { editor, job, box, canvas } = withBox()
    editor.pointerDown(pointer(150, 150))
    editor.pointerMove(pointer(250, 250))
    editor.keyDown(key('Escape'))
    editor.pointerUp(pointer(250, 250))
    expect(job.getShape(box.id)?.points).toEqual([100, 100, 300, 200])
    expect(canvas.overlay.preview).toBeNull()
  })

  it('dragging a corner resizes; the opposite corner stays', () => {
    const { editor, job, box } = withBox()
    click(editor, 150, 150)
    drag(editor, [300, 200], [350, 260], [400, 300])
    expect(job.getShape(box.id)?.points).toEqual([100, 100, 400, 300])
    // Past the opposite corner the box flips but stays normalised.
    drag(editor, [100, 100], [500, 350])
    expect(job.getShape(box.id)?.points).toEqual([400, 300, 500, 350])
  })

  it('the rotation handle rotates about the centre; undo restores 0', () => {
    const { editor, job, box, canvas } = withBox()
    click(editor, 150, 150)
    const rotate = canvas.overlay.handles?.find((h) => h.kind === 'rotate')
    expect(rotate).toBeDefined()
    drag(editor, [rotate!.x, rotate!.y], [400, 150])
    expect(job.getShape(box.id)?.rotation).toBeCloseTo(90)
    expect(job.getShape(box.id)?.points).toEqual([100, 100, 300, 200])
    editor.keyDown(key('z', { ctrlKey: true }))
    expect(job.getShape(box.id)?.rotation).toBe(0)
  })

  it('vertices: drag, Alt-click removes, double-click on an edge adds, Del removes the selected one', () => {
    const { editor, job, poly } = withBox()
    click(editor, 650, 550)
    expect(editor.selectedId).toBe(poly.id)
    drag(editor, [700, 700], [720, 720])
    expect(job.getShape(poly.id)?.points).toEqual([500, 500, 700, 500, 720, 720])
    click(editor, 600, 500, { clickCount: 2 })
    expect(job.getShape(poly.id)?.points).toEqual([500, 500, 600, 500, 700, 500, 720, 720])
    expect(editor.selectedVertex).toBe(1)
    editor.keyDown(key('Delete'))
    expect(job.getShape(poly.id)?.points).toEqual([500, 500, 700, 500, 720, 720])
    expect(job.getShape(poly.id)).toBeDefined()
    click(editor, 720, 720, { altKey: true })
    expect(job.getShape(poly.id)?.points).toHaveLength(6)
    expect(editor.error).toMatch(/at least 3/)
  })

  it('Del deletes the selected shape; undo restores it', () => {
    const { editor, job, box } = withBox()
    click(editor, 150, 150)
    editor.keyDown(key('Delete'))
    expect(job.getShape(box.id)).toBeUndefined()
    expect(editor.selectedId).toBeNull()
    editor.keyDown(key('z', { ctrlKey: true }))
    expect(job.getShape(box.id)?.points).toEqual([100, 100, 300, 200])
  })

  it('a locked shape can be selected but not moved or deleted; hide leaves it out of hits', () => {
    const { editor, job, box } = withBox()
    click(editor, 150, 150)
    editor.keyDown(key('L', { shiftKey: true }))
    expect(editor.view.locked.has(box.id)).toBe(true)
    drag(editor, [150, 150], [250, 250])
    expect(job.getShape(box.id)?.points).toEqual([100, 100, 300, 200])
    editor.keyDown(key('Delete'))
    expect(job.getShape(box.id)).toBeDefined()
    editor.keyDown(key('h'))
    click(editor, 150, 150)
    expect(editor.selectedId).toBeNull()
    // View state never reaches the shared document.
    expect(JSON.stringify(job.doc.toJSON())).not.toMatch(/hidden|locked/)
  })

  it('Tab and Shift+Tab cycle objects; 1–9 relabel the selected one', () => {
    const { editor, job, box, poly } = withBox()
    editor.keyDown(key('Tab'))
    expect(editor.selectedId).toBe(box.id)
    editor.keyDown(key('Tab'))
    expect(editor.selectedId).toBe(poly.id)
    editor.keyDown(key('Tab', { shiftKey: true }))
    expect(editor.selectedId).toBe(box.id)
    editor.keyDown(key('2'))
    expect(job.getShape(box.id)?.labelId).toBe('car') // road does not allow rectangles
    expect(editor.error).toMatch(/road/)
  })

  it('copy and paste within and across images', () => {
    const { editor, job, box } = withBox()
    click(editor, 150, 150)
    editor.keyDown(key('c', { ctrlKey: true }))
    editor.keyDown(key('v', { ctrlKey: true }))
    const pasted = job.listShapes('img1').find((s) => s.id !== box.id && s.type === 'rectangle')
    expect(pasted?.points).toEqual([110, 110, 310, 210])
    editor.setImage('img2')
    editor.keyDown(key('v', { metaKey: true }))
    expect(job.listShapes('img2').map((s) => s.points)).toEqual([[100, 100, 300, 200]])
  })

  it('bring forward and send backward swap draw order', () => {
    const { editor, box, poly } = withBox()
    click(editor, 150, 150)
    editor.keyDown(key(']', { ctrlKey: true }))
    expect(editor.mirror.list.map((s) => s.id)).toEqual([poly.id, box.id])
    editor.keyDown(key('[', { ctrlKey: true }))
    expect(editor.mirror.list.map((s) => s.id)).toEqual([box.id, poly.id])
  })
})

describe('read-only', () => {
  it('keeps drawing tools off and writes nothing, but selection works', () => {
    const setup = setupEditor()
    const box = setup.job.addShape({
      imageId: 'img1',
      labelId: 'car',
      type: 'rectangle',
      points: [100, 100, 300, 200],
    })
    const viewer = new EditorController({ project: setup.project, job: setup.job, readOnly: true })
    viewer.start()
    viewer.setImages(setup.project.listImages())
    viewer.setImage('img1')
    viewer.keyDown(key('r'))
    expect(viewer.toolId).toBe('select')
    click(viewer, 150, 150)
    expect(viewer.selectedId).toBe(box.id)
    drag(viewer, [150, 150], [250, 250])
    viewer.keyDown(key('Delete'))
    expect(setup.job.getShape(box.id)?.points).toEqual([100, 100, 300, 200])
    viewer.stop()
  })
})
