import { describe, expect, it } from 'vitest'
import { validateRle } from '@loupe/model'
import { decodeRle } from '../../../canvas'
import { drag, key, setupEditor } from '../../__fixtures__/editor'
import { bitmapToMask, emptyBitmap, paintDiscs } from './brush'

describe('mask brush', () => {
  it('encodes column-major RLE over a tight integer box with exclusive x2/y2', () => {
    const b = emptyBitmap(10, 20, 14, 23)
    // Pixels (11,20) and (11,21), (12,22): box [11,20,13,23], size [3,2].
    b.data[0 * 4 + 1] = 1
    b.data[1 * 4 + 1] = 1
    b.data[2 * 4 + 2] = 1
    const mask = bitmapToMask(b)!
    expect(mask.points).toEqual([11, 20, 13, 23])
    expect(mask.mask.size).toEqual([3, 2])
    // Column 0 (x=11): 1,1,0; column 1 (x=12): 0,0,1 → runs 0,2,3,1.
    expect(mask.mask.counts).toEqual([0, 2, 3, 1])
    expect(() => validateRle(mask.mask, 'mask', mask.points)).not.toThrow()
  })

  it('a stroke creates a valid mask shape; a second stroke grows it; the eraser cuts it', () => {
    const { editor, job } = setupEditor()
    editor.keyDown(key('m'))
    editor.setBrushSize(5)
    drag(editor, [100, 100], [120, 100], [140, 100])
    const [mask] = job.listShapes('img1')
    expect(mask?.type).toBe('mask')
    expect(mask!.points).toEqual([95, 95, 145, 105])
    expect(mask!.mask!.size).toEqual([10, 50])
    drag(editor, [140, 100], [140, 150])
    const grown = job.getShape(mask!.id)!
    expect(grown.points).toEqual([95, 95, 145, 155])
    expect(job.listShapes('img1')).toHaveLength(1)
    editor.keyDown(key('M', { shiftKey: true }))
    expect(editor.toolId).toBe('eraser')
    drag(editor, [100, 100], [130, 100])
    const cut = job.getShape(mask!.id)!
    const pixels = decodeRle(cut.mask!)
    const [x1, y1, x2, y2] = cut.points as [number, number, number, number]
    const at = (x: number, y: number) =>
      x >= x1 && x < x2 && y >= y1 && y < y2 ? pixels[(y - y1) * (x2 - x1) + (x - x1)] : 0
    expect(x1).toBeGreaterThan(130)
    expect(at(110, 100)).toBeFalsy()
    expect(at(140, 140)).toBe(255)
    editor.keyDown(key('z', { ctrlKey: true }))
    expect(job.getShape(mask!.id)!.points).toEqual(grown.points)
  })

  it('paints whole pixels whose centres are inside the brush', () => {
    const b = emptyBitmap(0, 0, 10, 10)
    paintDiscs(b, [5, 5], 1)
    expect([...b.data].filter(Boolean)).toHaveLength(4)
  })
})
