import { describe, expect, it } from 'vitest'
import {
  clampCamera,
  fitToView,
  imageToScreen,
  pan,
  pinch,
  screenToImage,
  visibleRect,
  wheelZoomFactor,
  zoomAt,
  type Camera,
} from './camera'

const view = { width: 800, height: 600 }

describe('camera', () => {
  it('maps image px to screen px and back', () => {
    const cam: Camera = { scale: 2, tx: 10, ty: -5 }
    expect(imageToScreen(cam, 3, 4)).toEqual([16, 3])
    expect(screenToImage(cam, 16, 3)).toEqual([3, 4])
  })

  it('pans by screen pixels', () => {
    expect(pan({ scale: 2, tx: 1, ty: 2 }, 10, -3)).toEqual({ scale: 2, tx: 11, ty: -1 })
  })

  it('zooms about a point, keeping the image point under it fixed', () => {
    const cam: Camera = { scale: 0.5, tx: 30, ty: 40 }
    const before = screenToImage(cam, 200, 100)
    const z = zoomAt(cam, 3, 200, 100)
    expect(z.scale).toBeCloseTo(1.5)
    const after = screenToImage(z, 200, 100)
    expect(after[0]).toBeCloseTo(before[0])
    expect(after[1]).toBeCloseTo(before[1])
  })

  it('clamps zoom to the limits', () => {
    const z = zoomAt({ scale: 1, tx: 0, ty: 0 }, 1000, 0, 0, { minScale: 0.1, maxScale: 8 })
    expect(z.scale).toBe(8)
    expect(zoomAt(z, 1e-6, 0, 0, { minScale: 0.1, maxScale: 8 }).scale).toBe(0.1)
  })

  it('turns wheel deltas into zoom factors: up zooms in, down out, lines scaled', () => {
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1)
    expect(wheelZoomFactor(100)).toBeLessThan(1)
    expect(wheelZoomFactor(100) * wheelZoomFactor(-100)).toBeCloseTo(1)
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(48))
  })

  it('pinches: two fingers keep their image points', () => {
    const cam: Camera = { scale: 1, tx: 0, ty: 0 }
    const p = pinch(cam, [100, 100], [200, 100], [150, 120], [350, 120])
    expect(p.scale).toBeCloseTo(2)
    const a = screenToImage(p, 150, 120)
    const b = screenToImage(p, 350, 120)
    expect(a[0]).toBeCloseTo(100)
    expect(a[1]).toBeCloseTo(100)
    expect(b[0]).toBeCloseTo(200)
  })

  it('fits an image centred with padding', () => {
    const cam = fitToView({ width: 10000, height: 5000 }, view, 0)
    expect(cam.scale).toBeCloseTo(0.08)
    expect(imageToScreen(cam, 0, 0)).toEqual([0, 100])
    const [x, y] = imageToScreen(cam, 10000, 5000)
    expect(x).toBeCloseTo(800)
    expect(y).toBeCloseTo(500)
    const [x1, , x2] = visibleRect(cam, view)
    expect(x1).toBeCloseTo(0)
    expect(x2).toBeCloseTo(10000)
  })

  it('clamps so the image stays reachable', () => {
    const image = { width: 1000, height: 1000 }
    const far = clampCamera({ scale: 1, tx: 5000, ty: -5000 }, image, view)
    expect(far.tx).toBe(800 - 48)
    expect(far.ty).toBe(48 - 1000)
    const ok: Camera = { scale: 1, tx: -100, ty: -100 }
    expect(clampCamera(ok, image, view)).toEqual(ok)
    const tiny = clampCamera({ scale: 1e-9, tx: 0, ty: 0 }, image, view)
    expect(tiny.scale).toBe(1 / 64)
  })
})
