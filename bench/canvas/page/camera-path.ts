// The same pan/zoom sequence for every renderer: pan across, zoom in about the centre, pan,
// zoom back out. Cameras are absolute, so each renderer sees identical views.

import type { Camera } from '../../../client/src/canvas/index'
import { pan, zoomAt } from '../../../client/src/canvas/index'

export function cameraPath(
  start: Camera,
  view: { width: number; height: number },
  perPhase = 12,
): Camera[] {
  const out: Camera[] = []
  let c = start
  const cx = view.width / 2
  const cy = view.height / 2
  for (let i = 0; i < perPhase; i++) out.push((c = pan(c, 30, 15)))
  for (let i = 0; i < perPhase; i++) out.push((c = zoomAt(c, 1.15, cx, cy)))
  for (let i = 0; i < perPhase; i++) out.push((c = pan(c, -60, -25)))
  for (let i = 0; i < perPhase; i++) out.push((c = zoomAt(c, 1 / 1.15, cx, cy)))
  return out
}
