import { describe, expect, it } from 'vitest'
import { click, key, pointer, setupEditor } from '../../__fixtures__/editor'

function withPerson() {
  const setup = setupEditor()
  setup.project.addLabel({
    id: 'person',
    name: 'person',
    color: '#f0b450',
    type: 'skeleton',
    attributes: [],
    skeleton: {
      nodes: ['head', 'hip', 'left foot', 'right foot'],
      edges: [
        [0, 1],
        [1, 2],
        [1, 3],
      ],
    },
  })
  return setup
}

describe('skeleton tool', () => {
  it('J, then a click per node in the label’s order, writes one skeleton after the last node', () => {
    const { editor, job } = withPerson()
    editor.keyDown(key('j'))
    expect(editor.toolId).toBe('skeleton')
    expect(editor.toolHint).toContain('click head first')
    click(editor, 50, 10)
    expect(editor.toolHint).toContain('click hip (2 of 4)')
    click(editor, 50, 60)
    click(editor, 30, 100)
    expect(job.listShapes('img1')).toHaveLength(0)
    click(editor, 70, 100)
    const [shape] = job.listShapes('img1')
    expect(shape).toMatchObject({
      type: 'skeleton',
      labelId: 'person',
      points: [50, 10, 50, 60, 30, 100, 70, 100],
      visibility: ['visible', 'visible', 'visible', 'visible'],
      source: 'manual',
    })
    expect(editor.selectedId).toBe(shape!.id)
    expect(editor.toolHint).toContain('click head first') // ready for the next one
  })

  it('Shift+click places an occluded node, H one that is not in the image, Backspace goes back', () => {
    const { editor, job } = withPerson()
    editor.setTool('skeleton')
    click(editor, 50, 10)
    editor.pointerMove(pointer(55, 58))
    editor.keyDown(key('h')) // hip not in the image
    editor.keyDown(key('Backspace')) // no: it is there
    expect(editor.toolHint).toContain('click hip (2 of 4)')
    click(editor, 50, 60, { shiftKey: true })
    click(editor, 30, 100)
    editor.pointerMove(pointer(80, 90))
    editor.keyDown(key('h'))
    expect(job.listShapes('img1')[0]).toMatchObject({
      points: [50, 10, 50, 60, 30, 100, 80, 90],
      visibility: ['visible', 'occluded', 'visible', 'hidden'],
    })
  })

  it('previews the placed nodes with their bones and the next node at the pointer', () => {
    const { editor, canvas } = withPerson()
    editor.setTool('skeleton')
    click(editor, 50, 10)
    editor.pointerMove(pointer(50, 60))
    expect(canvas.overlay.preview).toMatchObject({
      type: 'skeleton',
      points: [50, 10, 50, 60],
      edges: [[0, 1]],
      color: '#f0b450',
    })
    editor.keyDown(key('Escape'))
    expect(canvas.overlay.preview ?? null).toBeNull()
  })

  it('Esc drops an unfinished skeleton; without a skeleton label it says what to add', () => {
    const dropped = withPerson()
    dropped.editor.setTool('skeleton')
    click(dropped.editor, 50, 10)
    click(dropped.editor, 50, 60)
    dropped.editor.keyDown(key('Escape'))
    expect(dropped.job.listShapes('img1')).toHaveLength(0)

    const { editor, job } = setupEditor() // labels: car (any), road (polygon)
    editor.setTool('skeleton')
    expect(editor.toolHint).toContain('Add a skeleton label')
    click(editor, 50, 10)
    expect(job.listShapes('img1')).toHaveLength(0)
    expect(editor.error).toBe('No label of this project allows a skeleton.')
  })
})
