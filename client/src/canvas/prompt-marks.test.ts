import { describe, expect, it } from 'vitest'
import { buildPromptMesh, PROMPT_STYLE } from './prompt-marks'
import { DOT_FLOATS, QUAD_VERTICES, SEGMENT_FLOATS } from './shape-mesh'

/** Segment i's ends [ax, ay, bx, by] (each vertex repeats them). */
const ends = (segments: Float32Array, i: number) =>
  [...segments.subarray(i * SEGMENT_FLOATS, i * SEGMENT_FLOATS + 4)].map((v) => +v.toFixed(3))
const colorOf = (colors: Uint8Array, i: number) => [
  ...colors.subarray(i * QUAD_VERTICES * 4, i * QUAD_VERTICES * 4 + 4),
]

describe('SAM prompt marks', () => {
  const marks = {
    points: [
      { x: 10, y: 20, positive: true },
      { x: 40, y: 50, positive: false },
    ],
    box: { x1: 5, y1: 6, x2: 95, y2: 86 },
  }

  it('a disc per click, green for positive and red for negative, a + and a − over them', () => {
    const mesh = buildPromptMesh(marks, 1)
    expect(mesh.dotCount).toBe(2)
    expect(mesh.dots.length).toBe(2 * DOT_FLOATS)
    expect([...mesh.dots.subarray(0, 2)]).toEqual([10, 20])
    expect([...mesh.dots.subarray(DOT_FLOATS, DOT_FLOATS + 2)]).toEqual([40, 50])
    expect(colorOf(mesh.dotColors, 0)).toEqual([0x16, 0xa3, 0x4a, 255])
    expect(colorOf(mesh.dotColors, 1)).toEqual([0xdc, 0x26, 0x26, 255])
    // + is two bars, − one; all white.
    expect(mesh.glyphCount).toBe(3)
    const h = PROMPT_STYLE.glyph
    expect(ends(mesh.glyphs, 0)).toEqual([10 - h, 20, 10 + h, 20])
    expect(ends(mesh.glyphs, 1)).toEqual([10, 20 - h, 10, 20 + h])
    expect(ends(mesh.glyphs, 2)).toEqual([40 - h, 50, 40 + h, 50])
    expect(mesh.glyphColors.every((v) => v === 255)).toBe(true)
  })

  it('glyphs keep their screen size: their image-px length shrinks as the zoom grows', () => {
    const h = PROMPT_STYLE.glyph
    expect(ends(buildPromptMesh(marks, 4).glyphs, 0)).toEqual([10 - h / 4, 20, 10 + h / 4, 20])
    expect(ends(buildPromptMesh(marks, 0.5).glyphs, 0)).toEqual([10 - h * 2, 20, 10 + h * 2, 20])
  })

  it('the box: four dark sides under four white ones', () => {
    const mesh = buildPromptMesh(marks, 1)
    expect(mesh.boxCount).toBe(8)
    const sides = [
      [5, 6, 95, 6],
      [95, 6, 95, 86],
      [95, 86, 5, 86],
      [5, 86, 5, 6],
    ]
    expect([0, 1, 2, 3].map((i) => ends(mesh.box, i))).toEqual(sides)
    expect([4, 5, 6, 7].map((i) => ends(mesh.box, i))).toEqual(sides)
    expect(colorOf(mesh.boxColors, 0)).toEqual([...PROMPT_STYLE.boxUnder])
    expect(colorOf(mesh.boxColors, 4)).toEqual([255, 255, 255, 255])
  })

  it('a box alone, or clicks alone', () => {
    const box = buildPromptMesh({ points: [], box: marks.box }, 1)
    expect([box.dotCount, box.glyphCount, box.boxCount]).toEqual([0, 0, 8])
    const clicks = buildPromptMesh({ points: marks.points }, 1)
    expect([clicks.dotCount, clicks.glyphCount, clicks.boxCount]).toEqual([2, 3, 0])
  })
})
