import { describe, expect, it } from 'vitest'
import { click, key, pointer, setupEditor } from '../../__fixtures__/editor'

describe('polygon, polyline and points tools', () => {
  it('P, click-click-click, Enter creates a polygon', () => {
    const { editor, job } = setupEditor()
    editor.keyDown(key('p'))
    click(editor, 10, 10)
    click(editor, 100, 10)
    click(editor, 100, 100)
    expect(job.listShapes()).toHaveLength(0)
    editor.keyDown(key('Enter'))
    expect(job.listShapes('img1')[0]).toMatchObject({
      type: 'polygon',
      points: [10, 10, 100, 10, 100, 100],
    })
  })

  it('a double click finishes without a repeated vertex', () => {
    const { editor, job } = setupEditor()
    editor.setTool('polygon')
    click(editor, 10, 10)
    click(editor, 100, 10)
    click(editor, 100, 100)
    click(editor, 100, 100, { clickCount: 2 })
    expect(job.listShapes('img1')[0]?.points).toEqual([10, 10, 100, 10, 100, 100])
  })

  it('a click on the first vertex closes the polygon', () => {
    const { editor, job } = setupEditor()
    editor.setTool('polygon')
    for (const [x, y] of [
      [10, 10],
      [100, 10],
      [100, 100],
      [12, 11],
    ] as const)
      click(editor, x, y)
    expect(job.listShapes('img1')[0]?.points).toEqual([10, 10, 100, 10, 100, 100])
  })

  it('Backspace removes the last vertex and Esc drops the polygon', () => {
    const { editor, job, canvas } = setupEditor()
    editor.setTool('polygon')
    click(editor, 10, 10)
    click(editor, 100, 10)
    click(editor, 500, 500)
    editor.keyDown(key('Backspace'))
    editor.pointerMove(pointer(100, 100))
    expect(canvas.overlay.preview?.points).toEqual([10, 10, 100, 10, 100, 100])
    editor.keyDown(key('Escape'))
    expect(canvas.overlay.preview).toBeNull()
    editor.keyDown(key('Enter'))
    expect(job.listShapes()).toHaveLength(0)
  })

  it('too few vertices is reported, not written', () => {
    const { editor, job } = setupEditor()
    editor.setTool('polygon')
    click(editor, 10, 10)
    click(editor, 100, 10)
    editor.keyDown(key('Enter'))
    expect(job.listShapes()).toHaveLength(0)
    expect(editor.error).toMatch(/at least 3/)
  })

  it('L draws a polyline and K a point set', () => {
    const { editor, job } = setupEditor()
    editor.keyDown(key('l'))
    click(editor, 10, 10)
    click(editor, 50, 50)
    editor.keyDown(key('Enter'))
    editor.keyDown(key('k'))
    click(editor, 5, 6)
    editor.keyDown(key('Enter'))
    expect(job.listShapes('img1').map((s) => [s.type, s.points])).toEqual([
      ['polyline', [10, 10, 50, 50]],
      ['points', [5, 6]],
    ])
  })

  it('N repeats the last drawing tool', () => {
    const { editor } = setupEditor()
    editor.keyDown(key('l'))
    editor.keyDown(key('v'))
    editor.keyDown(key('n'))
    expect(editor.toolId).toBe('polyline')
  })
})
