// What the editor shows on the canvas overlay: the selected shape's handles, the preview of a
// gesture in progress, SAM's prompt, and others' cursors. It derives handles from the editor's
// selection and pushes the whole overlay state to the canvas whenever one of them changes.

import type { ProjectDocument, ShapeRecord } from '@loupe/model'
import {
  handlesFor,
  type Handle,
  type PromptMarks,
  type RemoteCursor,
  type RenderShape,
} from '../canvas'
import type { EditorPreview, OverlaySink } from './types'
import type { ViewState } from './view-state'

/** Screen px within which a pointer counts as on a handle or an edge. */
export const HANDLE_TOLERANCE = 7

/** What the overlay reads from the editor. */
export interface OverlaySource {
  readonly project: ProjectDocument
  readonly view: ViewState
  readonly selected: ShapeRecord | undefined
  readonly toolId: string
  readonly scale: number
  canEdit(id: string): boolean
}

export class EditorOverlay {
  preview: EditorPreview | null = null
  /** SAM's clicks and box, drawn over the preview. */
  prompts: PromptMarks | null = null
  /** A shape being dragged: drawn on the overlay, hidden from the annotation layer. */
  ghostId: string | null = null
  remoteCursors: RemoteCursor[] = []
  private sink: OverlaySink | null = null

  constructor(private readonly editor: OverlaySource) {}

  attach(sink: OverlaySink | null): void {
    this.sink = sink
    this.push()
  }

  /** Handles of the selected shape, where the select tool can grab them. */
  handles(): Handle[] {
    const shape = this.editor.selected
    if (!shape || this.editor.toolId !== 'select' || !this.editor.canEdit(shape.id)) return []
    if (this.editor.view.hidden.has(shape.id)) return []
    const drawn: RenderShape =
      this.ghostId === shape.id && this.preview
        ? { id: shape.id, ...this.preview }
        : {
            id: shape.id,
            type: shape.type,
            points: shape.points,
            rotation: shape.rotation,
            color: '',
          }
    return handlesFor(drawn, this.editor.scale)
  }

  /** The handle of the selected shape nearest to an image point, within the tolerance. */
  handleAt(x: number, y: number): Handle | null {
    const tol = HANDLE_TOLERANCE / this.editor.scale
    let best: Handle | null = null
    let bestD = Infinity
    for (const h of this.handles()) {
      const d = Math.hypot(h.x - x, h.y - y)
      // Vertices win over edges at equal distance; the closest handle wins.
      if (d <= tol && d < bestD) {
        best = h
        bestD = d
      }
    }
    return best
  }

  /** Sends the current overlay state to the canvas. */
  push(): void {
    if (!this.sink) return
    const shape = this.editor.selected
    const color = shape ? this.editor.project.getLabel(shape.labelId)?.color : undefined
    this.sink.setOverlay({
      handles: this.handles(),
      handleColor: color ?? '#3380ff',
      preview: this.preview,
      prompts: this.prompts,
      cursors: this.remoteCursors,
    })
  }

  /** Forgets the gesture state (a new image). */
  clear(): void {
    this.preview = null
    this.prompts = null
    this.ghostId = null
  }
}
