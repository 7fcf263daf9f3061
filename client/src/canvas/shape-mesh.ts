// Turns shapes into flat vertex data for three instanced/batched draws: filled triangles
// (earcut), outline segments (expanded to constant screen width in the vertex shader) and
// screen-size dots. Pure CPU code so it can be tested and run off the GPU.

import earcut from 'earcut'
import { parseHexColor } from './color'
import { shapeOutline } from './geometry'
import { GrowableF32, GrowableU8 } from './growable'
import type { RenderShape } from './types'

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
  /** Segments: ax, ay, bx, by, width (CSS px) per instance. */
  segments: Float32Array
  segmentColors: Uint8Array
  segmentCount: number
  /** Dots: x, y, radius (CSS px) per instance. */
  dots: Float32Array
  dotColors: Uint8Array
  dotCount: number
  /** Mask shapes, drawn as textured quads after the fills. */
  masks: RenderShape[]
}

export const SEGMENT_FLOATS = 5
export const DOT_FLOATS = 3

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
        pushSegments(segs, ring, count, width)
        segCol.pushColor(r, g, b, 255, count)
      }
    }
    if (shape.type === 'skeleton' && shape.edges) {
      const p = shape.points
      let count = 0
      for (const [i, j] of shape.edges) {
        if (p[j * 2 + 1] === undefined || p[i * 2 + 1] === undefined) continue
        segs.reserve(SEGMENT_FLOATS)
        const d = segs.data
        let o = segs.length
        d[o++] = p[i * 2]!
        d[o++] = p[i * 2 + 1]!
        d[o++] = p[j * 2]!
        d[o++] = p[j * 2 + 1]!
        d[o++] = width
        segs.length = o
        count++
      }
      segCol.pushColor(r, g, b, 255, count)
    }
    if (shape.type === 'points' || shape.type === 'skeleton') {
      const p = shape.points
      const n = p.length >> 1
      const radius = shape.selected ? STYLE.selectedDotRadius : STYLE.dotRadius
      dots.reserve(n * DOT_FLOATS)
      for (let i = 0; i < n; i++) {
        dots.data[dots.length++] = p[i * 2]!
        dots.data[dots.length++] = p[i * 2 + 1]!
        dots.data[dots.length++] = radius
      }
      dotCol.pushColor(r, g, b, 255, n)
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

function pushSegments(out: GrowableF32, ring: readonly number[], count: number, width: number) {
  const n = ring.length >> 1
  out.reserve(count * SEGMENT_FLOATS)
  const d = out.data
  let o = out.length
  for (let i = 0; i < count; i++) {
    const j = (i + 1) % n
    d[o++] = ring[i * 2]!
    d[o++] = ring[i * 2 + 1]!
    d[o++] = ring[j * 2]!
    d[o++] = ring[j * 2 + 1]!
    d[o++] = width
  }
  out.length = o
}
