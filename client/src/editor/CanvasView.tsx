import { useEffect, useRef, useState } from 'react'
import type { ImageRecord } from '@loupe/model'
import {
  NO_ADJUSTMENTS,
  Renderer,
  attachNavigation,
  fitToView,
  listen,
  prepareMeshWorker,
  type ImageAdjustments,
  type RenderShape,
} from '../canvas'
import { browserStorage } from '../browser-storage'
import { rendererPort } from './canvas-port'
import type { EditorController } from './controller'
import { markOpening, OPENING_MARKS } from './opening-marks'
import { ClickCounter, toolPointer } from './pointer'

/** Shapes shown read-only while the job document loads (there is no controller yet). */
export interface CanvasPreview {
  imageId: string
  shapes: readonly RenderShape[]
  /** Called once a frame with these shapes has been drawn (after it, not inside it). */
  onPainted: () => void
}

export interface CanvasViewProps {
  /** Null while the job document loads: the canvas shows `preview` and takes no edits. */
  controller: EditorController | null
  preview?: CanvasPreview | null
  image: ImageRecord | undefined
  loadImage: (image: ImageRecord) => Promise<Blob | ImageBitmap>
  /** Image-pixel pointer position, for presence (null when the pointer leaves). */
  onCursor?: (point: { x: number; y: number } | null) => void
  /** Shown over the canvas while the image loads or failed. */
  onImageState?: (state: 'loading' | 'ready' | 'error', message?: string) => void
  /** The viewer's brightness, contrast, saturation and gamma (on screen only). */
  imageAdjustments?: ImageAdjustments
}

/** A frame with these shapes is waiting to be drawn: what to tell once it is. */
interface AwaitedFrame {
  source: 'preview' | 'document'
  shapes: number
  onPainted?: () => void
}

const FIT_PADDING = 16

/** `localStorage['loupe.debug.meshWorker'] = 'on'` turns the mesh worker on (it is off by default). */
export const MESH_WORKER_SWITCH = 'loupe.debug.meshWorker'

/**
 * Whether a big paint's meshes are shared with the mesh worker. Off unless switched on: on the
 * only machines measured (2 cores, software WebGL) sharing was no faster (the second core is
 * busy with GL uploads and V8's compiler and GC threads while the main thread builds meshes),
 * and a gain on more cores is expected but not measured yet — run
 * `npx tsx bench/first-paint/app.ts --mesh-worker on --baseline <build>` on one before turning
 * it on by default.
 */
function meshWorkerWanted(): boolean {
  return browserStorage()?.getItem(MESH_WORKER_SWITCH) === 'on'
}

// A worker starts only between the main thread's tasks (and then warms up), and a job's
// opening is a row of long ones: start it with the editor's code, well before a job's shapes
// are read.
if (meshWorkerWanted()) prepareMeshWorker()

/**
 * The WebGL canvas: mounts the Renderer (one for the editor's life: the preview painted while
 * the document loads and the live shapes share it), wires navigation (wheel, pinch, middle or
 * Space+drag) and sends the remaining pointer events to the active tool.
 */
export function CanvasView({
  controller,
  preview,
  image,
  loadImage,
  onCursor,
  onImageState,
  imageAdjustments = NO_ADJUSTMENTS,
}: CanvasViewProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const [renderer, setRenderer] = useState<Renderer | null>(null)
  const controllerRef = useRef(controller)
  const cursorRef = useRef(onCursor)
  const awaitedRef = useRef<AwaitedFrame | null>(null)
  useEffect(() => {
    cursorRef.current = onCursor
    controllerRef.current = controller
  }, [onCursor, controller])

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    let lastScale = 0
    let shapesShown = false
    const created = new Renderer(container, {
      // A big job's first paint: its meshes built on two threads, where cores are to spare.
      meshWorker: meshWorkerWanted(),
      onFrame: (stats) => {
        // Handles keep a screen-size offset: refresh them once after a zoom.
        if (created.camera.scale !== lastScale) {
          lastScale = created.camera.scale
          controllerRef.current?.refreshOverlay()
        }
        container.dataset.frames = String(stats.frames)
        container.dataset.annotationRedraws = String(stats.annotationRedraws)
        const awaited = awaitedRef.current
        if (!awaited) return
        awaitedRef.current = null
        const detail = { source: awaited.source, shapes: awaited.shapes, canvas: created.canvas }
        if (awaited.shapes > 0 && !shapesShown) {
          shapesShown = true
          markOpening(OPENING_MARKS.firstShapesFrame, detail)
        }
        if (awaited.source === 'document') markOpening(OPENING_MARKS.documentFrame, detail)
        // After this task, so that the frame reaches the screen before the caller goes on
        // (applying the document blocks the main thread for a while).
        if (awaited.onPainted) setTimeout(awaited.onPainted, 0)
      },
    })
    markOpening(OPENING_MARKS.rendererReady)
    const detachNavigation = attachNavigation(created, container)
    setRenderer(created)
    return () => {
      detachNavigation()
      created.destroy()
      awaitedRef.current = null
    }
  }, [])

  useEffect(() => renderer?.setImageAdjustments(imageAdjustments), [renderer, imageAdjustments])

  // While the document loads: the preview, read-only.
  const imageId = image?.id
  useEffect(() => {
    if (!renderer || controller) return
    const shapes = preview && preview.imageId === imageId ? preview.shapes : []
    renderer.setShapes(shapes)
    if (preview && preview.imageId === imageId) {
      awaitedRef.current = {
        source: 'preview',
        shapes: shapes.length,
        onPainted: preview.onPainted,
      }
    }
  }, [renderer, controller, preview, imageId])

  // The live editor: the controller draws through the renderer and gets the pointer.
  useEffect(() => {
    const container = containerRef.current
    if (!container || !renderer || !controller) return
    let first = true
    controller.attachCanvas(
      rendererPort(renderer, (shapes) => {
        if (!first) return
        first = false
        // The document's shapes replace a preview that was not drawn yet: it is done with.
        awaitedRef.current?.onPainted?.()
        awaitedRef.current = { source: 'document', shapes: shapes.length }
      }),
    )
    const clicks = new ClickCounter()
    let spaceHeld = false
    let toolPointerId: number | null = null
    // Tools get the primary button only; navigation has the middle button, Space and touch pairs.
    // SAM also takes the secondary button (a negative point), without the context menu.
    const secondary = () => controller.toolId === 'sam'
    const down = (e: PointerEvent) => {
      if (
        (e.button !== 0 && !(e.button === 2 && secondary())) ||
        spaceHeld ||
        (toolPointerId !== null && e.pointerId !== toolPointerId)
      ) {
        if (toolPointerId !== null && e.pointerType === 'touch') {
          controller.cancel()
          toolPointerId = null
        }
        return
      }
      container.focus({ preventScroll: true })
      toolPointerId = e.pointerId
      container.setPointerCapture(e.pointerId)
      const count = clicks.press(e.timeStamp, e.clientX, e.clientY)
      controller.pointerDown(toolPointer(e, container, renderer, count))
    }
    const move = (e: PointerEvent) => {
      const p = toolPointer(e, container, renderer)
      cursorRef.current?.({ x: p.x, y: p.y })
      if (toolPointerId === null || e.pointerId === toolPointerId) controller.pointerMove(p)
    }
    const up = (e: PointerEvent) => {
      if (e.pointerId !== toolPointerId) return
      toolPointerId = null
      controller.pointerUp(toolPointer(e, container, renderer))
    }
    const leave = () => {
      cursorRef.current?.(null)
      if (toolPointerId === null && !controller.currentTool.busy) controller.setPreview(null)
    }
    const key = (e: KeyboardEvent) => {
      if (e.code === 'Space') spaceHeld = e.type === 'keydown'
    }
    const detachPointers = listen<HTMLElementEventMap>(container, {
      pointerdown: down,
      pointermove: move,
      pointerup: up,
      pointercancel: up,
      pointerleave: leave,
      contextmenu: (e) => {
        if (secondary()) e.preventDefault()
      },
    })
    const detachKeys = listen<WindowEventMap>(window, { keydown: key, keyup: key })
    return () => {
      detachPointers()
      detachKeys()
      controller.attachCanvas(null)
    }
  }, [controller, renderer])

  const stateRef = useRef(onImageState)
  useEffect(() => {
    stateRef.current = onImageState
  }, [onImageState])

  const imageKey = image ? `${image.id}:${image.sha256}` : ''
  const imageShownRef = useRef(false)
  useEffect(() => {
    if (!renderer) return
    if (!image) {
      void renderer.setImage(null, 0, 0)
      return
    }
    // Nothing shown yet: fit the image's size now, so that shapes painted before its pixels
    // arrive (a preview, or the document's) are drawn once, at the zoom they are seen at.
    if (!imageShownRef.current) {
      renderer.setCamera(fitToView(image, renderer.viewSize, FIT_PADDING))
    }
    let cancelled = false
    stateRef.current?.('loading')
    loadImage(image)
      .then(async (source) => {
        if (cancelled) return
        await renderer.setImage(source, image.width, image.height)
        if (cancelled) return
        imageShownRef.current = true
        renderer.fit(FIT_PADDING)
        stateRef.current?.('ready')
      })
      .catch((error: unknown) => {
        if (!cancelled)
          stateRef.current?.('error', error instanceof Error ? error.message : String(error))
      })
    return () => {
      cancelled = true
    }
    // The image is identified by id and content; a new record object for it is no reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [imageKey, loadImage, renderer])

  return (
    <div
      ref={containerRef}
      className="ed-canvas"
      data-testid="editor-canvas"
      data-tool={controller?.toolId}
      data-shapes={controller ? 'document' : 'preview'}
      tabIndex={-1}
      style={{ cursor: !controller || controller.toolId === 'select' ? 'default' : 'crosshair' }}
    />
  )
}
