import { clampToImage, minVertices } from '../../geometry'
import type { ToolKey, ToolPointer } from '../../types'
import { StateNode } from '../state-node'

export type PointListType = 'polygon' | 'polyline' | 'points'

/** Screen px within which a click on the first vertex closes a polygon. */
const CLOSE_DISTANCE = 8

/**
 * Clicking vertices. Enter, a double click, or (polygons) a click on the first vertex finishes;
 * Backspace removes the last vertex; Esc drops the shape. The document is written once.
 */
export class Drawing extends StateNode {
  readonly id = 'drawing'
  private points: number[] = []
  private hover: [number, number] | null = null
  private labelId = ''

  override onEnter(info: { x: number; y: number; labelId: string }): void {
    this.labelId = info.labelId
    this.points = [...this.clamp(info.x, info.y)]
    this.hover = null
    this.showPreview()
  }

  override onExit(): void {
    this.points = []
    this.hover = null
  }

  override onPointerMove(e: ToolPointer): void {
    this.hover = this.clamp(e.x, e.y)
    this.showPreview()
  }

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    if (e.clickCount >= 2) return this.finish()
    const [fx = 0, fy = 0] = this.points
    const nearFirst =
      Math.hypot(fx - e.x, fy - e.y) * this.editor.scale <= CLOSE_DISTANCE &&
      this.points.length >= 6
    if (this.type === 'polygon' && nearFirst) return this.finish()
    this.points.push(...this.clamp(e.x, e.y))
    this.showPreview()
  }

  override onKeyDown(e: ToolKey): boolean {
    if (e.key === 'Enter') {
      this.finish()
      return true
    }
    if (e.key === 'Backspace' || e.key === 'Delete') {
      this.points.splice(-2, 2)
      if (this.points.length === 0) this.onCancel()
      else this.showPreview()
      return true
    }
    return false
  }

  override onCancel(): boolean {
    this.editor.setPreview(null)
    this.tool.transition('idle')
    return true
  }

  private get type(): PointListType {
    return this.tool.id as PointListType
  }

  private clamp(x: number, y: number): [number, number] {
    const image = this.editor.image
    return image ? clampToImage(x, y, image.width, image.height) : [x, y]
  }

  private showPreview(): void {
    const label = this.editor.project.getLabel(this.labelId)
    const points =
      this.hover && this.type !== 'points' ? [...this.points, ...this.hover] : this.points
    // Until a polygon has three vertices it previews as a line.
    const type = this.type === 'polygon' && points.length < 6 ? 'polyline' : this.type
    this.editor.setPreview({ type, points, color: label?.color ?? '#3380ff' })
  }

  private finish(): void {
    const points = dropRepeats(this.points)
    const label = this.editor.project.getLabel(this.labelId)
    this.editor.setPreview(null)
    this.tool.transition('idle')
    const min = minVertices(this.type)
    if (points.length / 2 < min) {
      this.editor.showError(`A ${this.type} needs at least ${min} points.`)
      return
    }
    this.editor.createShape({ type: this.type, points }, label)
  }
}

/** Drops consecutive duplicate vertices (a double click lands twice on one spot). */
function dropRepeats(points: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i]!
    const y = points[i + 1]!
    if (out.length >= 2 && out[out.length - 2] === x && out[out.length - 1] === y) continue
    out.push(x, y)
  }
  return out
}
