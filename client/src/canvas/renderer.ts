// The canvas renderer: plain shapes in, pixels out. One WebGL canvas composes three layers
// that repaint for different reasons (STYLE.md):
//   image tiles  – drawn each frame from cached textures (cheap: a few quads);
//   annotations  – redrawn into a framebuffer only when shapes change or navigation settles;
//                  while the camera moves, the framebuffer (drawn with a margin around the
//                  screen) is composited transformed, as map renderers do (annotation-cache.ts);
//                  when navigation leaves it, the redraw is spread over frames (redrawBudget)
//                  and swapped in when complete. A redraw skips chunks off the framebuffer and
//                  draws shapes a few device px big as one quad each (annotation-layer.ts);
//   overlay      – handles, preview, cursors; pointer changes only recomposite.
// Frames are drawn on demand (one requestAnimationFrame per burst of changes), never in a loop.

import createREGL, { type Regl } from 'regl'
import { cacheTransform, decideCache, SETTLE_MS } from './annotation-cache'
import { AnnotationLayer } from './annotation-layer'
import {
  DEFAULT_LIMITS,
  IDENTITY,
  camerasEqual,
  clampCamera,
  fitToView,
  imageToScreen,
  pan,
  screenToImage,
  zoomAt,
  type Camera,
  type CameraLimits,
  type Size,
} from './camera'
import { parseHexColor } from './color'
import { createCommands, type Commands } from './gl-commands'
import { HitIndex } from './hit-test'
import type { ImageAdjustments } from './image-adjust'
import { sharedMeshWorker } from './mesh-worker'
import { OverlayLayer } from './overlay-layer'
import { TileLayer, type ImageInput } from './tile-layer'
import type { OverlayState, RenderShape, RendererStats } from './types'

export interface RendererOptions {
  /** Called after every frame with the live stats object. */
  onFrame?: (stats: Readonly<RendererStats>) => void
  /** Behind the image, '#rrggbb'. */
  background?: string
  /** Image tile edge in px (rounded down to a power of two ≤ min(4096, MAX_TEXTURE_SIZE)). */
  tileSize?: number
  /** Nearest-neighbour image sampling when zoomed past 1:1. */
  pixelated?: boolean
  /** Device pixels per CSS pixel; defaults to window.devicePixelRatio. */
  pixelRatio?: number
  limits?: CameraLimits
  /** Shapes per GPU buffer chunk (an edit rebuilds one chunk). */
  chunkSize?: number
  /**
   * Image px per side of the grid cells shapes are bucketed in (a redraw skips cells off the
   * screen). Default 1024.
   */
  cellSize?: number
  /**
   * Shapes at most this many device px across are drawn as one quad each (a rounded box in
   * their outline colour around their fill) instead of their exact outline. Default 8; 0 off.
   */
  smallShapePx?: number
  /** Keep the image reachable when the camera is set (default true). */
  clamp?: boolean
  /**
   * Indices (≈ vertices) of shape geometry a navigation frame may draw towards a redraw of the
   * annotation layer, which is then spread over frames (see renderNow). Default: 50,000 on
   * software GL (SwiftShader), 2,000,000 otherwise; Infinity redraws in one frame.
   */
  redrawBudget?: number
  /**
   * Ms without a camera change after which the annotation layer is redrawn sharply at the new
   * camera (until then pan/zoom frames transform the cached layer). Default 120.
   */
  settleMs?: number
  /**
   * Share big rebuilds of the shapes' meshes (at least `meshWorkerMinShapes` shapes, default
   * 3000, in two chunks or more: a job's first paint) with the page's mesh worker, so that two
   * threads build them; setShapes still returns with every mesh uploaded (mesh-share.ts).
   * Builds on the main thread alone where there is no worker or no SharedArrayBuffer (a page
   * that is not cross-origin isolated). Worth it only with cores to spare (CanvasView.tsx).
   * Default false.
   */
  meshWorker?: boolean
  meshWorkerMinShapes?: number
}

export class Renderer {
  readonly canvas: HTMLCanvasElement
  readonly stats: RendererStats = {
    frames: 0,
    annotationRedraws: 0,
    imageRedraws: 0,
    overlayRedraws: 0,
    chunkRebuilds: 0,
    cachedFrames: 0,
    steppedFrames: 0,
    steppedRedraws: 0,
    lastRedraw: { chunksDrawn: 0, chunksSkipped: 0, smallShapes: 0, indices: 0 },
    lastFrameMs: 0,
  }
  private readonly regl: Regl
  private readonly commands: Commands
  private readonly tiles: TileLayer
  private readonly annotations: AnnotationLayer
  private readonly overlay: OverlayLayer
  private readonly hits = new HitIndex()
  private readonly resizeObserver: ResizeObserver
  private readonly background: [number, number, number, number]
  private readonly pixelRatio: number
  private shapes: RenderShape[] = []
  private readonly indexById = new Map<string, number>()
  private cam: Camera = IDENTITY
  private view: Size = { width: 1, height: 1 }
  /** Shapes or sizes changed: the annotation layer must be redrawn. */
  private annotationsDirty = true
  /** When the camera last changed, and the timer that redraws once it has stopped. */
  private cameraChangedAt = 0
  private settleTimer: ReturnType<typeof setTimeout> | undefined
  private settled = false
  /** Navigation stopped (settle timer): redraw at this camera in steps, as navigation does. */
  private settling = false
  private frameRequest = 0
  private destroyed = false
  private readonly pixel = new Uint8Array(4)
  private readonly redrawBudget: number

  constructor(
    private readonly container: HTMLElement,
    private readonly options: RendererOptions = {},
  ) {
    this.pixelRatio = options.pixelRatio ?? window.devicePixelRatio ?? 1
    const [r, g, b] = parseHexColor(options.background ?? '#1e1f22')
    this.background = [r / 255, g / 255, b / 255, 1]
    if (getComputedStyle(container).position === 'static') container.style.position = 'relative'
    this.canvas = document.createElement('canvas')
    this.canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;display:block'
    container.appendChild(this.canvas)
    this.regl = createREGL({
      canvas: this.canvas,
      pixelRatio: this.pixelRatio,
      extensions: ['ANGLE_instanced_arrays'],
      optionalExtensions: ['OES_element_index_uint'],
      attributes: { alpha: false, antialias: false, depth: false, stencil: false },
    })
    this.redrawBudget = options.redrawBudget ?? (isSoftwareGl(this.regl._gl) ? 50_000 : 2_000_000)
    this.commands = createCommands(this.regl)
    this.tiles = new TileLayer(this.regl, this.commands, () => this.requestRender(), options)
    this.annotations = new AnnotationLayer(
      this.regl,
      this.commands,
      options.chunkSize,
      options.cellSize,
      options.smallShapePx,
      options.meshWorker ? sharedMeshWorker() : null,
      options.meshWorkerMinShapes,
    )
    this.overlay = new OverlayLayer(this.regl, this.commands, container)
    this.resizeObserver = new ResizeObserver(() => this.resize())
    this.resizeObserver.observe(container)
    this.resize()
  }

  // --- camera ---------------------------------------------------------------------------

  get camera(): Camera {
    return this.cam
  }

  /** CSS-pixel size of the view. */
  get viewSize(): Size {
    return this.view
  }

  setCamera(camera: Camera): void {
    const image = this.tiles.size
    const next =
      this.options.clamp !== false && image.width > 0
        ? clampCamera(camera, image, this.view, this.limits)
        : camera
    if (next.scale === this.cam.scale && next.tx === this.cam.tx && next.ty === this.cam.ty) return
    this.cam = next
    this.cameraChangedAt = performance.now()
    this.settled = false
    this.settling = false
    this.requestRender()
  }

  /**
   * Redraws the annotation layer at the current camera on the next frame, in one go, instead
   * of waiting for navigation to settle (e.g. before a screenshot). Nothing to do if it is up
   * to date. (Settling by itself, after `settleMs`, redraws in steps over a few frames.)
   */
  settle(): void {
    this.clearSettleTimer()
    this.settled = true
    this.requestRender()
  }

  panBy(dx: number, dy: number): void {
    this.setCamera(pan(this.cam, dx, dy))
  }

  /** Zooms by `factor` about screen point (sx, sy) in CSS px relative to the container. */
  zoomAt(factor: number, sx: number, sy: number): void {
    this.setCamera(zoomAt(this.cam, factor, sx, sy, this.limits))
  }

  fit(padding = 16): void {
    const image = this.tiles.size
    if (image.width > 0) this.setCamera(fitToView(image, this.view, padding))
  }

  screenToImage(sx: number, sy: number): [number, number] {
    return screenToImage(this.cam, sx, sy)
  }

  imageToScreen(x: number, y: number): [number, number] {
    return imageToScreen(this.cam, x, y)
  }

  // --- content ----------------------------------------------------------------------------

  /** Shows an image (decoded once if a Blob) and fits it the first time. */
  async setImage(input: ImageInput | null, width: number, height: number): Promise<void> {
    const first = this.tiles.size.width === 0
    await this.tiles.setImage(input, width, height)
    if (first) this.fit()
    this.requestRender()
  }

  /** Replaces the shape list (draw order = array order); unchanged objects cost nothing. */
  /** Brightness, contrast, saturation and gamma of the image on screen (shapes unchanged). */
  setImageAdjustments(adjustments: ImageAdjustments): void {
    this.tiles.setAdjustments(adjustments)
    this.requestRender()
  }

  setShapes(shapes: readonly RenderShape[]): void {
    this.shapes = [...shapes]
    this.indexById.clear()
    this.shapes.forEach((s, i) => this.indexById.set(s.id, i))
    this.syncShapes()
  }

  /** Replaces one shape by id (or appends it), rebuilding only its chunk. */
  updateShape(shape: RenderShape): void {
    const i = this.indexById.get(shape.id)
    if (i === undefined) {
      this.indexById.set(shape.id, this.shapes.length)
      this.shapes.push(shape)
    } else this.shapes[i] = shape
    this.syncShapes()
  }

  removeShape(id: string): void {
    if (!this.indexById.has(id)) return
    this.setShapes(this.shapes.filter((s) => s.id !== id))
  }

  setOverlay(overlay: OverlayState): void {
    this.overlay.set(overlay)
    this.requestRender()
  }

  /** The topmost shape under screen point (sx, sy), within `tolerance` screen px. */
  hitTest(sx: number, sy: number, tolerance = 4): RenderShape | null {
    const [x, y] = screenToImage(this.cam, sx, sy)
    return this.hits.hitTest(x, y, tolerance / this.cam.scale)
  }

  // --- frames -----------------------------------------------------------------------------

  requestRender(): void {
    if (this.frameRequest || this.destroyed) return
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0
      this.renderNow()
    })
  }

  /** Draws a frame now (the GPU may still be working when this returns; see `finish`). */
  renderNow(): void {
    if (this.destroyed) return
    // This frame is the one a pending request asked for.
    if (this.frameRequest) {
      cancelAnimationFrame(this.frameRequest)
      this.frameRequest = 0
    }
    const t0 = performance.now()
    const { regl, pixelRatio } = this
    regl.poll()
    const { annotations } = this
    const query = {
      camera: this.cam,
      contentDirty: this.annotationsDirty,
      settled: this.settled,
      screen: { width: this.canvas.width, height: this.canvas.height },
      framebuffer: annotations.size,
      margin: annotations.margin,
      pixelRatio,
    }
    const decision = decideCache({ ...query, cached: annotations.drawnAt })
    // Navigation that leaves the cached layer's margin (or zooms past its drift) does not
    // redraw the shapes in one frame: the cached layer stays on screen, transformed, while a
    // redraw at the new camera proceeds in steps over the next frames and is swapped in when
    // complete. Shape changes, a resize and settled navigation still redraw at once.
    const stepwise =
      decision === 'redraw' &&
      !this.annotationsDirty &&
      !this.settled &&
      annotations.drawnAt !== null &&
      this.redrawBudget < Infinity
    if (decision === 'redraw' && !stepwise) {
      annotations.draw(this.cam, pixelRatio)
      this.annotationsDirty = false
      this.settled = false
      this.clearSettleTimer()
      this.stats.annotationRedraws = annotations.redraws
      this.stats.lastRedraw = annotations.lastDraw
    } else {
      if (decision !== 'reuse') {
        this.stats.cachedFrames++
        this.scheduleSettle()
      }
      const drawing = annotations.drawing
      // Start a stepwise redraw, or restart one that will not cover the view when done and is
      // not yet half way. Once navigation has stopped, the redraw is at the current camera:
      // the frame that completes it is exactly what a redraw in one go would show.
      if (
        (stepwise &&
          (!drawing ||
            (decideCache({ ...query, cached: drawing }) === 'redraw' &&
              annotations.progress < 0.5))) ||
        (this.settling && decision === 'transform' && !(drawing && camerasEqual(drawing, this.cam)))
      )
        annotations.begin(this.cam, pixelRatio)
      if (decision === 'reuse') this.settling = false
      if (annotations.drawing) {
        this.stats.steppedFrames++
        if (annotations.advance(this.redrawBudget)) {
          this.stats.annotationRedraws = annotations.redraws
          this.stats.lastRedraw = annotations.lastDraw
          this.stats.steppedRedraws++
        } else this.requestRender()
      }
    }
    regl.clear({ color: this.background })
    this.tiles.draw(this.cam, this.view, pixelRatio)
    this.stats.imageRedraws++
    const t = cacheTransform(
      annotations.drawnAt ?? this.cam,
      this.cam,
      pixelRatio,
      annotations.margin,
    )
    this.commands.composite({
      texture: annotations.texture,
      transform: [t.k, t.ox, t.oy],
      size: [annotations.size.width, annotations.size.height],
      snap: t.k === 1 && Number.isInteger(t.ox) && Number.isInteger(t.oy) ? 1 : 0,
    })
    this.overlay.draw(this.cam, pixelRatio)
    this.stats.overlayRedraws++
    this.stats.frames++
    this.stats.lastFrameMs = performance.now() - t0
    this.options.onFrame?.(this.stats)
  }

  /** Blocks until the GPU has finished the frame (reads one pixel); for benchmarks and tests. */
  finish(): void {
    // Straight to GL: regl refuses reads without preserveDrawingBuffer, but reading the frame
    // before it is presented is valid and is what forces completion.
    const gl = this.regl._gl
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.pixel)
  }

  resize(): void {
    const width = Math.max(1, this.container.clientWidth)
    const height = Math.max(1, this.container.clientHeight)
    this.view = { width, height }
    this.canvas.width = Math.round(width * this.pixelRatio)
    this.canvas.height = Math.round(height * this.pixelRatio)
    this.annotations.resize(this.canvas.width, this.canvas.height)
    this.annotationsDirty = true
    this.requestRender()
  }

  destroy(): void {
    this.destroyed = true
    cancelAnimationFrame(this.frameRequest)
    this.clearSettleTimer()
    this.resizeObserver.disconnect()
    this.tiles.destroy()
    this.annotations.destroy()
    this.overlay.destroy()
    this.regl.destroy()
    this.canvas.remove()
  }

  private get limits(): CameraLimits {
    return this.options.limits ?? DEFAULT_LIMITS
  }

  /** Redraws once the camera has not changed for `settleMs` (the timer restarts lazily). */
  private scheduleSettle(): void {
    if (this.settleTimer !== undefined || this.destroyed) return
    const settleMs = this.options.settleMs ?? SETTLE_MS
    const wait = Math.max(0, this.cameraChangedAt + settleMs - performance.now())
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined
      if (performance.now() - this.cameraChangedAt < settleMs) this.scheduleSettle()
      else if (this.redrawBudget < Infinity) {
        // Redraw sharply in steps, so a pause in a gesture does not cost a long frame.
        this.settling = true
        this.requestRender()
      } else this.settle()
    }, wait)
  }

  private clearSettleTimer(): void {
    if (this.settleTimer === undefined) return
    clearTimeout(this.settleTimer)
    this.settleTimer = undefined
  }

  private syncShapes(): void {
    this.annotations.setShapes(this.shapes)
    this.stats.chunkRebuilds = this.annotations.chunkRebuilds
    this.hits.setShapes(this.shapes)
    this.annotationsDirty = true
    this.requestRender()
  }
}

/** Whether WebGL runs on the CPU (SwiftShader, llvmpipe), where every vertex costs. */
function isSoftwareGl(gl: WebGLRenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
  return /swiftshader|llvmpipe|software/i.test(name)
}
