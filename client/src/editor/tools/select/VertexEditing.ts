import type { ShapeRecord } from '@loupe/model'
import { moveVertex } from '../../geometry'
import type { ToolPointer } from '../../types'
import { ShapeDrag } from './drag'

/** Dragging one vertex of a polygon, polyline or point set. */
export class VertexEditing extends ShapeDrag {
  readonly id = 'vertex'
  private index = 0
  private points: number[] = []

  override onEnter(info: { shape: ShapeRecord; index: number }) {
    this.begin(info.shape)
    this.index = info.index
    this.points = info.shape.points
  }

  override onPointerMove(e: ToolPointer): void {
    const shape = this.shape
    if (!shape) return
    this.points = moveVertex(shape.points, this.index, e.x, e.y)
    this.show({ points: this.points })
  }

  override onPointerUp(): void {
    this.end({ points: this.points })
  }
}
