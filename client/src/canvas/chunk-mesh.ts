// The GPU data of one annotation chunk, indexed (element buffers) so that no vertex is stored
// twice: a polygon's fill shares its ring vertices between earcut's triangles, an outline
// segment is 4 vertices + 6 indices instead of 6 vertices, a dot likewise.
//
// Level of detail: every shape that has an outline also gets one "small shape" quad (its
// bounds, drawn as a rounded box with the outline colour around a fill, see gl-commands.ts).
// Shapes are laid out by size class (smallest first, draw order kept within a class), so at
// any zoom the shapes that are only a few device pixels big are a prefix of the small-shape
// quads and the rest is a suffix of the fill and outline indices: two ranges per draw, no
// rebuild when the zoom changes. Points, skeletons and masks are always drawn exactly.

import earcut from 'earcut'
import { parseHexColor } from './color'
import { shapeOutline, type Bounds } from './geometry'
import { GrowableF32, GrowableU32, GrowableU8 } from './growable'
import { cachedBounds } from './shape-bounds'
import { STYLE, packCorner } from './shape-mesh'
import { OCCLUDED_NODE_ALPHA, type RenderShape } from './types'

/** Size classes per doubling of a shape's extent (half octaves). */
const CLASSES_PER_OCTAVE = 2
/** Classes 0..MAX_CLASS hold extents up to 2^(MAX_CLASS / 2) image px; the rest is exact. */
export const MAX_CLASS = 60
/** The class of shapes that are never drawn as small-shape quads (points, skeletons). */
export const EXACT_CLASS = MAX_CLASS + 1

/**
 * Shapes at most this many device px across are drawn as small-shape quads. The outline is
 * 1.5 CSS px wide plus a 1 px feather each side, so at this size it covers most of the shape
 * and a 20-vertex outline is a blob whose detail is under a pixel.
 */
export const SMALL_SHAPE_PX = 8

/** Floats per vertex: segments (ax, ay, bx, by, corner+width), dots (x, y, corner+radius). */
export const SEGMENT_VERTEX_FLOATS = 5
export const DOT_VERTEX_FLOATS = 3
/** Small-shape vertices: x1, y1, x2, y2, corner + roundness (see packSmall). */
export const SMALL_VERTEX_FLOATS = 5

/** Corner codes of a quad's 4 vertices and the two triangles over them. */
const QUAD_INDICES = [0, 1, 2, 1, 3, 2] as const

export interface ChunkMesh {
  fillPositions: Float32Array
  fillColors: Uint8Array
  fillIndices: Uint32Array
  segments: Float32Array
  segmentColors: Uint8Array
  segmentIndices: Uint32Array
  dots: Float32Array
  dotColors: Uint8Array
  dotIndices: Uint32Array
  small: Float32Array
  smallColors: Uint8Array
  smallIndices: Uint32Array
  /** Vertices of the largest buffer (decides 16- or 32-bit indices). */
  maxVertices: number
  /**
   * Where each size class starts, for classes 0..EXACT_CLASS+1 (the last entry is the total):
   * in fillIndices, segmentIndices and smallIndices (in indices, 6 per small shape).
   */
  fillStart: Uint32Array
  segmentStart: Uint32Array
  smallStart: Uint32Array
  /** Mask shapes in draw order. */
  masks: RenderShape[]
  /** Union of the shapes' bounds (image px); empty chunks have x1 > x2. */
  bounds: Bounds
}

/** The size class of an extent (image px): the smallest k with extent ≤ 2^(k / 2). */
export function sizeClass(extent: number): number {
  if (!(extent > 1)) return 0
  const k = Math.ceil(Math.log2(extent) * CLASSES_PER_OCTAVE - 1e-9)
  return Math.min(MAX_CLASS, k)
}

/**
 * How many size classes are drawn as small-shape quads at `deviceScale` (image px → device px):
 * classes below the returned one; a class's largest extent must be ≤ SMALL_SHAPE_PX.
 */
export function smallClassLimit(deviceScale: number, smallPx = SMALL_SHAPE_PX): number {
  if (!(deviceScale > 0)) return MAX_CLASS + 1
  const k = Math.floor(Math.log2(smallPx / deviceScale) * CLASSES_PER_OCTAVE + 1e-9) + 1
  return Math.max(0, Math.min(MAX_CLASS + 1, k))
}

/**
 * One float: corner code (0–3), roundness in 1/64 (0 = box, 1 = round) and line width in
 * 1/16 CSS px, decoded in the small-shape shader.
 */
export function packSmall(code: number, roundness: number, width: number): number {
  const round = Math.round(Math.max(0, Math.min(1, roundness)) * 64)
  return (Math.round(width * 16) * 65 + round) * 4 + code
}

interface Item {
  shape: RenderShape
  cls: number
  bounds: Bounds
  outline: { ring: readonly number[]; closed: boolean } | null
  /** Roundness of the small-shape quad (see shapeLook). */
  round: number
}

function ringArea(ring: readonly number[]): number {
  let a = 0
  const n = ring.length >> 1
  for (let i = 0, j = n - 1; i < n; j = i++)
    a += ring[j * 2]! * ring[i * 2 + 1]! - ring[i * 2]! * ring[j * 2 + 1]!
  return a / 2
}

/**
 * The size class of a shape with an outline, and how round its small-shape quad is (1 for an
 * ellipse-like fill of its box, 0 for a box). Sparse shapes (open lines, thin rings) count
 * twice their extent, so they turn into a blob only when half as big.
 */
function shapeLook(
  shape: RenderShape,
  outline: { ring: readonly number[]; closed: boolean },
  b: Bounds,
): { cls: number; round: number } {
  const w = b[2] - b[0]
  const h = b[3] - b[1]
  const extent = Math.max(w, h)
  if (!outline.closed) return { cls: sizeClass(extent * 2), round: 1 }
  const box = w * h
  const ratio = box > 0 ? Math.abs(ringArea(outline.ring)) / box : 1
  const cls = sizeClass(ratio < 0.5 ? extent * 2 : extent)
  if (shape.type === 'ellipse') return { cls, round: 1 }
  if (shape.type === 'rectangle' && !((shape.rotation ?? 0) % 90)) return { cls, round: 0 }
  // Fill ratio 1 (a box) → 0, π/4 (an ellipse) or less → 1.
  return { cls, round: Math.max(0, Math.min(1, (1 - ratio) / (1 - Math.PI / 4))) }
}

export function buildChunkMesh(shapes: readonly RenderShape[]): ChunkMesh {
  const items: Item[] = []
  const masks: RenderShape[] = []
  const bounds: Bounds = [Infinity, Infinity, -Infinity, -Infinity]
  for (const shape of shapes) {
    if (shape.hidden) continue
    const b = cachedBounds(shape)
    if (b[0] <= b[2] && b[1] <= b[3]) {
      if (b[0] < bounds[0]) bounds[0] = b[0]
      if (b[1] < bounds[1]) bounds[1] = b[1]
      if (b[2] > bounds[2]) bounds[2] = b[2]
      if (b[3] > bounds[3]) bounds[3] = b[3]
    }
    if (shape.type === 'mask') {
      masks.push(shape)
      continue
    }
    const outline = shapeOutline(shape)
    if (shape.type === 'points' || shape.type === 'skeleton' || !outline)
      items.push({ shape, bounds: b, outline, cls: EXACT_CLASS, round: 0 })
    else items.push({ shape, bounds: b, outline, ...shapeLook(shape, outline, b) })
  }
  // Stable: draw order is kept within a class.
  items.sort((a, b) => a.cls - b.cls)

  const {
    fillPos,
    fillCol,
    fillIdx,
    segs,
    segCol,
    segIdx,
    dots,
    dotCol,
    dotIdx,
    small,
    smallCol,
    smallIdx,
  } = scratchBuffers()
  const classes = EXACT_CLASS + 2
  const fillStart = new Uint32Array(classes)
  const segmentStart = new Uint32Array(classes)
  const smallStart = new Uint32Array(classes)

  let cls = 0
  for (const { shape, cls: c, bounds: b, outline, round } of items) {
    while (cls < c) {
      cls++
      fillStart[cls] = fillIdx.length
      segmentStart[cls] = segIdx.length
      smallStart[cls] = smallIdx.length
    }
    const [r, g, bl] = parseHexColor(shape.color)
    const selected = shape.selected === true
    const width = selected ? STYLE.selectedLineWidth : STYLE.lineWidth
    const fillAlpha = Math.round(255 * (selected ? STYLE.selectedFillAlpha : STYLE.fillAlpha))
    if (outline) {
      const { ring, closed } = outline
      const n = ring.length >> 1
      if (closed && ring.length >= 6) {
        const first = fillPos.length / 2
        const tris = earcut(ring as number[])
        fillPos.reserve(ring.length)
        for (let i = 0; i < ring.length; i++) fillPos.data[fillPos.length++] = ring[i]!
        fillCol.pushColor(r, g, bl, fillAlpha, n)
        fillIdx.reserve(tris.length)
        for (const i of tris) fillIdx.data[fillIdx.length++] = first + i
      }
      const count = closed ? n : n - 1
      for (let i = 0; i < count; i++) {
        const j = (i + 1) % n
        pushIndexedSegment(
          segs,
          segIdx,
          ring[i * 2]!,
          ring[i * 2 + 1]!,
          ring[j * 2]!,
          ring[j * 2 + 1]!,
          width,
        )
      }
      if (count > 0) segCol.pushColor(r, g, bl, 255, count * 4)
      if (c !== EXACT_CLASS) {
        // The small-shape quad: bounds, roundness; colour rgb + fill alpha.
        const first = small.length / SMALL_VERTEX_FLOATS
        small.reserve(4 * SMALL_VERTEX_FLOATS)
        for (let code = 0; code < 4; code++) {
          const d = small.data
          let o = small.length
          d[o++] = b[0]
          d[o++] = b[1]
          d[o++] = b[2]
          d[o++] = b[3]
          d[o++] = packSmall(code, round, width)
          small.length = o
        }
        smallCol.pushColor(r, g, bl, fillAlpha, 4)
        smallIdx.reserve(6)
        for (const q of QUAD_INDICES) smallIdx.data[smallIdx.length++] = first + q
      }
    }
    const look = shape.visibility
    if (shape.type === 'skeleton' && shape.edges) {
      const p = shape.points
      let count = 0
      for (const [i, j] of shape.edges) {
        if (p[j * 2 + 1] === undefined || p[i * 2 + 1] === undefined) continue
        if (look?.[i] === 'hidden' || look?.[j] === 'hidden') continue
        pushIndexedSegment(segs, segIdx, p[i * 2]!, p[i * 2 + 1]!, p[j * 2]!, p[j * 2 + 1]!, width)
        count++
      }
      segCol.pushColor(r, g, bl, 255, count * 4)
    }
    if (shape.type === 'points' || shape.type === 'skeleton') {
      const p = shape.points
      const n = p.length >> 1
      const radius = selected ? STYLE.selectedDotRadius : STYLE.dotRadius
      for (let i = 0; i < n; i++) {
        const node = look?.[i]
        if (node === 'hidden') continue
        pushIndexedDot(dots, dotIdx, p[i * 2]!, p[i * 2 + 1]!, radius)
        dotCol.pushColor(r, g, bl, node === 'occluded' ? OCCLUDED_NODE_ALPHA : 255, 4)
      }
    }
  }
  while (cls < classes - 1) {
    cls++
    fillStart[cls] = fillIdx.length
    segmentStart[cls] = segIdx.length
    smallStart[cls] = smallIdx.length
  }

  return {
    fillPositions: fillPos.copy(),
    fillColors: fillCol.copy(),
    fillIndices: fillIdx.copy(),
    segments: segs.copy(),
    segmentColors: segCol.copy(),
    segmentIndices: segIdx.copy(),
    dots: dots.copy(),
    dotColors: dotCol.copy(),
    dotIndices: dotIdx.copy(),
    small: small.copy(),
    smallColors: smallCol.copy(),
    smallIndices: smallIdx.copy(),
    maxVertices: Math.max(
      fillPos.length / 2,
      segs.length / SEGMENT_VERTEX_FLOATS,
      dots.length / DOT_VERTEX_FLOATS,
      small.length / SMALL_VERTEX_FLOATS,
    ),
    fillStart,
    segmentStart,
    smallStart,
    masks,
    bounds,
  }
}

/**
 * The arrays meshes are built in, kept from one build to the next (per thread): growing them
 * afresh for every chunk, doubling after doubling, cost about a third of a first paint's mesh
 * time (fresh memory to fault in, copies). A mesh gets exact-size copies of them. They hold
 * about the biggest chunk's mesh, a few MB.
 */
let scratch: ReturnType<typeof newScratch> | null = null

function newScratch() {
  return {
    fillPos: new GrowableF32(4096),
    fillCol: new GrowableU8(8192),
    fillIdx: new GrowableU32(8192),
    segs: new GrowableF32(8192),
    segCol: new GrowableU8(8192),
    segIdx: new GrowableU32(8192),
    dots: new GrowableF32(256),
    dotCol: new GrowableU8(256),
    dotIdx: new GrowableU32(256),
    small: new GrowableF32(1024),
    smallCol: new GrowableU8(1024),
    smallIdx: new GrowableU32(1024),
  }
}

/** The scratch arrays, emptied. */
function scratchBuffers(): ReturnType<typeof newScratch> {
  scratch ??= newScratch()
  for (const g of Object.values(scratch)) g.length = 0
  return scratch
}

function pushIndexedSegment(
  out: GrowableF32,
  indices: GrowableU32,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  width: number,
): void {
  const first = out.length / SEGMENT_VERTEX_FLOATS
  out.reserve(4 * SEGMENT_VERTEX_FLOATS)
  const d = out.data
  let o = out.length
  for (let code = 0; code < 4; code++) {
    d[o++] = ax
    d[o++] = ay
    d[o++] = bx
    d[o++] = by
    d[o++] = packCorner(code, width)
  }
  out.length = o
  indices.reserve(6)
  for (const q of QUAD_INDICES) indices.data[indices.length++] = first + q
}

function pushIndexedDot(
  out: GrowableF32,
  indices: GrowableU32,
  x: number,
  y: number,
  radius: number,
): void {
  const first = out.length / DOT_VERTEX_FLOATS
  out.reserve(4 * DOT_VERTEX_FLOATS)
  const d = out.data
  let o = out.length
  for (let code = 0; code < 4; code++) {
    d[o++] = x
    d[o++] = y
    d[o++] = packCorner(code, radius)
  }
  out.length = o
  indices.reserve(6)
  for (const q of QUAD_INDICES) indices.data[indices.length++] = first + q
}
