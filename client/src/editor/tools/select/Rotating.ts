import type { ShapeRecord } from '@loupe/model'
import { rotationTowards, shapeCenter } from '../../geometry'
import type { ToolPointer } from '../../types'
import { ShapeDrag } from './drag'

/** Dragging the rotation handle; Shift snaps to 15°. */
export class Rotating extends ShapeDrag {
  readonly id = 'rotating'
  private rotation = 0

  override onEnter(info: { shape: ShapeRecord }) {
    this.begin(info.shape)
    this.rotation = info.shape.rotation
  }

  override onPointerMove(e: ToolPointer): void {
    const shape = this.shape
    if (!shape) return
    const [cx, cy] = shapeCenter(shape)
    this.rotation = rotationTowards(cx, cy, e.x, e.y, e.shiftKey ? 15 : 0)
    this.show({ points: shape.points, rotation: this.rotation })
  }

  override onPointerUp(): void {
    this.end({ rotation: this.rotation })
  }
}
