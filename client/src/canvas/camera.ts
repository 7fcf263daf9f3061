// The view transform between image pixels and screen (CSS) pixels:
//   screen = image * scale + (tx, ty)
// Pure functions over an immutable value, so tools and tests can reason about views directly.

export interface Camera {
  scale: number
  tx: number
  ty: number
}

export interface Size {
  width: number
  height: number
}

export interface CameraLimits {
  minScale: number
  maxScale: number
}

export const DEFAULT_LIMITS: CameraLimits = { minScale: 1 / 64, maxScale: 64 }

export const IDENTITY: Camera = { scale: 1, tx: 0, ty: 0 }

export function imageToScreen(camera: Camera, x: number, y: number): [number, number] {
  return [x * camera.scale + camera.tx, y * camera.scale + camera.ty]
}

export function screenToImage(camera: Camera, sx: number, sy: number): [number, number] {
  return [(sx - camera.tx) / camera.scale, (sy - camera.ty) / camera.scale]
}

export function pan(camera: Camera, dx: number, dy: number): Camera {
  return { scale: camera.scale, tx: camera.tx + dx, ty: camera.ty + dy }
}

/** Zooms by `factor`, keeping the image point under screen point (sx, sy) fixed. */
export function zoomAt(
  camera: Camera,
  factor: number,
  sx: number,
  sy: number,
  limits: CameraLimits = DEFAULT_LIMITS,
): Camera {
  const scale = clampNumber(camera.scale * factor, limits.minScale, limits.maxScale)
  const k = scale / camera.scale
  return { scale, tx: sx - (sx - camera.tx) * k, ty: sy - (sy - camera.ty) * k }
}

/** The zoom factor for a wheel event's deltaY (pixels); ctrl+wheel (pinch) uses the same. */
export function wheelZoomFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY
  return Math.exp(-clampNumber(pixels, -200, 200) * 0.002)
}

/**
 * Moves and zooms so two pointers keep their image points: from (a0, b0) to (a1, b1), screen px.
 */
export function pinch(
  camera: Camera,
  a0: [number, number],
  b0: [number, number],
  a1: [number, number],
  b1: [number, number],
  limits: CameraLimits = DEFAULT_LIMITS,
): Camera {
  const d0 = Math.hypot(b0[0] - a0[0], b0[1] - a0[1])
  const d1 = Math.hypot(b1[0] - a1[0], b1[1] - a1[1])
  const m0x = (a0[0] + b0[0]) / 2
  const m0y = (a0[1] + b0[1]) / 2
  const m1x = (a1[0] + b1[0]) / 2
  const m1y = (a1[1] + b1[1]) / 2
  const zoomed = d0 > 0 ? zoomAt(camera, d1 / d0, m0x, m0y, limits) : camera
  return pan(zoomed, m1x - m0x, m1y - m0y)
}

/** The camera that shows the whole image centred in the view, with `padding` screen px. */
export function fitToView(image: Size, view: Size, padding = 16): Camera {
  const w = Math.max(1, view.width - 2 * padding)
  const h = Math.max(1, view.height - 2 * padding)
  const scale = Math.min(w / Math.max(1, image.width), h / Math.max(1, image.height))
  return {
    scale,
    tx: (view.width - image.width * scale) / 2,
    ty: (view.height - image.height * scale) / 2,
  }
}

/**
 * Keeps the scale within limits and at least `margin` screen px of the image inside the view,
 * so the image can never be panned out of reach.
 */
export function clampCamera(
  camera: Camera,
  image: Size,
  view: Size,
  limits: CameraLimits = DEFAULT_LIMITS,
  margin = 48,
): Camera {
  const scale = clampNumber(camera.scale, limits.minScale, limits.maxScale)
  const k = scale / camera.scale
  const cx = view.width / 2
  const cy = view.height / 2
  let tx = cx - (cx - camera.tx) * k
  let ty = cy - (cy - camera.ty) * k
  const w = image.width * scale
  const h = image.height * scale
  const mx = Math.min(margin, w)
  const my = Math.min(margin, h)
  tx = clampNumber(tx, mx - w, view.width - mx)
  ty = clampNumber(ty, my - h, view.height - my)
  return { scale, tx, ty }
}

/** The image-pixel rectangle visible in the view: [x1, y1, x2, y2]. */
export function visibleRect(camera: Camera, view: Size): [number, number, number, number] {
  const [x1, y1] = screenToImage(camera, 0, 0)
  const [x2, y2] = screenToImage(camera, view.width, view.height)
  return [x1, y1, x2, y2]
}

export function camerasEqual(a: Camera, b: Camera): boolean {
  return a.scale === b.scale && a.tx === b.tx && a.ty === b.ty
}

function clampNumber(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}
