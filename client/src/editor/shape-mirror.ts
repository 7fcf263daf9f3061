// Mirrors the job document's shapes of one image into render shapes. The Yjs document is the
// source of truth: this only keeps the last read records so that a change to one shape
// rebuilds one render object (the renderer compares objects by identity).

import type { JobDocument, ProjectDocument, ShapeRecord } from '@loupe/model'
import type { RenderShape } from '../canvas'
import { drawsTheSame } from './preview-shapes'
import type { ShapeSink } from './types'

/** Per-user view state that changes how shapes are drawn but never touches the document. */
export interface MirrorView {
  selectedId: string | null
  hidden: ReadonlySet<string>
  /** A shape being dragged: drawn on the overlay instead, so hidden here. */
  ghostId: string | null
}

function byZ(a: ShapeRecord, b: ShapeRecord) {
  return a.zOrder - b.zOrder || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** How a label draws its shapes: its colour, and for skeletons the bones between nodes. */
export interface LabelLook {
  color: string
  edges?: [number, number][]
}

/** How `labelId`'s shapes draw, from the project document. */
export function labelLook(project: ProjectDocument, labelId: string): LabelLook {
  const label = project.getLabel(labelId)
  return { color: label?.color ?? '#888888', edges: label?.skeleton?.edges }
}

export function toRenderShape(shape: ShapeRecord, look: LabelLook, view: MirrorView): RenderShape {
  const out: RenderShape = {
    id: shape.id,
    type: shape.type,
    points: shape.points,
    rotation: shape.rotation,
    color: look.color,
    selected: view.selectedId === shape.id,
    hidden: view.hidden.has(shape.id) || view.ghostId === shape.id,
  }
  if (shape.mask) out.mask = shape.mask
  if (shape.type === 'skeleton') {
    if (look.edges) out.edges = look.edges
    if (shape.visibility?.some((v) => v !== 'visible')) out.visibility = shape.visibility
  }
  return out
}

export class ShapeMirror {
  private imageId: string | null = null
  private readonly records = new Map<string, ShapeRecord>()
  private readonly rendered = new Map<string, RenderShape>()
  private sorted: RenderShape[] = []
  /** `list`, until the records change. */
  private listed: ShapeRecord[] | null = null
  private stop: (() => void) | null = null
  private seed: { imageId: string; shapes: readonly RenderShape[] } | null = null
  private imageSet = false

  constructor(
    private readonly job: JobDocument,
    private readonly lookOf: (labelId: string) => LabelLook,
    private readonly view: () => MirrorView,
    private readonly sinks: ShapeSink[],
    private readonly onChange: () => void = () => {},
  ) {}

  /** Render shapes bottom to top. */
  get shapes(): readonly RenderShape[] {
    return this.sorted
  }

  /**
   * Records of the current image, bottom to top. Sorted once per change of the records, not per
   * read (the Objects panel reads it on every render); do not modify it.
   */
  get list(): readonly ShapeRecord[] {
    return (this.listed ??= [...this.records.values()].sort(byZ))
  }

  get(id: string): ShapeRecord | undefined {
    return this.records.get(id)
  }

  start(): void {
    if (this.stop) return
    const handler = (
      events: Array<{ target: unknown; path: Array<string | number>; keysChanged: Set<string> }>,
    ) => {
      const ids = new Set<string>()
      for (const event of events) {
        if (event.target === this.job.shapes) for (const key of event.keysChanged) ids.add(key)
        else if (typeof event.path[0] === 'string') ids.add(event.path[0])
      }
      this.apply(ids)
    }
    this.job.shapes.observeDeep(handler as never)
    this.stop = () => this.job.shapes.unobserveDeep(handler as never)
  }

  destroy(): void {
    this.stop?.()
    this.stop = null
  }

  /**
   * Render shapes the sinks already show for `imageId` (a preview drawn while the document
   * loaded): the next `setImage(imageId)` keeps those that draw exactly what the document holds,
   * so the renderer does not rebuild them; the others are replaced. Used once.
   */
  adopt(imageId: string, shapes: readonly RenderShape[]): void {
    this.seed = { imageId, shapes }
  }

  /** Whether `setImage` was called (the sinks show this mirror's shapes). */
  get hasImage(): boolean {
    return this.imageSet
  }

  setImage(imageId: string | null): void {
    this.imageId = imageId
    this.imageSet = true
    this.records.clear()
    this.listed = null
    this.rendered.clear()
    if (imageId) for (const shape of this.job.listShapes(imageId)) this.records.set(shape.id, shape)
    const seed = this.seed && this.seed.imageId === imageId ? this.seed.shapes : null
    this.seed = null
    if (seed) this.rebuildFrom(seed)
    else this.rebuild(true)
  }

  /** Re-derives colours and view flags (selection, hidden, labels); unchanged shapes are kept. */
  refreshView(): void {
    this.rebuild(false)
  }

  private apply(ids: ReadonlySet<string>): void {
    this.listed = null
    let reorder = false
    const updated: string[] = []
    for (const id of ids) {
      const before = this.records.get(id)
      const shape = this.job.getShape(id)
      if (shape && shape.imageId === this.imageId) {
        this.records.set(id, shape)
        if (!before || before.zOrder !== shape.zOrder) reorder = true
        else updated.push(id)
      } else if (before) {
        this.records.delete(id)
        reorder = true
      }
    }
    if (reorder) {
      for (const id of ids) this.rendered.delete(id)
      this.rebuild(false)
      return
    }
    if (updated.length === 0) return
    const view = this.view()
    for (const id of updated) {
      const shape = this.records.get(id)!
      const next = toRenderShape(shape, this.lookOf(shape.labelId), view)
      this.rendered.set(id, next)
      const i = this.sorted.findIndex((s) => s.id === id)
      if (i >= 0) this.sorted[i] = next
      for (const sink of this.sinks) sink.updateShape(next)
    }
    this.onChange()
  }

  /** A first build that reuses the shown objects that draw what the document holds. */
  private rebuildFrom(shown: readonly RenderShape[]): void {
    const byId = new Map(shown.map((s) => [s.id, s]))
    const view = this.view()
    const next: RenderShape[] = []
    for (const shape of this.list) {
      const fresh = toRenderShape(shape, this.lookOf(shape.labelId), view)
      const old = byId.get(shape.id)
      let value = fresh
      if (old && drawsTheSame(old, fresh)) {
        // Same drawing: keep the object the renderer has, holding the record's own arrays so
        // that later refreshes compare by identity as usual.
        old.points = fresh.points
        if (fresh.mask) old.mask = fresh.mask
        old.rotation = fresh.rotation
        value = old
      }
      this.rendered.set(shape.id, value)
      next.push(value)
    }
    this.sorted = next
    for (const sink of this.sinks) sink.setShapes(next)
    this.onChange()
  }

  private rebuild(force: boolean): void {
    const view = this.view()
    const next: RenderShape[] = []
    for (const shape of this.list) {
      const fresh = toRenderShape(shape, this.lookOf(shape.labelId), view)
      const old = this.rendered.get(shape.id)
      const keep =
        !force &&
        old !== undefined &&
        old.points === fresh.points &&
        old.color === fresh.color &&
        old.selected === fresh.selected &&
        old.hidden === fresh.hidden
      const value = keep ? old : fresh
      this.rendered.set(shape.id, value)
      next.push(value)
    }
    const changed =
      force || next.length !== this.sorted.length || next.some((s, i) => s !== this.sorted[i])
    this.sorted = next
    if (!changed) return
    for (const sink of this.sinks) sink.setShapes(next)
    this.onChange()
  }
}
