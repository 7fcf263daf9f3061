// The editing session of one job: current image, selection, active tool and label, per-user
// view state, and the bridge from the job document to the renderer. Shapes are never stored
// here beyond the mirror's last read; every write goes through the model.

import {
  createLocalUndoManager,
  type ImageRecord,
  type JobDocument,
  type LabelRecord,
  type LocalUndoManager,
  type ProjectDocument,
  type ShapeRecord,
  type ShapeType,
} from '@loupe/model'
import {
  HitIndex,
  type Handle,
  type PromptMarks,
  type RemoteCursor,
  type RenderShape,
} from '../canvas'
import { ChangeSource } from './change-source'
import { EditorOverlay, HANDLE_TOLERANCE } from './editor-overlay'
import { KeyBindings } from './key-bindings'
import { dispatchKey } from './key-dispatch'
import type { KeyLike } from './keymap'
import { ShapeMirror, labelLook } from './shape-mirror'
import { createShape, labelForType, writeShowingErrors, type ShapeDraft } from './shape-writes'
import { createTool, DRAWING_TOOLS, type ToolId } from './tools'
import type { Tool } from './tools/state-node'
import type { CanvasPort, EditorPreview, ToolPointer } from './types'
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
  /** Where hidden/locked view state and remapped keys are remembered (localStorage). */
  storage?: (Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>>) | null
  /**
   * The render shapes the canvas already shows for an image (the preview painted while the
   * document loaded): kept where the document draws the same, so the renderer does not rebuild.
   */
  shown?: { imageId: string; shapes: readonly RenderShape[] } | null
}

export { HANDLE_TOLERANCE }

export class EditorController extends ChangeSource {
  readonly project: ProjectDocument
  readonly job: JobDocument
  readonly readOnly: boolean
  readonly view: ViewState
  /** The key map with this browser's remappings. */
  readonly keys: KeyBindings
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
  shortcutsOpen = false
  error: string | null = null
  clipboard: ShapeRecord[] = []
  private undoManager: LocalUndoManager | null = null
  private readonly hits = new HitIndex()
  private readonly tools = new Map<ToolId, Tool>()
  private readonly overlay = new EditorOverlay(this)
  private canvas: CanvasPort | null = null
  private readonly stops: Array<() => void> = []

  constructor(options: EditorControllerOptions) {
    super()
    this.project = options.project
    this.job = options.job
    this.readOnly = options.readOnly
    this.view = new ViewState(`loupe.view.${options.job.jobId}`, options.storage ?? null)
    this.keys = new KeyBindings(options.storage ?? null)
    if (typeof window !== 'undefined' && options.storage)
      this.stops.push(this.keys.followOtherTabs(window))
    this.mirror = new ShapeMirror(
      this.job,
      (labelId) => labelLook(this.project, labelId),
      () => ({
        selectedId: this.selectedId,
        hidden: this.view.hidden,
        ghostId: this.overlay.ghostId,
      }),
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
    if (options.shown) this.mirror.adopt(options.shown.imageId, options.shown.shapes)
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
      this.keys.subscribe(() => this.changed()),
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
    // Before the first image is set, what the canvas shows (e.g. a preview) stays until then.
    if (this.mirror.hasImage) canvas?.setShapes(this.mirror.shapes)
    this.overlay.attach(canvas)
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
    this.overlay.clear()
    this.mirror.setImage(imageId)
    this.overlay.push()
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
    this.overlay.push()
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
    return dispatchKey(this, e)
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
    const label = labelForType(this.project, this.activeLabelId, type)
    if (!label) this.showError(`No label of this project allows a ${type}.`)
    return label ?? null
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
    this.overlay.push()
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

  /** The handle of the selected shape under an image point, if any. */
  handleAt(x: number, y: number): Handle | null {
    return this.overlay.handleAt(x, y)
  }

  /** Runs a model write; a ModelError is shown to the user instead of thrown. */
  write<T>(fn: () => T): T | undefined {
    return writeShowingErrors(this, fn)
  }

  /** Adds a shape of the active label to the current image and selects it. */
  createShape(input: ShapeDraft, label?: LabelRecord | null): ShapeRecord | undefined {
    return createShape(this, input, label)
  }

  setHelpOpen(open: boolean): void {
    this.helpOpen = open
    if (open) this.shortcutsOpen = false
    this.changed()
  }

  /** The dialog where keys are remapped (it replaces the help dialog while open). */
  setShortcutsOpen(open: boolean): void {
    this.shortcutsOpen = open
    if (open) this.helpOpen = false
    this.changed()
  }

  showError(message: string | null): void {
    this.error = message
    this.changed()
  }

  /** What the active tool asks for next (e.g. the skeleton node to place), shown over the canvas. */
  get toolHint(): string | null {
    return this.readOnly ? null : this.currentTool.hint
  }

  // --- overlay ------------------------------------------------------------------------------

  /** What a tool draws on the overlay while a gesture is under way. */
  setPreview(preview: EditorPreview | null): void {
    this.overlay.preview = preview
    this.overlay.push()
  }

  /** SAM's prompt (clicks and box), drawn on the overlay over the preview; null hides it. */
  setPromptMarks(marks: PromptMarks | null): void {
    this.overlay.prompts = marks
    this.overlay.push()
  }

  /** Hides a shape from the annotation layer while the overlay shows it being dragged. */
  setGhost(id: string | null): void {
    if (id === this.overlay.ghostId) return
    this.overlay.ghostId = id
    this.mirror.refreshView()
  }

  get remoteCursors(): readonly RemoteCursor[] {
    return this.overlay.remoteCursors
  }

  setRemoteCursors(cursors: RemoteCursor[]): void {
    this.overlay.remoteCursors = cursors
    this.overlay.push()
  }

  /** Recomputes handles (their rotate stem depends on the zoom). */
  refreshOverlay(): void {
    this.overlay.push()
  }

  private validateSelection(): void {
    if (!this.selectedId) return
    if (!this.mirror.get(this.selectedId)) {
      this.selectedId = null
      this.selectedVertex = null
    }
    this.overlay.push()
  }
}
