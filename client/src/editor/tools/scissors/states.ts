import type { ToolKey, ToolPointer } from '../../types'
import { pixelAt } from '../../geometry'
import { StateNode } from '../state-node'
import type { ScissorsTool } from './ScissorsTool'

/** A click sets the first anchor. */
export class Idle extends StateNode {
  readonly id = 'idle'

  override onPointerDown(e: ToolPointer): void {
    const image = this.editor.image
    const at = image && pixelAt(e, image.width, image.height)
    if (e.button !== 0 || !image || !at) return
    this.editor.undo.beginGesture()
    this.tool.transition('tracing')
    ;(this.tool as ScissorsTool).start(image, at)
  }
}

/**
 * Anchors placed: the live wire follows the cursor; a click adds an anchor, a double click or
 * Enter closes the outline, Backspace drops the last anchor, Esc drops it all.
 */
export class Tracing extends StateNode {
  readonly id = 'tracing'

  private get scissors(): ScissorsTool {
    return this.tool as ScissorsTool
  }

  override onPointerMove(e: ToolPointer): void {
    const image = this.editor.image
    const at = image && pixelAt(e, image.width, image.height)
    if (image && at) this.scissors.follow(image, at)
  }

  override onPointerDown(e: ToolPointer): void {
    const image = this.editor.image
    if (e.button !== 0 || !image) return
    if (e.clickCount >= 2) {
      void this.scissors.close(image)
      return
    }
    const at = pixelAt(e, image.width, image.height)
    if (at) this.scissors.addAnchor(image, at)
  }

  override onKeyDown(e: ToolKey): boolean {
    const image = this.editor.image
    if ((e.key !== 'Backspace' && e.key !== 'Delete') || e.modKey || !image) return false
    if (!this.scissors.removeAnchor(image)) this.onCancel()
    return true
  }

  override onAccept(): boolean {
    const image = this.editor.image
    if (image) void this.scissors.close(image)
    return true
  }

  override onCancel(): boolean {
    this.scissors.clear()
    this.tool.transition('idle')
    return true
  }
}
