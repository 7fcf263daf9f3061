import { describe, expect, it } from 'vitest'
import type { PreviewShape } from '../sync/shape-snapshot'
import { RecordingCanvas, setupEditor } from './__fixtures__/editor'
import { EditorController } from './controller'
import { drawsTheSame, previewRenderShapes } from './preview-shapes'

const colors: Record<string, string> = { car: '#4f7cff', road: '#48c78e' }
const lookOf = (id: string) => ({ color: colors[id] ?? '#888888' })

function previewOf(
  shapes: Array<{ id: string; labelId: string; type: string; points: number[] }>,
): PreviewShape[] {
  return shapes.map((s, i) => ({ ...s, imageId: 'img1', rotation: 0, zOrder: i }))
}

describe('shape preview', () => {
  it("draws a skeleton's bones from its label, as the mirror does", () => {
    const edges: [number, number][] = [[0, 1]]
    const [shape] = previewRenderShapes(
      previewOf([{ id: 's', labelId: 'walker', type: 'skeleton', points: [0, 0, 5, 5] }]),
      () => ({ color: '#f0b450', edges }),
      new Set(),
    )
    expect(shape?.edges).toEqual([[0, 1]])
  })

  it('draws preview shapes as the mirror would, hidden ones hidden, unknown types left out', () => {
    const shapes = previewRenderShapes(
      previewOf([
        { id: 'a', labelId: 'car', type: 'rectangle', points: [0, 0, 10, 10] },
        { id: 'b', labelId: 'road', type: 'polygon', points: [0, 0, 5, 0, 5, 5] },
        { id: 'c', labelId: 'car', type: 'hologram', points: [1, 2] },
      ]),
      lookOf,
      new Set(['b']),
    )
    expect(shapes).toEqual([
      {
        id: 'a',
        type: 'rectangle',
        points: [0, 0, 10, 10],
        rotation: 0,
        color: '#4f7cff',
        selected: false,
        hidden: false,
      },
      {
        id: 'b',
        type: 'polygon',
        points: [0, 0, 5, 0, 5, 5],
        rotation: 0,
        color: '#48c78e',
        selected: false,
        hidden: true,
      },
    ])
  })

  it('compares drawings by value', () => {
    const base = { id: 'a', type: 'polygon' as const, points: [0, 0, 4, 0, 4, 4], color: '#fff' }
    expect(drawsTheSame(base, { ...base, points: [0, 0, 4, 0, 4, 4] })).toBe(true)
    expect(drawsTheSame(base, { ...base, points: [0, 0, 4, 0, 4, 5] })).toBe(false)
    expect(drawsTheSame(base, { ...base, color: '#000' })).toBe(false)
    expect(drawsTheSame(base, { ...base, selected: true })).toBe(false)
    expect(drawsTheSame(base, { ...base, rotation: 0 })).toBe(true)
  })

  it('the live editor keeps the preview objects the document confirms (no rebuild in the renderer)', () => {
    const { project, job } = setupEditor()
    const same = job.addShape({
      imageId: 'img1',
      labelId: 'car',
      type: 'rectangle',
      points: [0, 0, 10, 10],
    })
    const moved = job.addShape({
      imageId: 'img1',
      labelId: 'car',
      type: 'rectangle',
      points: [20, 20, 30, 30],
    })
    // The stored preview lags: `moved` moved since, `gone` was deleted, `added` is new.
    const shown = previewRenderShapes(
      previewOf([
        { id: same.id, labelId: 'car', type: 'rectangle', points: [0, 0, 10, 10] },
        { id: moved.id, labelId: 'car', type: 'rectangle', points: [25, 25, 30, 30] },
        { id: 'gone', labelId: 'car', type: 'rectangle', points: [1, 1, 2, 2] },
      ]),
      lookOf,
      new Set(),
    )
    const added = job.addShape({
      imageId: 'img1',
      labelId: 'road',
      type: 'polygon',
      points: [0, 0, 5, 0, 5, 5],
    })
    const canvas = new RecordingCanvas()
    canvas.setShapes(shown)
    const editor = new EditorController({
      project,
      job,
      readOnly: false,
      shown: { imageId: 'img1', shapes: shown },
    })
    editor.start()
    editor.attachCanvas(canvas)
    // Attaching before an image is set leaves the preview on the canvas.
    expect(canvas.shapes).toEqual(shown)
    expect(canvas.setShapeCalls).toBe(1)
    editor.setImage('img1')
    expect(canvas.setShapeCalls).toBe(2)
    const byId = new Map(canvas.shapes.map((s) => [s.id, s]))
    expect(canvas.shapes.map((s) => s.id).sort()).toEqual([same.id, moved.id, added.id].sort())
    expect(byId.get(same.id)).toBe(shown[0])
    expect(byId.get(moved.id)).not.toBe(shown[1])
    expect(byId.get(moved.id)?.points).toEqual([20, 20, 30, 30])
    // Later view changes compare the adopted object by identity as usual: selecting another
    // shape keeps it.
    editor.select(moved.id)
    expect(canvas.shapes.find((s) => s.id === same.id)).toBe(shown[0])
    editor.stop()
  })

  it('a preview of another image is not adopted', () => {
    const { project, job } = setupEditor()
    const a = job.addShape({
      imageId: 'img1',
      labelId: 'car',
      type: 'rectangle',
      points: [0, 0, 1, 1],
    })
    const shown = previewRenderShapes(
      previewOf([{ id: a.id, labelId: 'car', type: 'rectangle', points: [0, 0, 1, 1] }]),
      lookOf,
      new Set(),
    )
    const editor = new EditorController({
      project,
      job,
      readOnly: false,
      shown: { imageId: 'img2', shapes: shown },
    })
    editor.start()
    const canvas = new RecordingCanvas()
    editor.attachCanvas(canvas)
    editor.setImage('img1')
    expect(canvas.shapes[0]).not.toBe(shown[0])
    expect(canvas.shapes[0]?.points).toEqual([0, 0, 1, 1])
    editor.stop()
  })
})
