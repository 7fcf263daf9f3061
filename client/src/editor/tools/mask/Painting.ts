import type { ShapeRecord } from '@loupe/model'
import type { ToolPointer } from '../../types'
import { StateNode } from '../state-node'
import {
  bitmapToMask,
  emptyBitmap,
  growBitmap,
  maskBitmap,
  paintDiscs,
  strokeBox,
  strokeDiscs,
  strokeOutline,
} from './brush'

interface PaintStart {
  x: number
  y: number
  /** The selected mask the stroke adds to (brush) or erases from (eraser). */
  target: ShapeRecord | null
  labelId: string | null
}

/**
 * One brush stroke. The stroke previews on the overlay as a fat line; on release it is
 * rasterised and written once: a new mask, or the selected mask grown (brush) or cut (eraser).
 */
export class Painting extends StateNode {
  readonly id = 'painting'
  private path: number[] = []
  private start: PaintStart = { x: 0, y: 0, target: null, labelId: null }

  override onEnter(info: PaintStart): void {
    this.start = info
    this.path = [info.x, info.y]
    this.showPreview()
  }

  override onPointerMove(e: ToolPointer): void {
    this.path.push(e.x, e.y)
    this.showPreview()
  }

  override onPointerUp(): void {
    this.commit()
    this.tool.transition('idle')
  }

  override onCancel(): boolean {
    this.editor.setPreview(null)
    this.tool.transition('idle')
    return true
  }

  private get erase(): boolean {
    return this.tool.id === 'eraser'
  }

  private showPreview(): void {
    const labelId = this.start.target?.labelId ?? this.start.labelId
    const color = this.erase
      ? '#ffffff'
      : ((labelId && this.editor.project.getLabel(labelId)?.color) ?? '#3380ff')
    this.editor.setPreview({
      type: 'polygon',
      points: strokeOutline(this.path, this.editor.brushSize),
      color,
    })
  }

  private commit(): void {
    const editor = this.editor
    editor.setPreview(null)
    const image = editor.image
    if (!image) return
    const radius = editor.brushSize
    const discs = strokeDiscs(this.path, radius)
    const box = strokeBox(discs, radius, image.width, image.height)
    const target = this.start.target
    if (!box) return
    if (!target) {
      const bitmap = emptyBitmap(box.x1, box.y1, box.x2, box.y2)
      paintDiscs(bitmap, discs, radius)
      const mask = bitmapToMask(bitmap)
      const label = this.start.labelId ? editor.project.getLabel(this.start.labelId) : null
      if (mask) editor.createShape({ type: 'mask', ...mask }, label)
      return
    }
    const current = editor.job.getShape(target.id)
    if (!current?.mask) return
    const existing = maskBitmap(current.points, current.mask)
    const bitmap = this.erase ? existing : growBitmap(existing, box)
    paintDiscs(bitmap, discs, radius, this.erase)
    const mask = bitmapToMask(bitmap)
    if (mask) editor.write(() => editor.job.updateShape(target.id, mask))
    else {
      editor.write(() => editor.job.deleteShape(target.id))
      editor.select(null)
    }
  }
}
