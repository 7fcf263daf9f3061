import type { ShapePatch, ShapeRecord } from '@loupe/model'
import type { EditorPreview } from '../../types'
import { StateNode } from '../state-node'

/**
 * The shared life of a drag on one shape: an undo stop when it starts, the shape drawn on the
 * overlay (and hidden from the annotation layer) while it moves, and one write of the whole
 * new geometry when it ends. Esc puts everything back without writing.
 */
export abstract class ShapeDrag extends StateNode {
  protected shape: ShapeRecord | null = null
  protected moved = false

  protected begin(shape: ShapeRecord): void {
    this.shape = shape
    this.moved = false
    this.editor.undo.beginGesture()
  }

  /** Shows the shape as it would be after the drag. */
  protected show(geometry: Pick<EditorPreview, 'points'> & { rotation?: number }): void {
    const shape = this.shape
    if (!shape) return
    this.moved = true
    this.editor.setGhost(shape.id)
    const color = this.editor.project.getLabel(shape.labelId)?.color ?? '#3380ff'
    const preview: EditorPreview = {
      type: shape.type,
      rotation: shape.rotation,
      color,
      ...geometry,
    }
    // A mask shows its own pixels, stretched over the box being dragged.
    if (shape.mask) preview.mask = shape.mask
    this.editor.setPreview(preview)
  }

  /** Writes the patch (if the pointer moved) and returns to idle. */
  protected end(patch: ShapePatch | null): void {
    const shape = this.shape
    this.shape = null
    if (shape && patch && this.moved) {
      this.editor.write(() => this.editor.job.updateShape(shape.id, patch))
    }
    this.editor.setGhost(null)
    this.editor.setPreview(null)
    this.tool.transition('idle')
  }

  override onCancel(): boolean {
    this.end(null)
    return true
  }
}
