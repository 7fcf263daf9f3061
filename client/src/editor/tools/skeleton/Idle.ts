import { labelForType } from '../../shape-writes'
import type { ToolPointer } from '../../types'
import { StateNode } from '../state-node'

/** Waiting for the click that places a skeleton's first node. */
export class Idle extends StateNode {
  readonly id = 'idle'

  override get hint(): string {
    // The label a click would draw (as labelFor picks it, without its error).
    const label = labelForType(this.editor.project, this.editor.activeLabelId, 'skeleton')
    return label?.skeleton
      ? `${label.name}: click ${label.skeleton.nodes[0]} first`
      : 'Add a skeleton label (its nodes, in order) to the project to draw skeletons.'
  }

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    const label = this.editor.labelFor('skeleton')
    if (!label?.skeleton || label.skeleton.nodes.length === 0) return
    this.editor.undo.beginGesture()
    this.tool.transition('placing', { x: e.x, y: e.y, shiftKey: e.shiftKey, labelId: label.id })
  }
}
