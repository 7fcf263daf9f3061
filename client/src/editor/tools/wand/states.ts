import type { ToolPointer } from '../../types'
import { pixelAt } from '../../geometry'
import { StateNode } from '../state-node'
import type { WandTool } from './WandTool'

/** Nothing selected: a click fills from the pixel under it. */
export class Idle extends StateNode {
  readonly id = 'idle'

  override onPointerDown(e: ToolPointer): void {
    const image = this.editor.image
    if (e.button !== 0 || !image) return
    const seed = pixelAt(e, image.width, image.height)
    if (!seed) return
    this.editor.undo.beginGesture()
    this.tool.transition('selected')
    void (this.tool as WandTool).fill(image, seed)
  }
}

/** A fill previewed: another click fills from there instead, Enter keeps it, Esc drops it. */
export class Selected extends StateNode {
  readonly id = 'selected'

  override onPointerDown(e: ToolPointer): void {
    const image = this.editor.image
    if (e.button !== 0 || !image) return
    const seed = pixelAt(e, image.width, image.height)
    if (seed) void (this.tool as WandTool).fill(image, seed)
  }

  override onAccept(): boolean {
    return (this.tool as WandTool).keep()
  }

  override onCancel(): boolean {
    ;(this.tool as WandTool).clear()
    this.tool.transition('idle')
    return true
  }
}
