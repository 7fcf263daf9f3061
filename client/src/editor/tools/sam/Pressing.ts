import type { Box } from '@loupe/sam'
import { clampToImage } from '../../geometry'
import type { ToolPointer } from '../../types'
import { StateNode } from '../state-node'
import type { SamTool } from './SamTool'

/** Screen px a press must move to become a box prompt rather than a click. */
const DRAG_DISTANCE = 5

/**
 * A press: released where it started, it adds a point (Alt or the right button: a negative
 * one); dragged, it draws the box prompt.
 */
export class Pressing extends StateNode {
  readonly id = 'pressing'
  private start: ToolPointer | null = null
  private end: [number, number] = [0, 0]
  private dragging = false

  private get sam(): SamTool {
    return this.tool as SamTool
  }

  override onEnter(e: ToolPointer): void {
    this.start = e
    this.end = [e.x, e.y]
    this.dragging = false
  }

  override onExit(): void {
    this.start = null
  }

  override onPointerMove(e: ToolPointer): void {
    const start = this.start
    if (!start) return
    this.end = this.clamp(e.x, e.y)
    if (!this.dragging && Math.hypot(e.sx - start.sx, e.sy - start.sy) < DRAG_DISTANCE) return
    // The hover preview is no answer to the box being drawn; a prompt's mask stays until the
    // box's arrives.
    if (!this.dragging && !this.sam.hasPrompt) this.editor.setPreview(null)
    this.dragging = true
    this.sam.showPrompt(this.box())
  }

  override onPointerUp(): void {
    const start = this.start
    if (!start) return
    const sam = this.sam
    if (this.dragging) {
      sam.box = this.box()
    } else {
      const [x, y] = this.clamp(start.x, start.y)
      sam.points = [...sam.points, { x, y, positive: !(start.altKey || start.button === 2) }]
    }
    this.tool.transition('prompting')
    void sam.run()
  }

  override onCancel(): boolean {
    // The box being drawn goes; the prompt as it was stays drawn.
    this.sam.showPrompt()
    this.tool.transition(this.sam.hasPrompt ? 'prompting' : 'idle')
    if (this.sam.hasPrompt) void this.sam.run()
    else this.editor.setPreview(null)
    return true
  }

  /** The box from the press to the pointer, inside the image. */
  private box(): Box {
    const start = this.start
    const [ax, ay] = start ? this.clamp(start.x, start.y) : this.end
    const [bx, by] = this.end
    return {
      x1: Math.min(ax, bx),
      y1: Math.min(ay, by),
      x2: Math.max(ax, bx),
      y2: Math.max(ay, by),
    }
  }

  private clamp(x: number, y: number): [number, number] {
    const image = this.editor.image
    return image ? clampToImage(x, y, image.width - 1, image.height - 1) : [x, y]
  }
}
