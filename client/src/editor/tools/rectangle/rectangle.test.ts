import { describe, expect, it } from 'vitest'
import { click, drag, key, pointer, setupEditor } from '../../__fixtures__/editor'

describe('box tool', () => {
  it('R + drag creates one normalised rectangle of the active label and selects it', () => {
    const { editor, job } = setupEditor()
    expect(editor.keyDown(key('r'))).toBe(true)
    expect(editor.toolId).toBe('rectangle')
    drag(editor, [300, 200], [250, 150], [100, 50])
    const shapes = job.listShapes('img1')
    expect(shapes).toHaveLength(1)
    expect(shapes[0]).toMatchObject({
      type: 'rectangle',
      labelId: 'car',
      points: [100, 50, 300, 200],
    })
    expect(editor.selectedId).toBe(shapes[0]!.id)
    expect(editor.currentTool.state).toBe('idle')
  })

  it('a number key after drawing relabels the new box and sets the label for the next one', () => {
    const { editor, job, project } = setupEditor()
    project.addLabel({ id: 'truck', name: 'truck', type: 'any' })
    editor.keyDown(key('r'))
    drag(editor, [100, 100], [200, 200])
    const [box] = job.listShapes('img1')
    expect(box?.labelId).toBe('car')
    editor.keyDown(key('3')) // car, road, truck
    expect(job.getShape(box!.id)?.labelId).toBe('truck')
    expect(editor.toolId).toBe('rectangle')
    drag(editor, [300, 300], [400, 400])
    expect(job.listShapes('img1').map((s) => s.labelId)).toEqual(['truck', 'truck'])
  })

  it('previews on the overlay only while dragging', () => {
    const { editor, canvas } = setupEditor()
    editor.setTool('rectangle')
    const before = { set: canvas.setShapeCalls, update: canvas.updateShapeCalls }
    editor.pointerDown(pointer(10, 10))
    editor.pointerMove(pointer(50, 60))
    editor.pointerMove(pointer(80, 90))
    expect(canvas.overlay.preview).toMatchObject({ type: 'rectangle', points: [10, 10, 80, 90] })
    expect({ set: canvas.setShapeCalls, update: canvas.updateShapeCalls }).toEqual(before)
    editor.pointerUp(pointer(80, 90))
    expect(canvas.overlay.preview).toBeNull()
    expect(canvas.shapes).toHaveLength(1)
  })

  it('clamps to the image and supports click-click', () => {
    const { editor, job } = setupEditor()
    editor.setTool('rectangle')
    click(editor, 900, 700)
    editor.pointerMove(pointer(1200, 900))
    click(editor, 1200, 900)
    expect(job.listShapes('img1')[0]?.points).toEqual([900, 700, 1000, 800])
  })

  it('Esc cancels a box being drawn', () => {
    const { editor, job, canvas } = setupEditor()
    editor.setTool('rectangle')
    editor.pointerDown(pointer(10, 10))
    editor.pointerMove(pointer(100, 100))
    editor.keyDown(key('Escape'))
    editor.pointerUp(pointer(100, 100))
    expect(job.listShapes()).toHaveLength(0)
    expect(canvas.overlay.preview).toBeNull()
    expect(editor.currentTool.state).toBe('idle')
  })

  it('E draws an ellipse from its box', () => {
    const { editor, job } = setupEditor()
    editor.keyDown(key('e'))
    drag(editor, [100, 100], [300, 200])
    expect(job.listShapes('img1')[0]).toMatchObject({
      type: 'ellipse',
      points: [200, 150, 100, 50],
    })
  })

  it('undo after drawing removes exactly that box; redo brings it back', () => {
    const { editor, job } = setupEditor()
    editor.setTool('rectangle')
    drag(editor, [10, 10], [100, 100])
    drag(editor, [200, 200], [300, 300])
    expect(job.listShapes('img1')).toHaveLength(2)
    editor.keyDown(key('z', { ctrlKey: true }))
    expect(job.listShapes('img1').map((s) => s.points)).toEqual([[10, 10, 100, 100]])
    editor.keyDown(key('z', { metaKey: true, shiftKey: true }))
    expect(job.listShapes('img1')).toHaveLength(2)
    editor.keyDown(key('z', { ctrlKey: true }))
    editor.keyDown(key('y', { ctrlKey: true }))
    expect(job.listShapes('img1')).toHaveLength(2)
  })

  it('a label that does not allow the type is skipped for one that does', () => {
    const { editor, job } = setupEditor()
    editor.setActiveLabel('road')
    editor.setTool('rectangle')
    drag(editor, [10, 10], [100, 100])
    expect(job.listShapes('img1')[0]?.labelId).toBe('car')
  })
})
