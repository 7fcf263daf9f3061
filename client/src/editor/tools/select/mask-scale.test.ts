import { describe, expect, it } from 'vitest'
import { validateRle, type Rle } from '@loupe/model'
import { decodeRle, encodeRle } from '../../../canvas'
import { click, drag, key, pointer, setupEditor } from '../../__fixtures__/editor'
import { maskBox, resizeMask, scaleRle, trimRle } from './mask-scale'

/** Rows of '#' and '.' to an RLE (the canvas codec is the reference for the layout). */
function rle(rows: string[]): Rle {
  const h = rows.length
  const w = rows[0]!.length
  const pixels = rows.flatMap((r) => [...r].map((c) => (c === '#' ? 1 : 0)))
  const out = encodeRle(pixels, h, w)
  return { size: out.size, counts: out.counts }
}

function picture(mask: Rle): string[] {
  const [h, w] = mask.size
  const bytes = decodeRle(mask)
  return Array.from({ length: h }, (_, y) =>
    Array.from({ length: w }, (_, x) => (bytes[y * w + x] ? '#' : '.')).join(''),
  )
}

describe('mask scaling', () => {
  // Not symmetric in any way, and h ≠ w: a row/column mix-up cannot pass.
  const L = rle(['#..', '#..', '##.', '.##'])

  it('reads and writes COCO column-major RLE', () => {
    expect(L.size).toEqual([4, 3])
    // Column 0: 1,1,1,0; column 1: 0,0,1,1; column 2: 0,0,0,1.
    expect(L.counts).toEqual([0, 3, 3, 2, 3, 1])
    expect(scaleRle(L, 4, 3)).toEqual(L)
  })

  it('doubles every pixel when the box doubles', () => {
    const big = scaleRle(L, 8, 6)
    expect(picture(big)).toEqual([
      '##....',
      '##....',
      '##....',
      '##....',
      '####..',
      '####..',
      '..####',
      '..####',
    ])
    expect(() => validateRle(big, 'mask', [0, 0, 6, 8])).not.toThrow()
    // Column-major runs: x=0, x=1 set 6 and clear 2; x=2 clear 4 (run 2+4) and set 4; …
    expect(big.counts).toEqual([0, 6, 2, 6, 6, 4, 4, 4, 6, 2, 6, 2])
  })

  it('stretches one axis only, sampling the pixel under each centre', () => {
    expect(picture(scaleRle(L, 2, 3))).toEqual(['#..', '.##'])
    expect(picture(scaleRle(L, 4, 1))).toEqual(['.', '.', '#', '#'])
    expect(picture(scaleRle(rle(['#.#.#.']), 1, 3))).toEqual(['...'])
  })

  it('trims empty border columns and rows, and gives up on an empty result', () => {
    const t = trimRle(rle(['....', '.##.', '..#.']))!
    expect({ x: t.x, y: t.y }).toEqual({ x: 1, y: 1 })
    expect(picture(t.rle)).toEqual(['##', '.#'])
    expect(trimRle(rle(['...']))).toBeNull()
    expect(resizeMask(rle(['#.#.#.']), [0, 0, 3, 1])).toBeNull()
  })

  it('resizes to a valid tight mask over an integer box', () => {
    const out = resizeMask(L, [10, 20, 16, 28])!
    expect(out.points).toEqual([10, 20, 16, 28])
    expect(out.mask.size).toEqual([8, 6])
    expect(() => validateRle(out.mask, 'mask', out.points)).not.toThrow()
    expect(maskBox([10.4, 20.6, 10.45, 30.2], [10, 20, 16, 28])).toEqual([10, 21, 11, 30])
    expect(maskBox([9.6, 20, 10.2, 28], [4, 20, 10, 28])).toEqual([9, 20, 10, 28])
  })
})

describe('resizing a mask in the editor', () => {
  function withMask() {
    const setup = setupEditor()
    const mask = setup.job.addShape({
      imageId: 'img1',
      labelId: 'car',
      type: 'mask',
      points: [100, 100, 103, 104],
      mask: L(),
    })
    setup.editor.undo.beginGesture()
    return { ...setup, mask }
    function L() {
      return rle(['#..', '#..', '##.', '.##'])
    }
  }

  it('shows handles, previews the pixels over the new box, writes points and RLE once', () => {
    const { editor, job, canvas, mask } = withMask()
    click(editor, 100.5, 100.5)
    expect(editor.selectedId).toBe(mask.id)
    const corners = canvas.overlay.handles?.filter((h) => h.kind === 'corner') ?? []
    expect(corners.map((h) => [h.x, h.y])).toEqual([
      [100, 100],
      [103, 100],
      [103, 104],
      [100, 104],
    ])
    expect(canvas.overlay.handles?.some((h) => h.kind === 'rotate')).toBe(false)
    let updates = 0
    job.doc.on('update', () => updates++)
    // The bottom-right corner from (103,104) to (106,108): twice as wide and high.
    editor.pointerDown(pointer(103, 104))
    editor.pointerMove(pointer(104.8, 106.2))
    editor.pointerMove(pointer(106.2, 107.9))
    const preview = canvas.overlay.preview as { type: string; points: number[]; mask?: Rle }
    expect(preview.type).toBe('mask')
    expect(preview.points).toEqual([100, 100, 106, 108])
    expect(preview.mask).toEqual(mask.mask)
    expect(updates).toBe(0)
    editor.pointerUp(pointer(106.2, 107.9))
    expect(updates).toBe(1)
    const resized = job.getShape(mask.id)!
    expect(resized.points).toEqual([100, 100, 106, 108])
    expect(picture(resized.mask!)).toEqual(picture(scaleRle(mask.mask!, 8, 6)))
    expect(canvas.overlay.preview).toBeNull()
    editor.keyDown(key('z', { ctrlKey: true }))
    expect(job.getShape(mask.id)).toMatchObject({ points: mask.points, mask: mask.mask })
  })

  it('a left edge dragged past nothing keeps the right side; moving still moves whole pixels', () => {
    const { editor, job, mask, canvas } = withMask()
    // Zoomed in (10 screen px per image px), so a press inside this tiny mask is not on a handle.
    canvas.scale = 10
    click(editor, 100.5, 100.5)
    // The left edge handle sits at (100, 102): drag it to x=97.
    drag(editor, [100, 102], [98, 102], [97.2, 102])
    const wider = job.getShape(mask.id)!
    expect(wider.points).toEqual([97, 100, 103, 104])
    expect(wider.mask!.size).toEqual([4, 6])
    editor.pointerDown(pointer(98.5, 101.5))
    editor.pointerMove(pointer(108.9, 112.1))
    // Moving previews the mask's own pixels too, not a box.
    expect(canvas.overlay.preview).toMatchObject({
      type: 'mask',
      points: [107, 111, 113, 115],
      mask: wider.mask,
    })
    editor.pointerUp(pointer(108.9, 112.1))
    expect(job.getShape(mask.id)!.points).toEqual([107, 111, 113, 115])
    expect(job.getShape(mask.id)!.mask).toEqual(wider.mask)
  })
})
