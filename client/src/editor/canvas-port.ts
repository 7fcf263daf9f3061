// Connects the WebGL Renderer to the controller: shapes and overlay in, camera scale out.

import type { Renderer } from '../canvas'
import type { CanvasPort } from './types'

export function rendererPort(renderer: Renderer): CanvasPort {
  return {
    setShapes: (shapes) => renderer.setShapes(shapes),
    updateShape: (shape) => renderer.updateShape(shape),
    removeShape: (id) => renderer.removeShape(id),
    setOverlay: (overlay) => renderer.setOverlay(overlay),
    fit: () => renderer.fit(),
    get scale() {
      return renderer.camera.scale
    },
  }
}
