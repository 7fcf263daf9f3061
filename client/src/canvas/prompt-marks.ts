// SAM's prompt on the overlay: positive clicks as green discs with a white +, negative ones as
// red discs with a white −, the box prompt as a white line over a darker one (visible on light and
// dark images alike). Marks keep their screen size at any zoom; the glyph bars, whose ends are in
// image px, are rebuilt when the scale changes (a handful of clicks: nothing to speak of). Drawn
// by the overlay layer: a prompt never touches the annotation layer.

import type { Buffer, Regl } from 'regl'
import { parseHexColor } from './color'
import type { Commands, Vec3 } from './gl-commands'
import { GrowableF32, GrowableU8 } from './growable'
import { DOT_FLOATS, pushDot, pushSegment, QUAD_VERTICES, SEGMENT_FLOATS } from './shape-mesh'
import type { PromptMarks } from './types'

/** Sizes in CSS px. */
export const PROMPT_STYLE = {
  positive: '#16a34a',
  negative: '#dc2626',
  /** Disc radius (its white ring included). */
  radius: 7,
  /** Half the length of a glyph bar, before its square caps. */
  glyph: 3,
  glyphWidth: 2,
  boxWidth: 1.5,
  /** The dark line under the box's white one. */
  boxUnderWidth: 3.5,
  boxUnder: [0, 0, 0, 150] as const,
}

export interface PromptMesh {
  /** Discs: DOT_FLOATS per click (x, y, packed corner + radius per vertex). */
  dots: Float32Array
  dotColors: Uint8Array
  dotCount: number
  /** The + and − bars (white). */
  glyphs: Float32Array
  glyphColors: Uint8Array
  glyphCount: number
  /** The box: its dark outline's four sides, then the white line's four. */
  box: Float32Array
  boxColors: Uint8Array
  boxCount: number
}

/** The vertex data of a prompt drawn at `scale` (CSS px per image px). */
export function buildPromptMesh(marks: PromptMarks, scale: number): PromptMesh {
  const s = PROMPT_STYLE
  const dots = new GrowableF32(DOT_FLOATS * Math.max(1, marks.points.length))
  const dotColors = new GrowableU8()
  const glyphs = new GrowableF32(SEGMENT_FLOATS * 2 * Math.max(1, marks.points.length))
  const box = new GrowableF32(SEGMENT_FLOATS * 8)
  const boxColors = new GrowableU8()
  const half = s.glyph / scale
  for (const p of marks.points) {
    pushDot(dots, p.x, p.y, s.radius)
    const [r, g, b] = parseHexColor(p.positive ? s.positive : s.negative)
    dotColors.pushColor(r, g, b, 255, QUAD_VERTICES)
    pushSegment(glyphs, p.x - half, p.y, p.x + half, p.y, s.glyphWidth)
    if (p.positive) pushSegment(glyphs, p.x, p.y - half, p.x, p.y + half, s.glyphWidth)
  }
  if (marks.box) {
    const { x1, y1, x2, y2 } = marks.box
    const sides = [
      [x1, y1, x2, y1],
      [x2, y1, x2, y2],
      [x2, y2, x1, y2],
      [x1, y2, x1, y1],
    ] as const
    for (const [width, color] of [
      [s.boxUnderWidth, s.boxUnder],
      [s.boxWidth, [255, 255, 255, 255]],
    ] as const) {
      for (const [ax, ay, bx, by] of sides) pushSegment(box, ax, ay, bx, by, width)
      boxColors.pushColor(color[0], color[1], color[2], color[3], 4 * QUAD_VERTICES)
    }
  }
  const glyphCount = glyphs.length / SEGMENT_FLOATS
  return {
    dots: dots.view(),
    dotColors: dotColors.view(),
    dotCount: dots.length / DOT_FLOATS,
    glyphs: glyphs.view(),
    glyphColors: new Uint8Array(glyphCount * QUAD_VERTICES * 4).fill(255),
    glyphCount,
    box: box.view(),
    boxColors: boxColors.view(),
    boxCount: box.length / SEGMENT_FLOATS,
  }
}

/** The prompt's GPU side: uploads its mesh when the prompt or the zoom changes, draws it. */
export class PromptMarksLayer {
  private marks: PromptMarks | null = null
  private builtScale = 0
  private counts = { dots: 0, glyphs: 0, box: 0 }
  private readonly buffers: Buffer[]

  constructor(
    regl: Regl,
    private readonly commands: Commands,
  ) {
    this.buffers = [0, 1, 2, 3, 4, 5].map((i) =>
      regl.buffer({ usage: 'dynamic', type: i % 2 === 0 ? 'float' : 'uint8', length: 16 }),
    )
  }

  /** A new prompt (the same object again, as every overlay push sends it, changes nothing). */
  set(marks: PromptMarks | null | undefined): void {
    const next = marks && (marks.points.length > 0 || marks.box) ? marks : null
    if (next === this.marks) return
    this.marks = next
    this.builtScale = 0
  }

  draw(view: Vec3, scale: number, pixelRatio: number): void {
    if (!this.marks) return
    if (scale !== this.builtScale) this.upload(this.marks, scale)
    const [dots, dotColors, glyphs, glyphColors, box, boxColors] = this.buffers as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ]
    const { commands, counts } = this
    if (counts.box > 0)
      commands.segments({ view, pixelRatio, segments: box, colors: boxColors, count: counts.box })
    if (counts.dots > 0)
      commands.dots({
        view,
        pixelRatio,
        dots,
        colors: dotColors,
        count: counts.dots,
        ring: [1, 1, 1, 1],
        square: 0,
      })
    if (counts.glyphs > 0)
      commands.segments({
        view,
        pixelRatio,
        segments: glyphs,
        colors: glyphColors,
        count: counts.glyphs,
      })
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy()
  }

  private upload(marks: PromptMarks, scale: number): void {
    const mesh = buildPromptMesh(marks, scale)
    const data = [
      mesh.dots,
      mesh.dotColors,
      mesh.glyphs,
      mesh.glyphColors,
      mesh.box,
      mesh.boxColors,
    ]
    // Empty parts keep their old contents; their counts are zero.
    data.forEach((d, i) => {
      if (d.length > 0) this.buffers[i]!(d)
    })
    this.counts = { dots: mesh.dotCount, glyphs: mesh.glyphCount, box: mesh.boxCount }
    this.builtScale = scale
  }
}
