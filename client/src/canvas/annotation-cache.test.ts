import { describe, expect, it } from 'vitest'
import {
  cacheMargin,
  cacheTransform,
  decideCache,
  type CacheMargin,
  type CacheQuery,
} from './annotation-cache'
import { imageToScreen, pan, zoomAt, type Camera } from './camera'

const screen = { width: 800, height: 600 }
const margin: CacheMargin = { x: 200, y: 150 }
const framebuffer = { width: 1200, height: 900 }
const start: Camera = { scale: 0.5, tx: 40, ty: 30 }

function query(camera: Camera, extra: Partial<CacheQuery> = {}): CacheQuery {
  return {
    cached: start,
    camera,
    contentDirty: false,
    settled: false,
    screen,
    framebuffer,
    margin,
    pixelRatio: 1,
    ...extra,
  }
}

describe('cacheMargin', () => {
  it('adds a quarter of the screen on each side, in whole pixels', () => {
    expect(cacheMargin(801, 600, 4096)).toEqual({ x: 200, y: 150 })
  })

  it('shrinks to fit the largest texture', () => {
    expect(cacheMargin(3000, 1000, 4096)).toEqual({ x: 548, y: 250 })
    expect(cacheMargin(5000, 1000, 4096)).toEqual({ x: 0, y: 250 })
  })
})

describe('cacheTransform', () => {
  it('is the identity offset by the margin when the camera has not moved', () => {
    expect(cacheTransform(start, start, 1, margin)).toEqual({ k: 1, ox: -200, oy: -150 })
  })

  it('puts every image point where the current camera shows it', () => {
    for (const ratio of [1, 2]) {
      const now = zoomAt(pan(start, 33, -12), 1.7, 300, 200)
      const t = cacheTransform(start, now, ratio, margin)
      for (const [x, y] of [
        [0, 0],
        [123.5, 77],
        [1000, 900],
      ] as const) {
        // Where the point sits in the framebuffer drawn at `start`…
        const fx = x * start.scale * ratio + start.tx * ratio + margin.x
        const fy = y * start.scale * ratio + start.ty * ratio + margin.y
        // …lands where the current camera draws it on the screen (device px).
        const [sx, sy] = imageToScreen(now, x, y)
        expect(fx * t.k + t.ox).toBeCloseTo(sx * ratio, 9)
        expect(fy * t.k + t.oy).toBeCloseTo(sy * ratio, 9)
      }
    }
  })
})

describe('decideCache', () => {
  it('redraws when nothing was drawn, the shapes changed, or navigation settled', () => {
    expect(decideCache(query(start, { cached: null }))).toBe('redraw')
    expect(decideCache(query(start, { contentDirty: true }))).toBe('redraw')
    expect(decideCache(query(pan(start, 5, 5), { settled: true }))).toBe('redraw')
  })

  it('reuses the texture as is when the camera is the one it was drawn at', () => {
    expect(decideCache(query(start))).toBe('reuse')
    expect(decideCache(query(start, { settled: true }))).toBe('reuse')
  })

  it('transforms the texture while the view stays inside the margin', () => {
    expect(decideCache(query(pan(start, 200, -150)))).toBe('transform')
    expect(decideCache(query(zoomAt(start, 1.9, 400, 300)))).toBe('transform')
    expect(decideCache(query(zoomAt(start, 1 / 1.4, 400, 300)))).toBe('transform')
  })

  it('redraws when the view leaves the margin', () => {
    expect(decideCache(query(pan(start, 201, 0)))).toBe('redraw')
    expect(decideCache(query(pan(start, 0, -151)))).toBe('redraw')
    // Zooming out 1.6× shows more than the 1.5× screen the framebuffer holds.
    expect(decideCache(query(zoomAt(start, 1 / 1.6, 400, 300)))).toBe('redraw')
  })

  it('redraws when the scale drifts past the limit', () => {
    expect(decideCache(query(zoomAt(start, 2.1, 400, 300)))).toBe('redraw')
    expect(decideCache(query(zoomAt(start, 1.5, 400, 300), { maxDrift: 1.25 }))).toBe('redraw')
  })
})
