// Turns shapes into flat vertex data for three instanced/batched draws: filled triangles
// (earcut), outline segments (expanded to constant screen width in the vertex shader) and
// screen-size dots. Pure CPU code so it can be tested and run off the GPU.

import earcut from 'earcut'
import { parseHexColor } from './color'
import { shapeOutline } from './geometry'
import { GrowableF32, GrowableU8 } from './growable'
import { OCCLUDED_NODE_ALPHA, type RenderShape } from './types'

export const STYLE = {
  fillAlpha: 0.22,
  selectedFillAlpha: 0.4,
  maskAlpha: 0.45,
  lineWidth: 1.5,
  selectedLineWidth: 3,
  dotRadius: 4,
  selectedDotRadius: 5.5,
}

export interface ShapeMesh {
  /** Triangles: x, y per vertex. */
  fillPositions: Float32Array
  fillColors: Uint8Array
  fillVertices: number
  /**
   * Segments as 6 vertices each (two triangles; instancing is pathologically slow on software
   * GL): ax, ay, bx, by, packed corner + width (see packCorner) per vertex.
   */
  segments: Float32Array
  segmentColors: Uint8Array
  segmentCount: number
  /** Dots as 6 vertices each: x, y, packed corner + radius per vertex. */
  dots: Float32Array
  dotColors: Uint8Array
  dotCount: number
  /** Mask shapes, drawn as textured quads after the fills. */
  masks: RenderShape[]
}

/** Floats per segment and per dot (6 vertices each). */
export const SEGMENT_FLOATS = 30
export const DOT_FLOATS = 18
export const QUAD_VERTICES = 6

/** Corner codes of the two triangles of a quad: bit 1 = far end (x), bit 0 = +side (y). */
const CORNERS = [0, 1, 2, 1, 3, 2] as const

/** One float holding a corner code (0–3) and a size in 1/16 CSS px, decoded in the shader. */
export function packCorner(code: number, size: number): number {
  return Math.round(size * 16) * 4 + code
}

export function pushSegment(
  out: GrowableF32,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  width: number,
): void {
  out.reserve(SEGMENT_FLOATS)
  const d = out.data
  let o = out.length
  for (const code of CORNERS) {
    d[o++] = ax
    d[o++] = ay
    d[o++] = bx
    d[o++] = by
    d[o++] = packCorner(code, width)
  }
  out.length = o
}

export function pushDot(out: GrowableF32, x: number, y: number, radius: number): void {
  out.reserve(DOT_FLOATS)
  const d = out.data
  let o = out.length
  for (const code of CORNERS) {
    d[o++] = x
    d[o++] = y
    d[o++] = packCorner(code, radius)
  }
  out.length = o
}

export function buildShapeMesh(shapes: readonly RenderShape[]): ShapeMesh {
  const fillPos = new GrowableF32(4096)
  const fillCol = new GrowableU8(8192)
  const segs = new GrowableF32(4096)
  const segCol = new GrowableU8(4096)
  const dots = new GrowableF32(256)
  const dotCol = new GrowableU8(256)
  const masks: RenderShape[] = []

  for (const shape of shapes) {
    if (shape.hidden) continue
    const [r, g, b] = parseHexColor(shape.color)
    const width = shape.selected ? STYLE.selectedLineWidth : STYLE.lineWidth
    if (shape.type === 'mask') {
      masks.push(shape)
      continue
    }
    const outline = shapeOutline(shape)
    if (outline) {
      const { ring, closed } = outline
      if (closed && ring.length >= 6) {
        const tris = earcut(ring)
        fillPos.reserve(tris.length * 2)
        for (const i of tris) {
          fillPos.data[fillPos.length++] = ring[i * 2]!
          fillPos.data[fillPos.length++] = ring[i * 2 + 1]!
        }
        const a = Math.round(255 * (shape.selected ? STYLE.selectedFillAlpha : STYLE.fillAlpha))
        fillCol.pushColor(r, g, b, a, tris.length)
      }
      const n = ring.length >> 1
      const count = closed ? n : n - 1
      if (count > 0) {
        pushRing(segs, ring, count, width)
        segCol.pushColor(r, g, b, 255, count * QUAD_VERTICES)
      }
    }
    const look = shape.visibility
    if (shape.type === 'skeleton' && shape.edges) {
      const p = shape.points
      let count = 0
      for (const [i, j] of shape.edges) {
        if (p[j * 2 + 1] === undefined || p[i * 2 + 1] === undefined) continue
        if (look?.[i] === 'hidden' || look?.[j] === 'hidden') continue
        pushSegment(segs, p[i * 2]!, p[i * 2 + 1]!, p[j * 2]!, p[j * 2 + 1]!, width)
        count++
      }
      segCol.pushColor(r, g, b, 255, count * QUAD_VERTICES)
    }
    if (shape.type === 'points' || shape.type === 'skeleton') {
      const p = shape.points
      const n = p.length >> 1
      const radius = shape.selected ? STYLE.selectedDotRadius : STYLE.dotRadius
      for (let i = 0; i < n; i++) {
        const node = look?.[i]
        if (node === 'hidden') continue
        pushDot(dots, p[i * 2]!, p[i * 2 + 1]!, radius)
        dotCol.pushColor(r, g, b, node === 'occluded' ? OCCLUDED_NODE_ALPHA : 255, QUAD_VERTICES)
      }
    }
  }

  return {
    fillPositions: fillPos.view(),
    fillColors: fillCol.view(),
    fillVertices: fillPos.length / 2,
    segments: segs.view(),
    segmentColors: segCol.view(),
    segmentCount: segs.length / SEGMENT_FLOATS,
    dots: dots.view(),
    dotColors: dotCol.view(),
    dotCount: dots.length / DOT_FLOATS,
    masks,
  }
}

function pushRing(out: GrowableF32, ring: readonly number[], count: number, width: number) {
  const n = ring.length >> 1
  for (let i = 0; i < count; i++) {
    const j = (i + 1) % n
    pushSegment(out, ring[i * 2]!, ring[i * 2 + 1]!, ring[j * 2]!, ring[j * 2 + 1]!, width)
  }
}
