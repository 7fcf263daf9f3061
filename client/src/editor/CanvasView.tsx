import { useEffect, useRef } from 'react'
import type { ImageRecord } from '@loupe/model'
import { Renderer, attachNavigation, listen } from '../canvas'
import { rendererPort } from './canvas-port'
import type { EditorController } from './controller'
import { ClickCounter, toolPointer } from './pointer'

export interface CanvasViewProps {
  controller: EditorController
  image: ImageRecord | undefined
  loadImage: (image: ImageRecord) => Promise<Blob | ImageBitmap>
  /** Image-pixel pointer position, for presence (null when the pointer leaves). */
  onCursor?: (point: { x: number; y: number } | null) => void
  /** Shown over the canvas while the image loads or failed. */
  onImageState?: (state: 'loading' | 'ready' | 'error', message?: string) => void
}

/**
 * The WebGL canvas: mounts the Renderer, wires navigation (wheel, pinch, middle or Space+drag)
 * and sends the remaining pointer events to the active tool.
 */
export function CanvasView({
  controller,
  image,
  loadImage,
  onCursor,
  onImageState,
}: CanvasViewProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const rendererRef = useRef<Renderer | null>(null)
  const cursorRef = useRef(onCursor)
  useEffect(() => {
    cursorRef.current = onCursor
  }, [onCursor])

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    let lastScale = 0
    const renderer = new Renderer(container, {
      onFrame: (stats) => {
        // Handles keep a screen-size offset: refresh them once after a zoom.
        if (renderer.camera.scale !== lastScale) {
          lastScale = renderer.camera.scale
          controller.refreshOverlay()
        }
        container.dataset.frames = String(stats.frames)
        container.dataset.annotationRedraws = String(stats.annotationRedraws)
      },
    })
    rendererRef.current = renderer
    const detachNavigation = attachNavigation(renderer, container)
    controller.attachCanvas(rendererPort(renderer))
    const clicks = new ClickCounter()
    let spaceHeld = false
    let toolPointerId: number | null = null
    // Tools get the primary button only; navigation has the middle button, Space and touch pairs.
    const down = (e: PointerEvent) => {
      if (
        e.button !== 0 ||
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
    })
    const detachKeys = listen<WindowEventMap>(window, { keydown: key, keyup: key })
    return () => {
      detachPointers()
      detachKeys()
      controller.attachCanvas(null)
      detachNavigation()
      renderer.destroy()
      rendererRef.current = null
    }
  }, [controller])

  const stateRef = useRef(onImageState)
  useEffect(() => {
    stateRef.current = onImageState
  }, [onImageState])

  const imageKey = image ? `${image.id}:${image.sha256}` : ''
  useEffect(() => {
    const renderer = rendererRef.current
    if (!renderer) return
    if (!image) {
      void renderer.setImage(null, 0, 0)
      return
    }
    let cancelled = false
    stateRef.current?.('loading')
    loadImage(image)
      .then(async (source) => {
        if (cancelled) return
        await renderer.setImage(source, image.width, image.height)
        if (cancelled) return
        renderer.fit()
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
  }, [imageKey, loadImage])

  return (
    <div
      ref={containerRef}
      className="ed-canvas"
      data-testid="editor-canvas"
      data-tool={controller.toolId}
      tabIndex={-1}
      style={{ cursor: controller.toolId === 'select' ? 'default' : 'crosshair' }}
    />
  )
}
