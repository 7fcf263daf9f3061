import { translatePoints } from '../../geometry'
import type { ToolPointer } from '../../types'
import type { ShapeRecord } from '@loupe/model'
import { ShapeDrag } from './drag'

/** Screen px the pointer must travel before a press on a shape becomes a move. */
const DRAG_THRESHOLD = 3

export class Translating extends ShapeDrag {
  readonly id = 'translating'
  private origin = { x: 0, y: 0, sx: 0, sy: 0 }
  private points: number[] = []

  override onEnter(info: { shape: ShapeRecord; x: number; y: number; sx: number; sy: number }) {
    this.begin(info.shape)
    this.origin = info
    this.points = info.shape.points
  }

  override onPointerMove(e: ToolPointer): void {
    const shape = this.shape
    if (!shape) return
    if (!this.moved && Math.hypot(e.sx - this.origin.sx, e.sy - this.origin.sy) < DRAG_THRESHOLD)
      return
    this.points = translatePoints(shape, e.x - this.origin.x, e.y - this.origin.y)
    this.show({ points: this.points })
  }

  override onPointerUp(): void {
    this.end({ points: this.points })
  }
}
