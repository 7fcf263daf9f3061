import type { ToolPointer } from '../../types'
import { StateNode } from '../state-node'
import type { SamTool } from './SamTool'

/** No prompt yet: the mask under the pointer previews live; a press starts a click or a box. */
export class Idle extends StateNode {
  readonly id = 'idle'

  private get sam(): SamTool {
    return this.tool as SamTool
  }

  override onEnter(): void {
    const image = this.editor.image
    // Selecting the tool (or a new image) gets the model and the embedding going.
    if (image && !this.editor.readOnly) this.sam.readyFor(image)
  }

  override onPointerMove(e: ToolPointer): void {
    this.sam.hover(e.x, e.y)
  }

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0 && e.button !== 2) return
    this.editor.undo.beginGesture()
    this.tool.transition('pressing', e)
  }
}
