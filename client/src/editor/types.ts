// Plain event and port types shared by the editor controller and its tools. Nothing here knows
// about the DOM, so tools can be driven by synthetic events in tests.

import type { DrawingPreview, NodeLook, OverlayState, RenderShape, RleMask } from '../canvas'

/** A pointer event as tools see it: image pixels plus screen (CSS px) for tolerances. */
export interface ToolPointer {
  /** Image pixels. */
  x: number
  y: number
  /** CSS pixels relative to the canvas. */
  sx: number
  sy: number
  button: number
  shiftKey: boolean
  altKey: boolean
  /** Ctrl or ⌘. */
  modKey: boolean
  /** 1 for a single click, 2 for the second click of a double click. */
  clickCount: number
}

export interface ToolKey {
  /** `KeyboardEvent.key` (e.g. `Enter`, `Backspace`, `a`). */
  key: string
  shiftKey: boolean
  altKey: boolean
  modKey: boolean
}

/** What the editor draws through: the Renderer fits this, and so does a test double. */
export interface ShapeSink {
  setShapes(shapes: readonly RenderShape[]): void
  updateShape(shape: RenderShape): void
  removeShape(id: string): void
}

export interface OverlaySink {
  setOverlay(overlay: OverlayState): void
}

export type { DrawingPreview }

/** A gesture's preview; a mask carries its pixels (stretched over `points`, nearest sampled). */
export interface EditorPreview extends DrawingPreview {
  mask?: RleMask
  /** Skeletons: bones between the nodes placed so far (the overlay draws the preview as a shape). */
  edges?: [number, number][]
  visibility?: readonly NodeLook[]
}

/** The canvas as the controller drives it. */
export interface CanvasPort extends ShapeSink, OverlaySink {
  /** CSS px per image px. */
  readonly scale: number
  /** Shows the whole image. */
  fit(): void
}
