import type { ToolPointer } from '../../types'
import { StateNode } from '../state-node'
import type { PointListType } from './Drawing'

/** Waiting for the first vertex of a polygon, polyline or point set. */
export class Idle extends StateNode {
  readonly id = 'idle'

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    const label = this.editor.labelFor(this.tool.id as PointListType)
    if (!label) return
    this.editor.undo.beginGesture()
    this.tool.transition('drawing', { x: e.x, y: e.y, labelId: label.id })
  }
}
