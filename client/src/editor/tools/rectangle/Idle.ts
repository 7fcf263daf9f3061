import { StateNode } from '../state-node'
import type { ToolPointer } from '../../types'

/** Waiting for the first corner of a box (rectangle or ellipse). */
export class Idle extends StateNode {
  readonly id = 'idle'

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    const type = this.tool.id === 'ellipse' ? 'ellipse' : 'rectangle'
    const label = this.editor.labelFor(type)
    if (!label) return
    this.editor.undo.beginGesture()
    this.tool.transition('drawing', { x: e.x, y: e.y, sx: e.sx, sy: e.sy, labelId: label.id })
  }
}
