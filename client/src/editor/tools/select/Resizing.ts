import type { ShapeRecord } from '@loupe/model'
import type { Handle } from '../../../canvas'
import { boxToEllipse, ellipseBox, resizeBox } from '../../geometry'
import type { ToolPointer } from '../../types'
import { ShapeDrag } from './drag'
import { maskBox, resizeMask } from './mask-scale'

/**
 * Dragging a corner or edge handle of a rectangle, an ellipse (rotated ones too) or a mask.
 * A mask previews its pixels stretched over the new box and is rescaled once, on release.
 */
export class Resizing extends ShapeDrag {
  readonly id = 'resizing'
  private handle: Handle = { kind: 'corner', x: 0, y: 0, index: 0 }
  private points: number[] = []

  override onEnter(info: { shape: ShapeRecord; handle: Handle }) {
    this.begin(info.shape)
    this.handle = info.handle
    this.points = info.shape.points
  }

  override onPointerMove(e: ToolPointer): void {
    const shape = this.shape
    if (!shape || (this.handle.kind !== 'corner' && this.handle.kind !== 'edge')) return
    const handle = { kind: this.handle.kind, index: this.handle.index }
    if (shape.type === 'ellipse') {
      const box = resizeBox(ellipseBox(shape.points), shape.rotation, handle, e.x, e.y, e.shiftKey)
      const ellipse = boxToEllipse(box)
      // Radii stay positive (the model rejects a flat ellipse).
      ellipse[2] = Math.max(0.5, ellipse[2]!)
      ellipse[3] = Math.max(0.5, ellipse[3]!)
      this.points = ellipse
    } else if (shape.type === 'mask') {
      const box = resizeBox(shape.points, 0, handle, e.x, e.y, e.shiftKey)
      this.points = maskBox(box, shape.points)
    } else {
      this.points = resizeBox(shape.points, shape.rotation, handle, e.x, e.y, e.shiftKey)
    }
    this.show({ points: this.points })
  }

  override onPointerUp(): void {
    const shape = this.shape
    if (shape?.type !== 'mask') return this.end({ points: this.points })
    if (!this.moved || !shape.mask) return this.end(null)
    const resized = resizeMask(shape.mask, this.points)
    if (!resized) this.editor.showError('Nothing of the mask would be left at that size.')
    this.end(resized)
  }
}
