import { describe, expect, it } from 'vitest'
import { rleToBitmap } from '@loupe/masks'
import { magicWand } from './magic-wand'
import type { RgbaImage } from './resize'
import { LiveWire, edgeCostMap, scissorsPath } from './scissors'

function canvas(width: number, height: number, paint: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = paint(x, y)
      data.set([v, v, v, 255], (y * width + x) * 4)
    }
  }
  return { width, height, data }
}

describe('magicWand', () => {
  // two squares touching at one corner, on a noisy background
  const image = canvas(30, 30, (x, y) => {
    if (x >= 5 && x < 15 && y >= 5 && y < 15) return 200 + ((x + y) % 3)
    if (x >= 15 && x < 25 && y >= 15 && y < 25) return 205
    return (x * 7 + y * 13) % 60
  })

  it('fills within the tolerance, 4-connected by default', () => {
    const mask = magicWand(image, { x: 6, y: 6 }, { tolerance: 10 })!
    expect(mask.box).toEqual({ x1: 5, y1: 5, x2: 15, y2: 15 })
    expect(mask.area).toBe(100)
    expect(rleToBitmap(mask.rle).data.every((v) => v === 1)).toBe(true)
  })

  it('crosses diagonal contacts with 8-connectivity; tolerance 0 takes only equal colours', () => {
    expect(magicWand(image, { x: 6, y: 6 }, { tolerance: 10, connectivity: 8 })!.area).toBe(200)
    expect(magicWand(image, { x: 20, y: 20 }, { tolerance: 0 })!.area).toBe(100)
    expect(magicWand(image, { x: 6, y: 5 }, { tolerance: 0 })!.area).toBeLessThan(100)
    expect(magicWand(image, { x: -1, y: 5 })).toBeNull()
  })
})

describe('intelligent scissors', () => {
  it('follows a strong edge rather than the straight line', () => {
    // a bright disc: the wire between two points on its rim follows the rim
    const image = canvas(100, 100, (x, y) => (Math.hypot(x - 50, y - 50) < 30 ? 230 : 20))
    const map = edgeCostMap(image)
    const path = scissorsPath(map, { x: 20, y: 50 }, { x: 80, y: 50 }, 40)!
    expect(path.slice(0, 2)).toEqual([20.5, 50.5])
    expect(path.slice(-2)).toEqual([80.5, 50.5])
    let far = 0
    for (let i = 0; i < path.length; i += 2) {
      const r = Math.hypot(path[i]! - 50, path[i + 1]! - 50)
      far = Math.max(far, Math.abs(r - 30))
    }
    expect(far).toBeLessThan(3)
    // and it went around the rim, not across the middle
    expect(path.length / 2).toBeGreaterThan(80)
  })

  it('reuses one search for a moving cursor; no path outside the window', () => {
    const map = edgeCostMap(canvas(50, 50, (x) => (x < 25 ? 0 : 255)))
    const wire = LiveWire.from(map, { x: 24, y: 2 }, { x1: 0, y1: 0, x2: 50, y2: 30 })
    const path = wire.pathTo({ x: 24, y: 28 })!
    for (let i = 0; i < path.length; i += 2) expect(Math.abs(path[i]! - 25)).toBeLessThan(2)
    expect(wire.pathTo({ x: 24, y: 40 })).toBeNull()
  })
})
