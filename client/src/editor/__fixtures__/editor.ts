// A real project and job on Y.Docs with an editor controller over them and a recording canvas
// (scale 1: screen px = image px), for driving tools with synthetic events in Node.

import * as Y from 'yjs'
import { JobDocument, ProjectDocument } from '@loupe/model'
import type { OverlayState, RenderShape } from '../../canvas'
import { EditorController } from '../controller'
import type { CanvasPort, ToolPointer } from '../types'

export class RecordingCanvas implements CanvasPort {
  scale = 1
  shapes: readonly RenderShape[] = []
  overlay: OverlayState = {}
  setShapeCalls = 0
  updateShapeCalls = 0
  setShapes(shapes: readonly RenderShape[]) {
    this.shapes = [...shapes]
    this.setShapeCalls++
  }
  updateShape(shape: RenderShape) {
    this.shapes = this.shapes.map((s) => (s.id === shape.id ? shape : s))
    this.updateShapeCalls++
  }
  removeShape(id: string) {
    this.shapes = this.shapes.filter((s) => s.id !== id)
  }
  setOverlay(overlay: OverlayState) {
    this.overlay = overlay
  }
  fit() {}
}

export function setupEditor(
  options: { readOnly?: boolean; storage?: Pick<Storage, 'getItem' | 'setItem'> } = {},
) {
  const project = ProjectDocument.create(
    new Y.Doc(),
    {
      name: 'Test',
      labels: [
        {
          id: 'car',
          name: 'car',
          color: '#4f7cff',
          type: 'any',
          attributes: [
            { id: 'make', name: 'make', type: 'text', default: '', mutable: false },
            { id: 'parked', name: 'parked', type: 'checkbox', default: false, mutable: true },
          ],
        },
        { id: 'road', name: 'road', color: '#48c78e', type: 'polygon', attributes: [] },
      ],
    },
    { userId: 'ann' },
  )
  const images = project.addImages([
    { id: 'img1', name: 'a.png', sha256: 'a'.repeat(64), width: 1000, height: 800 },
    { id: 'img2', name: 'b.png', sha256: 'b'.repeat(64), width: 500, height: 400 },
  ])
  const job = JobDocument.create(
    new Y.Doc(),
    { projectId: 'p1', jobId: images[0]!.jobId },
    project,
    { userId: 'ann' },
  )
  const editor = new EditorController({
    project,
    job,
    readOnly: options.readOnly ?? false,
    storage: options.storage ?? null,
  })
  editor.start()
  const canvas = new RecordingCanvas()
  editor.attachCanvas(canvas)
  editor.setImages(images)
  editor.setImage('img1')
  return { project, job, editor, canvas }
}

export function pointer(x: number, y: number, extra: Partial<ToolPointer> = {}): ToolPointer {
  return {
    x,
    y,
    sx: x,
    sy: y,
    button: 0,
    shiftKey: false,
    altKey: false,
    modKey: false,
    clickCount: 1,
    ...extra,
  }
}

export function key(
  k: string,
  extra: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {},
) {
  return { key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...extra }
}

/** Press, move through the points, release. */
export function drag(editor: EditorController, from: [number, number], ...to: [number, number][]) {
  editor.pointerDown(pointer(...from))
  for (const p of to) editor.pointerMove(pointer(...p))
  editor.pointerUp(pointer(...(to[to.length - 1] ?? from)))
}

export function click(
  editor: EditorController,
  x: number,
  y: number,
  extra: Partial<ToolPointer> = {},
) {
  editor.pointerDown(pointer(x, y, extra))
  editor.pointerUp(pointer(x, y, extra))
}
