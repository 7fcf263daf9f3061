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
    this.dragging = true
    const [x1, y1] = this.clamp(start.x, start.y)
    const [x2, y2] = this.end
    this.editor.setPreview({ type: 'rectangle', points: [x1, y1, x2, y2], color: '#ffffff' })
  }

  override onPointerUp(): void {
    const start = this.start
    if (!start) return
    const sam = this.sam
    if (this.dragging) {
      const [ax, ay] = this.clamp(start.x, start.y)
      const [bx, by] = this.end
      sam.box = {
        x1: Math.min(ax, bx),
        y1: Math.min(ay, by),
        x2: Math.max(ax, bx),
        y2: Math.max(ay, by),
      }
    } else {
      const [x, y] = this.clamp(start.x, start.y)
      sam.points = [...sam.points, { x, y, positive: !(start.altKey || start.button === 2) }]
    }
    this.tool.transition('prompting')
    void sam.run()
  }

  override onCancel(): boolean {
    this.tool.transition(this.sam.hasPrompt ? 'prompting' : 'idle')
    if (this.sam.hasPrompt) void this.sam.run()
    else this.editor.setPreview(null)
    return true
  }

  private clamp(x: number, y: number): [number, number] {
    const image = this.editor.image
    return image ? clampToImage(x, y, image.width - 1, image.height - 1) : [x, y]
  }
}
