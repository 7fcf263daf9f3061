// The annotation layer as a cached texture during navigation, the way map renderers do it.
// The layer is drawn into a framebuffer larger than the screen (a margin on every side) at some
// camera; while only the camera changes, that texture is composited with the transform between
// the camera it was drawn at and the current one, and the shapes are redrawn once navigation
// settles, or sooner when the texture no longer covers the screen or is scaled too far.
// Pure functions: the Renderer owns the timers and the GPU.

import { camerasEqual, type Camera, type Size } from './camera'

/** Device pixels added on each side of the screen in the annotation framebuffer. */
export interface CacheMargin {
  x: number
  y: number
}

/** Maps framebuffer pixels to screen device pixels: screen = fb * k + (ox, oy). */
export interface CacheTransform {
  k: number
  ox: number
  oy: number
}

/** The fraction of the screen's width and height added on each side (1.5× the screen). */
export const CACHE_MARGIN_FRACTION = 0.25

/** Scale drift (either way) past which the cached texture is too blurry or blocky to show. */
export const MAX_CACHE_DRIFT = 2

/** No camera change for this long (ms) means navigation has settled: redraw sharply. */
export const SETTLE_MS = 120

/**
 * The framebuffer margin for a screen of `width` × `height` device px: whole pixels (so a
 * settled frame samples texel centres exactly), shrunk to fit `maxTextureSize`.
 */
export function cacheMargin(
  width: number,
  height: number,
  maxTextureSize: number,
  fraction = CACHE_MARGIN_FRACTION,
): CacheMargin {
  const side = (size: number) =>
    Math.max(0, Math.min(Math.round(size * fraction), Math.floor((maxTextureSize - size) / 2)))
  return { x: side(width), y: side(height) }
}

/**
 * The transform from the framebuffer drawn at camera `from` (image px → fb device px is
 * `p * from.scale * pixelRatio + from.t * pixelRatio + margin`) to the screen at camera `to`.
 */
export function cacheTransform(
  from: Camera,
  to: Camera,
  pixelRatio: number,
  margin: CacheMargin,
): CacheTransform {
  const k = to.scale / from.scale
  return {
    k,
    ox: to.tx * pixelRatio - (from.tx * pixelRatio + margin.x) * k,
    oy: to.ty * pixelRatio - (from.ty * pixelRatio + margin.y) * k,
  }
}

/** 'redraw' the shapes, 'reuse' the texture as drawn, or 'transform' it to the new camera. */
export type CacheDecision = 'redraw' | 'reuse' | 'transform'

export interface CacheQuery {
  /** The camera the framebuffer was drawn at, or null if it holds nothing valid. */
  cached: Camera | null
  camera: Camera
  /** Shapes or sizes changed since the framebuffer was drawn. */
  contentDirty: boolean
  /** Navigation has settled (no camera change for SETTLE_MS). */
  settled: boolean
  /** Screen and framebuffer sizes in device px. */
  screen: Size
  framebuffer: Size
  margin: CacheMargin
  pixelRatio: number
  maxDrift?: number
}

export function decideCache(q: CacheQuery): CacheDecision {
  if (q.contentDirty || !q.cached) return 'redraw'
  if (camerasEqual(q.cached, q.camera)) return 'reuse'
  if (q.settled) return 'redraw'
  const maxDrift = q.maxDrift ?? MAX_CACHE_DRIFT
  const t = cacheTransform(q.cached, q.camera, q.pixelRatio, q.margin)
  if (t.k > maxDrift || t.k < 1 / maxDrift) return 'redraw'
  // The drawn area must cover the whole screen (small tolerance for float error).
  const eps = 1e-3
  const covers =
    t.ox <= eps &&
    t.oy <= eps &&
    t.ox + q.framebuffer.width * t.k >= q.screen.width - eps &&
    t.oy + q.framebuffer.height * t.k >= q.screen.height - eps
  return covers ? 'transform' : 'redraw'
}
