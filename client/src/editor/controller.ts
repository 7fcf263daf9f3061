// The editing session of one job: current image, selection, active tool and label, per-user
// view state, and the bridge from the job document to the renderer. Shapes are never stored
// here beyond the mirror's last read; every write goes through the model.

import {
  ModelError,
  createLocalUndoManager,
  type ImageRecord,
  type JobDocument,
  type LabelRecord,
  type LocalUndoManager,
  type ProjectDocument,
  type ShapeInput,
  type ShapeRecord,
  type ShapeType,
} from '@loupe/model'
import {
  HitIndex,
  handlesFor,
  type DrawingPreview,
  type Handle,
  type RemoteCursor,
  type RenderShape,
} from '../canvas'
import { runAction } from './actions'
import { bindingFor, type KeyLike } from './keymap'
import { ShapeMirror } from './shape-mirror'
import { createTool, DRAWING_TOOLS, type ToolId } from './tools'
import type { Tool } from './tools/state-node'
import type { CanvasPort, ToolPointer } from './types'
import { ViewState } from './view-state'

export interface EditorUser {
  id: string
  name: string
  color: string
}

export interface EditorHost {
  onImageChange?(imageId: string): void
}

export interface EditorControllerOptions {
  project: ProjectDocument
  job: JobDocument
  readOnly: boolean
  /** Where hidden/locked view state is remembered (localStorage in the app). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null
}

/** Screen px within which a pointer counts as on a handle or an edge. */
export const HANDLE_TOLERANCE = 7

export class EditorController {
  readonly project: ProjectDocument
  readonly job: JobDocument
  readonly readOnly: boolean
  readonly view: ViewState
  readonly mirror: ShapeMirror
  /** Shapes this user drew in this session: their fixed (immutable) attributes may still be set. */
  readonly createdHere = new Set<string>()
  private host: EditorHost = {}
  images: readonly ImageRecord[] = []
  imageId: string | null = null
  selectedId: string | null = null
  selectedVertex: number | null = null
  activeLabelId: string | null = null
  toolId: ToolId = 'select'
  lastDrawingTool: ToolId = 'rectangle'
  brushSize = 12
  helpOpen = false
  error: string | null = null
  clipboard: ShapeRecord[] = []
  remoteCursors: RemoteCursor[] = []
  /** Bumped on every change React should see (useSyncExternalStore snapshot). */
  version = 0
  private undoManager: LocalUndoManager | null = null
  private readonly hits = new HitIndex()
  private readonly tools = new Map<ToolId, Tool>()
  private preview: DrawingPreview | null = null
  private ghostId: string | null = null
  private canvas: CanvasPort | null = null
  private readonly listeners = new Set<() => void>()
  private readonly stops: Array<() => void> = []

  constructor(options: EditorControllerOptions) {
    this.project = options.project
    this.job = options.job
    this.readOnly = options.readOnly
    this.view = new ViewState(`loupe.view.${options.job.jobId}`, options.storage ?? null)
    this.mirror = new ShapeMirror(
      this.job,
      (labelId) => this.project.getLabel(labelId)?.color ?? '#888888',
      () => ({ selectedId: this.selectedId, hidden: this.view.hidden, ghostId: this.ghostId }),
      [
        {
          setShapes: (shapes) => this.canvas?.setShapes(shapes),
          updateShape: (shape) => this.canvas?.updateShape(shape),
          removeShape: (id) => this.canvas?.removeShape(id),
        },
      ],
      () => {
        this.hits.setShapes(this.mirror.shapes)
        this.validateSelection()
        this.changed()
      },
    )
    this.activeLabelId = this.project.listLabels()[0]?.id ?? null
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** Subscribes to the documents; `stop` undoes it (safe to call again, as StrictMode does). */
  start(): void {
    if (this.undoManager) return
    this.undoManager = createLocalUndoManager(this.job)
    this.mirror.start()
    this.stops.push(
      this.project.onChange(() => {
        if (this.activeLabelId && !this.project.getLabel(this.activeLabelId))
          this.activeLabelId = this.project.listLabels()[0]?.id ?? null
        this.mirror.refreshView()
        this.changed()
      }),
      this.job.onChange(() => this.changed()),
      this.undoManager.onChange(() => this.changed()),
    )
  }

  stop(): void {
    this.mirror.destroy()
    for (const stop of this.stops.splice(0)) stop()
    this.undoManager?.destroy()
    this.undoManager = null
  }

  get undoReady(): boolean {
    return this.undoManager !== null
  }

  get undo(): LocalUndoManager {
    if (!this.undoManager) throw new Error('EditorController.start() was not called')
    return this.undoManager
  }

  /** Connects the renderer (or a test double); `null` disconnects. */
  attachCanvas(canvas: CanvasPort | null): void {
    this.canvas = canvas
    if (canvas) {
      canvas.setShapes(this.mirror.shapes)
      this.pushOverlay()
    }
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  getVersion = (): number => this.version

  changed(): void {
    this.version++
    for (const fn of this.listeners) fn()
  }

  setHost(host: EditorHost): void {
    this.host = host
  }

  /** Asks the host to show another image. */
  goToImage(imageId: string): void {
    this.host.onImageChange?.(imageId)
  }

  /** Shows the whole image. */
  fit(): void {
    this.canvas?.fit()
  }

  // --- images -------------------------------------------------------------------------------

  get image(): ImageRecord | undefined {
    return this.images.find((i) => i.id === this.imageId)
  }

  setImages(images: readonly ImageRecord[]): void {
    this.images = images
    this.changed()
  }

  setImage(imageId: string | null): void {
    if (imageId === this.imageId) return
    this.currentTool.reset()
    this.imageId = imageId
    this.selectedId = null
    this.selectedVertex = null
    this.ghostId = null
    this.preview = null
    this.mirror.setImage(imageId)
    this.pushOverlay()
    this.changed()
  }

  /** The image `step` places after (or before) the current one, if any. */
  imageAt(step: number): ImageRecord | undefined {
    const i = this.images.findIndex((img) => img.id === this.imageId)
    return i < 0 ? undefined : this.images[i + step]
  }

  // --- tools --------------------------------------------------------------------------------

  get currentTool(): Tool {
    return this.tool(this.toolId)
  }

  private tool(id: ToolId): Tool {
    let tool = this.tools.get(id)
    if (!tool) {
      tool = createTool(id, this)
      this.tools.set(id, tool)
    }
    return tool
  }

  setTool(id: ToolId): void {
    if (this.readOnly && id !== 'select') {
      this.showError('This job is view only: drawing tools are off.')
      return
    }
    if (id === this.toolId) return
    this.currentTool.reset()
    this.toolId = id
    if (DRAWING_TOOLS.includes(id)) this.lastDrawingTool = id
    this.selectedVertex = null
    this.pushOverlay()
    this.changed()
  }

  pointerDown(e: ToolPointer): void {
    this.currentTool.pointerDown(e)
  }

  pointerMove(e: ToolPointer): void {
    this.currentTool.pointerMove(e)
  }

  pointerUp(e: ToolPointer): void {
    this.currentTool.pointerUp(e)
  }

  /** A key press: the active tool state first, then the key map. Returns whether it was used. */
  keyDown(e: KeyLike): boolean {
    const modKey = e.ctrlKey || e.metaKey
    if (this.currentTool.keyDown({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, modKey }))
      return true
    const binding = bindingFor(e)
    if (!binding || binding.hold) return false
    if (binding.disabled) {
      this.showError(binding.disabled)
      return true
    }
    runAction(this, binding.id)
    return true
  }

  /** Esc: cancels the gesture in progress, else clears the selection. */
  cancel(): void {
    if (this.currentTool.cancel()) return
    if (this.helpOpen) return this.setHelpOpen(false)
    this.select(null)
  }

  // --- labels -------------------------------------------------------------------------------

  get labels(): LabelRecord[] {
    return this.project.listLabels()
  }

  setBrushSize(size: number): void {
    this.brushSize = Math.max(1, Math.min(500, Math.round(size)))
    this.changed()
  }

  setActiveLabel(id: string): void {
    this.activeLabelId = id
    this.changed()
  }

  /** The label a new shape of `type` gets: the active one if it allows the type. */
  labelFor(type: ShapeType): LabelRecord | null {
    const allows = (l: LabelRecord) => l.type === 'any' || l.type === type
    const active = this.activeLabelId ? this.project.getLabel(this.activeLabelId) : undefined
    if (active && allows(active)) return active
    const other = this.labels.find(allows)
    if (!other) {
      this.showError(`No label of this project allows a ${type}.`)
      return null
    }
    return other
  }

  // --- selection, shapes --------------------------------------------------------------------

  get selected(): ShapeRecord | undefined {
    return this.selectedId ? this.mirror.get(this.selectedId) : undefined
  }

  select(id: string | null, vertex: number | null = null): void {
    if (id === this.selectedId && vertex === this.selectedVertex) return
    this.selectedId = id
    this.selectedVertex = vertex
    this.mirror.refreshView()
    this.pushOverlay()
    this.changed()
  }

  /** Whether this user may change the shape now (not view only, not locked by this user). */
  canEdit(id: string): boolean {
    return !this.readOnly && !this.view.locked.has(id)
  }

  /** The topmost visible shape at an image point, `HANDLE_TOLERANCE` screen px wide. */
  hitShape(x: number, y: number): RenderShape | null {
    return this.hits.hitTest(x, y, HANDLE_TOLERANCE / this.scale)
  }

  get scale(): number {
    return this.canvas?.scale ?? 1
  }

  /** The handle of the selected shape under a screen-relative image point, if any. */
  handleAt(x: number, y: number): Handle | null {
    const tol = HANDLE_TOLERANCE / this.scale
    let best: Handle | null = null
    let bestD = Infinity
    for (const h of this.selectionHandles()) {
      const d = Math.hypot(h.x - x, h.y - y)
      // Vertices win over edges at equal distance; the closest handle wins.
      if (d <= tol && d < bestD) {
        best = h
        bestD = d
      }
    }
    return best
  }

  /** Runs a model write; a ModelError is shown to the user instead of thrown. */
  write<T>(fn: () => T): T | undefined {
    try {
      const result = fn()
      if (this.error) {
        this.error = null
        this.changed()
      }
      return result
    } catch (error) {
      if (error instanceof ModelError) {
        this.showError(error.message)
        return undefined
      }
      throw error
    }
  }

  /** Adds a shape of the active label to the current image and selects it. */
  createShape(
    input: Pick<ShapeInput, 'type' | 'points'> & Partial<ShapeInput>,
    label?: LabelRecord | null,
  ): ShapeRecord | undefined {
    const imageId = this.imageId
    const chosen = label ?? this.labelFor(input.type)
    if (!imageId || !chosen) return undefined
    const shape = this.write(() =>
      this.job.addShape({ imageId, labelId: chosen.id, source: 'manual', ...input }),
    )
    if (shape) {
      this.createdHere.add(shape.id)
      this.select(shape.id)
    }
    return shape
  }

  setHelpOpen(open: boolean): void {
    this.helpOpen = open
    this.changed()
  }

  showError(message: string | null): void {
    this.error = message
    this.changed()
  }

  // --- overlay ------------------------------------------------------------------------------

  /** What a tool draws on the overlay while a gesture is under way. */
  setPreview(preview: DrawingPreview | null): void {
    this.preview = preview
    this.pushOverlay()
  }

  /** Hides a shape from the annotation layer while the overlay shows it being dragged. */
  setGhost(id: string | null): void {
    if (id === this.ghostId) return
    this.ghostId = id
    this.mirror.refreshView()
  }

  setRemoteCursors(cursors: RemoteCursor[]): void {
    this.remoteCursors = cursors
    this.pushOverlay()
  }

  /** Recomputes handles (their rotate stem depends on the zoom). */
  refreshOverlay(): void {
    this.pushOverlay()
  }

  private selectionHandles(): Handle[] {
    const shape = this.selected
    if (!shape || this.toolId !== 'select' || !this.canEdit(shape.id)) return []
    if (this.view.hidden.has(shape.id) || shape.type === 'mask') return []
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
    return handlesFor(drawn, this.scale)
  }

  private pushOverlay(): void {
    if (!this.canvas) return
    const shape = this.selected
    const color = shape ? this.project.getLabel(shape.labelId)?.color : undefined
    this.canvas.setOverlay({
      handles: this.selectionHandles(),
      handleColor: color ?? '#3380ff',
      preview: this.preview,
      cursors: this.remoteCursors,
    })
  }

  private validateSelection(): void {
    if (this.selectedId && !this.mirror.get(this.selectedId)) {
      this.selectedId = null
      this.selectedVertex = null
      this.pushOverlay()
    } else if (this.selectedId) this.pushOverlay()
  }
}
