import { insertVertex, minVertices, nearestSegment, removeVertex } from '../../geometry'
import { HANDLE_TOLERANCE } from '../../controller'
import type { ToolKey, ToolPointer } from '../../types'
import { StateNode } from '../state-node'

/**
 * Nothing under way. A press picks what is under the pointer: a handle of the selected shape
 * (resize, rotate, vertex), else a shape (select and start moving), else empty space (deselect).
 * Alt-click on a vertex removes it; a double click on an edge adds one.
 */
export class Idle extends StateNode {
  readonly id = 'idle'

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    const editor = this.editor
    const selected = editor.selected
    if (selected && editor.canEdit(selected.id)) {
      const handle = editor.handleAt(e.x, e.y)
      if (handle?.kind === 'vertex') {
        if (e.altKey) return this.removeVertex(handle.index)
        editor.select(selected.id, handle.index)
        return this.tool.transition('vertex', {
          shape: selected,
          index: handle.index,
          x: e.x,
          y: e.y,
        })
      }
      if (handle?.kind === 'corner' || handle?.kind === 'edge')
        return this.tool.transition('resizing', { shape: selected, handle, x: e.x, y: e.y })
      if (handle?.kind === 'rotate') return this.tool.transition('rotating', { shape: selected })
      if (e.clickCount >= 2 && (selected.type === 'polygon' || selected.type === 'polyline')) {
        const edge = nearestSegment(selected.points, selected.type === 'polygon', e.x, e.y)
        if (edge.index >= 0 && edge.distance * editor.scale <= HANDLE_TOLERANCE) {
          editor.undo.beginGesture()
          const points = insertVertex(selected.points, edge.index, edge.x, edge.y)
          editor.write(() => editor.job.updateShape(selected.id, { points }))
          editor.select(selected.id, edge.index + 1)
          return
        }
      }
    }
    const hit = editor.hitShape(e.x, e.y)
    if (!hit) return editor.select(null)
    editor.select(hit.id)
    const shape = editor.selected
    if (shape && editor.canEdit(shape.id))
      this.tool.transition('translating', { shape, x: e.x, y: e.y, sx: e.sx, sy: e.sy })
  }

  override onKeyDown(e: ToolKey): boolean {
    if ((e.key === 'Delete' || e.key === 'Backspace') && this.editor.selectedVertex !== null) {
      this.removeVertex(this.editor.selectedVertex)
      return true
    }
    return false
  }

  private removeVertex(index: number): void {
    const editor = this.editor
    const shape = editor.selected
    if (!shape || !editor.canEdit(shape.id)) return
    if (shape.points.length / 2 <= minVertices(shape.type)) {
      editor.showError(`A ${shape.type} needs at least ${minVertices(shape.type)} points.`)
      return
    }
    editor.undo.beginGesture()
    const points = removeVertex(shape.points, index)
    editor.write(() => editor.job.updateShape(shape.id, { points }))
    editor.select(shape.id, null)
  }
}
