import { describe, expect, it } from 'vitest'
import { chooseTileSize, coarsestLevel, levelForScale, tilesInRect } from './tiles'

describe('image tiles', () => {
  it('sizes tiles to a power of two within the GPU limit', () => {
    expect(chooseTileSize(16384)).toBe(1024)
    expect(chooseTileSize(16384, 8192)).toBe(4096)
    expect(chooseTileSize(2000, 4096)).toBe(1024)
  })

  it('builds a pyramid down to one tile', () => {
    expect(coarsestLevel(10000, 10000, 1024)).toBe(4)
    expect(coarsestLevel(800, 600, 1024)).toBe(0)
  })

  it('picks the level matching the zoom', () => {
    expect(levelForScale(2, 4)).toBe(0)
    expect(levelForScale(1, 4)).toBe(0)
    expect(levelForScale(0.6, 4)).toBe(0)
    expect(levelForScale(0.5, 4)).toBe(1)
    expect(levelForScale(0.08, 4)).toBe(3)
    expect(levelForScale(0.001, 4)).toBe(4)
  })

  it('lists only the tiles touching the view, within the image', () => {
    const t = tilesInRect(0, [1500, 100, 2100, 900], 10000, 10000, 1024)
    expect(t.map((k) => [k.col, k.row])).toEqual([
      [1, 0],
      [2, 0],
    ])
    const all = tilesInRect(4, [-500, -500, 20000, 20000], 10000, 10000, 1024)
    expect(all).toEqual([{ level: 4, col: 0, row: 0, x: 0, y: 0, span: 16384 }])
    expect(tilesInRect(0, [-1e6, -1e6, 1e6, 1e6], 10000, 10000, 1024).length).toBe(100)
  })
})
