// Default pan and zoom gestures for a Renderer: wheel zooms about the pointer (trackpad pinch
// arrives as ctrl+wheel), middle-drag or Space+drag pans, two touch pointers pinch.
// Returns a function that detaches every listener.

import { pinch, wheelZoomFactor } from './camera'
import { listen } from './listen'
import type { Renderer } from './renderer'

export function attachNavigation(renderer: Renderer, element: HTMLElement): () => void {
  const pointers = new Map<number, [number, number]>()
  let spaceHeld = false
  let panning = false

  const local = (e: { clientX: number; clientY: number }): [number, number] => {
    const r = element.getBoundingClientRect()
    return [e.clientX - r.left, e.clientY - r.top]
  }

  const onWheel = (e: WheelEvent) => {
    e.preventDefault()
    const [x, y] = local(e)
    renderer.zoomAt(wheelZoomFactor(e.deltaY, e.deltaMode), x, y)
  }
  const onDown = (e: PointerEvent) => {
    pointers.set(e.pointerId, local(e))
    if (e.button === 1 || (e.button === 0 && spaceHeld) || pointers.size === 2) {
      panning = true
      element.setPointerCapture(e.pointerId)
      e.preventDefault()
    }
  }
  const onMove = (e: PointerEvent) => {
    const prev = pointers.get(e.pointerId)
    if (!prev) return
    const next = local(e)
    if (panning && pointers.size === 2) {
      const other = [...pointers].find(([id]) => id !== e.pointerId)?.[1]
      if (other) renderer.setCamera(pinch(renderer.camera, prev, other, next, other))
    } else if (panning) renderer.panBy(next[0] - prev[0], next[1] - prev[1])
    pointers.set(e.pointerId, next)
  }
  const onUp = (e: PointerEvent) => {
    pointers.delete(e.pointerId)
    if (pointers.size === 0) panning = false
  }
  const onKey = (e: KeyboardEvent) => {
    if (e.code === 'Space') spaceHeld = e.type === 'keydown'
  }

  const detachWheel = listen<HTMLElementEventMap>(element, { wheel: onWheel }, { passive: false })
  const detachPointers = listen<HTMLElementEventMap>(element, {
    pointerdown: onDown,
    pointermove: onMove,
    pointerup: onUp,
    pointercancel: onUp,
  })
  const detachKeys = listen<WindowEventMap>(window, { keydown: onKey, keyup: onKey })
  return () => {
    detachWheel()
    detachPointers()
    detachKeys()
  }
}
