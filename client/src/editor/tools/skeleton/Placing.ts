import type { NodeVisibility } from '@loupe/model'
import { clampToImage } from '../../geometry'
import type { ToolKey, ToolPointer } from '../../types'
import { StateNode } from '../state-node'

/**
 * Placing a skeleton's nodes in the label's order: a click places the next node, Shift+click
 * places it as occluded (there, but hidden behind something), H records it as not in the image
 * (it keeps the pointer's spot, or the previous node's, and is not drawn). The shape is written once, when the last
 * node is in; Backspace takes the last node back, Esc drops the skeleton.
 */
export class Placing extends StateNode {
  readonly id = 'placing'
  private points: number[] = []
  private visibility: NodeVisibility[] = []
  private hover: [number, number] | null = null
  private labelId = ''

  override onEnter(info: { x: number; y: number; shiftKey: boolean; labelId: string }): void {
    this.labelId = info.labelId
    this.points = []
    this.visibility = []
    this.hover = null
    this.place(this.clamp(info.x, info.y), info.shiftKey ? 'occluded' : 'visible')
  }

  override onExit(): void {
    this.points = []
    this.visibility = []
    this.hover = null
  }

  override get hint(): string {
    const label = this.editor.project.getLabel(this.labelId)
    const placed = this.visibility.length
    return (
      `${label?.name ?? 'Skeleton'}: click ${this.nodes[placed] ?? ''} ` +
      `(${placed + 1} of ${this.nodes.length}) · Shift+click: occluded · H: not in the image · ` +
      'Backspace: back'
    )
  }

  override onPointerMove(e: ToolPointer): void {
    this.hover = this.clamp(e.x, e.y)
    this.show()
  }

  override onPointerDown(e: ToolPointer): void {
    if (e.button !== 0) return
    this.place(this.clamp(e.x, e.y), e.shiftKey ? 'occluded' : 'visible')
  }

  override onKeyDown(e: ToolKey): boolean {
    if (e.modKey || e.altKey) return false
    if (e.key === 'h' || e.key === 'H') {
      const n = this.points.length
      const at: [number, number] = this.hover ?? [this.points[n - 2] ?? 0, this.points[n - 1] ?? 0]
      this.place(at, 'hidden')
      return true
    }
    if (e.key === 'Backspace' || e.key === 'Delete') {
      this.points.splice(-2, 2)
      this.visibility.pop()
      if (this.points.length === 0) this.onCancel()
      else {
        this.show()
        this.editor.changed()
      }
      return true
    }
    return false
  }

  override onCancel(): boolean {
    this.editor.setPreview(null)
    this.tool.transition('idle')
    return true
  }

  private get nodes(): readonly string[] {
    return this.editor.project.getLabel(this.labelId)?.skeleton?.nodes ?? []
  }

  private place(at: [number, number], visibility: NodeVisibility): void {
    this.points.push(...at)
    this.visibility.push(visibility)
    if (this.visibility.length >= this.nodes.length) this.finish()
    else {
      this.show()
      this.editor.changed() // the hint names the next node
    }
  }

  private clamp(x: number, y: number): [number, number] {
    const image = this.editor.image
    return image ? clampToImage(x, y, image.width, image.height) : [x, y]
  }

  private show(): void {
    const label = this.editor.project.getLabel(this.labelId)
    // The nodes placed so far with their bones (the canvas leaves out hidden nodes and theirs),
    // and the next node at the pointer, joined to the placed nodes it has bones with.
    const points = this.hover ? [...this.points, ...this.hover] : [...this.points]
    const edges = (label?.skeleton?.edges ?? []).filter(
      ([a, b]) => a < points.length / 2 && b < points.length / 2,
    )
    this.editor.setPreview({
      type: 'skeleton',
      points,
      edges,
      visibility: this.hover ? [...this.visibility, 'visible'] : this.visibility,
      color: label?.color ?? '#3380ff',
    })
  }

  private finish(): void {
    const label = this.editor.project.getLabel(this.labelId)
    const points = this.points
    const visibility = this.visibility
    this.editor.setPreview(null)
    this.tool.transition('idle')
    this.editor.createShape({ type: 'skeleton', points, visibility }, label)
  }
}
