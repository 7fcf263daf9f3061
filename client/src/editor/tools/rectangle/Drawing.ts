import { boxToEllipse, clampToImage, normalizeBox } from '../../geometry'
import type { ToolKey, ToolPointer } from '../../types'
import { StateNode } from '../state-node'

export interface DrawingStart {
  x: number
  y: number
  sx: number
  sy: number
  labelId: string
}

/** Screen px a drag must cover to draw a box; shorter presses start a two-click box. */
const MIN_DRAG = 4

/**
 * Dragging out a box from one corner to the opposite one (or clicking both corners). The
 * preview lives on the overlay; the document is written once, when the box is done.
 */
export class Drawing extends StateNode {
  readonly id = 'drawing'
  private start: DrawingStart = { x: 0, y: 0, sx: 0, sy: 0, labelId: '' }
  private twoClick = false

  override onEnter(info: DrawingStart): void {
    this.start = info
    this.twoClick = false
  }

  override onPointerMove(e: ToolPointer): void {
    const points = this.pointsTo(e)
    const label = this.editor.project.getLabel(this.start.labelId)
    this.editor.setPreview({ type: this.type, points, color: label?.color ?? '#3380ff' })
  }

  override onPointerUp(e: ToolPointer): void {
    if (this.twoClick) return
    if (Math.hypot(e.sx - this.start.sx, e.sy - this.start.sy) < MIN_DRAG) {
      this.twoClick = true
      return
    }
    this.commit(e)
  }

  override onPointerDown(e: ToolPointer): void {
    if (this.twoClick && e.button === 0) this.commit(e)
  }

  override onKeyDown(e: ToolKey): boolean {
    return e.key === 'Enter'
  }

  override onCancel(): boolean {
    this.editor.setPreview(null)
    this.tool.transition('idle')
    return true
  }

  private get type(): 'rectangle' | 'ellipse' {
    return this.tool.id === 'ellipse' ? 'ellipse' : 'rectangle'
  }

  private pointsTo(e: ToolPointer): number[] {
    const image = this.editor.image
    const [x, y] = image ? clampToImage(e.x, e.y, image.width, image.height) : [e.x, e.y]
    const [x0, y0] = image
      ? clampToImage(this.start.x, this.start.y, image.width, image.height)
      : [this.start.x, this.start.y]
    const box = normalizeBox(x0, y0, x, y)
    return this.type === 'ellipse' ? boxToEllipse(box) : box
  }

  private commit(e: ToolPointer): void {
    const points = this.pointsTo(e)
    this.editor.setPreview(null)
    this.tool.transition('idle')
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = points
    const empty = this.type === 'ellipse' ? !(x2 > 0 && y2 > 0) : x2 - x1 <= 0 || y2 - y1 <= 0
    if (empty) return
    const label = this.editor.project.getLabel(this.start.labelId)
    this.editor.createShape({ type: this.type, points }, label)
  }
}
