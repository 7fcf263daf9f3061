import type { ToolKey, ToolPointer } from '../../types'
import { StateNode } from '../state-node'
import type { SamTool } from './SamTool'

/**
 * A prompt on the image and its mask previewed: more clicks (Alt / right: negative) or a box
 * refine it, Backspace drops the last point, C picks another candidate, Enter accepts, Esc
 * drops it all.
 */
export class Prompting extends StateNode {
  readonly id = 'prompting'

  private get sam(): SamTool {
    return this.tool as SamTool
  }

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0 && e.button !== 2) return
    this.tool.transition('pressing', e)
  }

  override onKeyDown(e: ToolKey): boolean {
    if ((e.key === 'Backspace' || e.key === 'Delete') && !e.modKey) {
      const sam = this.sam
      if (sam.points.length > 0) sam.points = sam.points.slice(0, -1)
      else sam.box = null
      if (sam.hasPrompt) void sam.run()
      else this.onCancel()
      return true
    }
    return false
  }

  override onAccept(): boolean {
    void this.sam.keep()
    return true
  }

  override onCancel(): boolean {
    this.sam.clearPrompt()
    this.tool.transition('idle')
    return true
  }
}
