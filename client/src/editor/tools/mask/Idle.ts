import type { ToolPointer } from '../../types'
import { StateNode } from '../state-node'

/** The brush (or eraser) hovering: its size shows as a circle on the overlay. */
export class Idle extends StateNode {
  readonly id = 'idle'

  override onPointerMove(e: ToolPointer): void {
    const r = this.editor.brushSize
    this.editor.setPreview({
      type: 'ellipse',
      points: [e.x, e.y, r, r],
      color: this.tool.id === 'eraser' ? '#ffffff' : this.color(),
    })
  }

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    const selected = this.editor.selected
    const target = selected?.type === 'mask' && this.editor.canEdit(selected.id) ? selected : null
    if (this.tool.id === 'eraser' && !target) {
      this.editor.showError('Select a mask to erase from.')
      return
    }
    const label = target ? null : this.editor.labelFor('mask')
    if (!target && !label) return
    this.editor.undo.beginGesture()
    this.tool.transition('painting', { x: e.x, y: e.y, target, labelId: label?.id ?? null })
  }

  private color(): string {
    const selected = this.editor.selected
    const labelId = selected?.type === 'mask' ? selected.labelId : this.editor.activeLabelId
    return (labelId && this.editor.project.getLabel(labelId)?.color) || '#3380ff'
  }
}
