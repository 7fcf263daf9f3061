// DOM pointer events to tool pointers: image coordinates, modifiers, and a click count that is
// the same in every browser (pointer events carry none).

import type { Renderer } from '../canvas'
import type { ToolPointer } from './types'

const DOUBLE_CLICK_MS = 400
const DOUBLE_CLICK_PX = 6

export class ClickCounter {
  private last = { t: -Infinity, x: 0, y: 0, count: 0 }

  /** The click count of a press at (x, y) screen px at time t (ms). */
  press(t: number, x: number, y: number): number {
    const near = Math.hypot(x - this.last.x, y - this.last.y) <= DOUBLE_CLICK_PX
    const count = t - this.last.t <= DOUBLE_CLICK_MS && near ? this.last.count + 1 : 1
    this.last = { t, x, y, count }
    return count
  }
}

export function toolPointer(
  e: PointerEvent,
  element: HTMLElement,
  renderer: Renderer,
  clickCount = 1,
): ToolPointer {
  const r = element.getBoundingClientRect()
  const sx = e.clientX - r.left
  const sy = e.clientY - r.top
  const [x, y] = renderer.screenToImage(sx, sy)
  return {
    x,
    y,
    sx,
    sy,
    button: e.button,
    shiftKey: e.shiftKey,
    altKey: e.altKey,
    modKey: e.ctrlKey || e.metaKey,
    clickCount,
  }
}
