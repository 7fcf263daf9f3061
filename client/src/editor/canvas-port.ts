// Connects the WebGL Renderer to the controller: shapes and overlay in, camera scale out.

import type { Renderer, RenderShape } from '../canvas'
import type { CanvasPort } from './types'

/** `onSetShapes` sees every whole shape list the controller hands over (after the renderer). */
export function rendererPort(
  renderer: Renderer,
  onSetShapes?: (shapes: readonly RenderShape[]) => void,
): CanvasPort {
  return {
    setShapes: (shapes) => {
      renderer.setShapes(shapes)
      onSetShapes?.(shapes)
    },
    updateShape: (shape) => renderer.updateShape(shape),
    removeShape: (id) => renderer.removeShape(id),
    setOverlay: (overlay) => renderer.setOverlay(overlay),
    fit: () => renderer.fit(),
    get scale() {
      return renderer.camera.scale
    },
  }
}
