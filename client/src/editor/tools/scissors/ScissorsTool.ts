import type { ImageRecord } from '@loupe/model'
import { simplifyPolygon, type Point } from '@loupe/sam'
import { describeSamError } from '../../../sam/errors'
import { samService, type SamService } from '../../../sam/sam-service'
import { ASSISTED_SOURCE } from '../sam/write'
import { Tool } from '../state-node'

/**
 * Intelligent scissors: anchors clicked on the image, joined by live-wire paths that follow its
 * edges (searched in the SAM worker; no model needed). The path from the last anchor follows the
 * cursor; a double click or Enter closes the outline into a polygon.
 */
export class ScissorsTool extends Tool {
  anchors: Point[] = []
  /** Path from anchor i to anchor i + 1 (flat x,y, both ends included). */
  segments: number[][] = []
  live: number[] | null = null
  private cursor: Point | null = null
  private busyWire = false
  /** Segment searches still under way (closing waits for them). */
  private waiting: Promise<void>[] = []
  private seq = 0

  get service(): SamService {
    return samService()
  }

  start(image: ImageRecord, at: Point): void {
    this.clear()
    this.anchors = [at]
    this.cursor = at
    this.show(image)
  }

  /** The pointer moved: the live path follows (one search at a time, the latest wins). */
  follow(image: ImageRecord, to: Point): void {
    this.cursor = to
    if (!this.busyWire) void this.trace(image)
  }

  /**
   * A click: the point becomes an anchor at once, joined by a straight segment until the
   * live-wire path to it arrives.
   */
  addAnchor(image: ImageRecord, at: Point): void {
    const from = this.anchors[this.anchors.length - 1]
    if (!from) return
    const seq = this.seq
    const index = this.segments.length
    this.anchors.push(at)
    this.segments.push([from.x, from.y, at.x, at.y])
    this.live = null
    this.show(image)
    const done = this.pathBetween(image, from, at).then((path) => {
      if (seq !== this.seq || this.segments.length <= index) return
      this.segments[index] = path
      this.show(image)
    })
    this.waiting.push(done)
  }

  /** Drops the last anchor (Backspace); false when none is left. */
  removeAnchor(image: ImageRecord): boolean {
    if (this.anchors.length <= 1) return false
    this.seq++
    this.anchors.pop()
    this.segments.pop()
    this.live = null
    this.show(image)
    return true
  }

  /** Closes the outline back to the first anchor and writes the polygon. */
  async close(image: ImageRecord): Promise<boolean> {
    const first = this.anchors[0]
    const last = this.anchors[this.anchors.length - 1]
    if (!first || !last || this.anchors.length < 2) {
      this.editor.showError('Click at least two points around the object, then close.')
      return false
    }
    const seq = this.seq
    const back = await this.pathBetween(image, last, first)
    await Promise.all(this.waiting)
    if (seq !== this.seq) return false
    const outline = [...this.joined(), ...back.slice(2, -2)]
    const polygon = simplifyPolygon(outline, Math.max(0.5, this.service.settings.tolerance))
    this.clear()
    this.transition('idle')
    if (polygon.length < 6) return false
    const label = this.editor.labelFor('polygon')
    if (!label) return false
    return !!this.editor.createShape(
      { type: 'polygon', points: polygon, source: ASSISTED_SOURCE },
      label,
    )
  }

  clear(): void {
    this.seq++
    this.anchors = []
    this.segments = []
    this.waiting = []
    this.live = null
    this.cursor = null
    this.editor.setPreview(null)
  }

  override reset(): void {
    this.clear()
    super.reset()
  }

  private async trace(image: ImageRecord): Promise<void> {
    const seq = this.seq
    this.busyWire = true
    try {
      while (this.cursor && seq === this.seq) {
        const from = this.anchors[this.anchors.length - 1]
        const to = this.cursor
        if (!from) return
        const path = await this.service.scissors(image, from, to)
        if (seq !== this.seq) return
        this.live = path ?? [from.x, from.y, to.x, to.y]
        this.show(image)
        if (this.cursor === to) return
      }
    } catch (error) {
      const { title, message } = describeSamError(error)
      this.editor.showError(`${title}: ${message}`)
    } finally {
      this.busyWire = false
    }
  }

  private async pathBetween(image: ImageRecord, from: Point, to: Point): Promise<number[]> {
    try {
      return (await this.service.scissors(image, from, to)) ?? [from.x, from.y, to.x, to.y]
    } catch (error) {
      const { title, message } = describeSamError(error)
      this.editor.showError(`${title}: ${message}`)
      return [from.x, from.y, to.x, to.y]
    }
  }

  /** The committed segments as one path (shared ends once). */
  private joined(): number[] {
    const first = this.anchors[0]
    const out: number[] = first ? [first.x, first.y] : []
    for (const s of this.segments) out.push(...s.slice(2))
    return out
  }

  private show(image: ImageRecord): void {
    if (this.editor.image !== image) return
    const points = [...this.joined(), ...(this.live?.slice(2) ?? [])]
    const id = this.editor.activeLabelId
    this.editor.setPreview({
      type: 'polyline',
      points: points.length >= 4 ? points : [...points, ...points],
      color: (id && this.editor.project.getLabel(id)?.color) || '#3380ff',
    })
  }
}
