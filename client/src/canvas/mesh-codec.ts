// Chunks' shapes as the mesh worker gets them (mesh-share.ts): a few flat typed arrays, one
// copy, transferred, rather than thousands of shape objects to clone. Only what
// buildChunkMesh reads is sent: hidden shapes are left out (it skips them), mask data too (a
// mask is drawn from its shape object on the main thread), and the shape lists decoded from
// it give the same mesh, byte for byte.

import type { ChunkMesh } from './chunk-mesh'
import type { NodeLook, RenderShape, ShapeType } from './types'

/** The visible shapes of a batch of chunks, flattened. */
export interface EncodedChunks {
  /** Chunk c's shapes are shapes `chunkStart[c] .. chunkStart[c+1])`. */
  chunkStart: Uint32Array
  /** Per shape: index into `typeNames`, into `palette`, flags (bit 0: selected). */
  types: Uint8Array
  colors: Uint16Array
  flags: Uint8Array
  rotations: Float64Array
  /** Shape i's points are `points[pointStart[i] .. pointStart[i+1])`; edges likewise. */
  pointStart: Uint32Array
  points: Float64Array
  edgeStart: Uint32Array
  edges: Float64Array
  /** Per node (point pair) of a shape with HAS_VISIBILITY: 0 visible, 1 occluded, 2 hidden. */
  visibility: Uint8Array
  typeNames: string[]
  palette: string[]
}

const SELECTED = 1
const HAS_ROTATION = 2
const HAS_EDGES = 4
const HAS_VISIBILITY = 8
const LOOKS: readonly NodeLook[] = ['visible', 'occluded', 'hidden']

/**
 * Flattens the chunks' shape lists. The typed arrays' buffers are the second value, to be
 * transferred.
 */
export function encodeChunks(
  lists: readonly (readonly RenderShape[])[],
): [EncodedChunks, ArrayBuffer[]] {
  let shapes = 0
  let points = 0
  let edges = 0
  for (const list of lists)
    for (const s of list) {
      if (s.hidden) continue
      shapes++
      points += s.points.length
      if (s.edges) edges += s.edges.length * 2
    }
  const out: EncodedChunks = {
    chunkStart: new Uint32Array(lists.length + 1),
    types: new Uint8Array(shapes),
    colors: new Uint16Array(shapes),
    flags: new Uint8Array(shapes),
    rotations: new Float64Array(shapes),
    pointStart: new Uint32Array(shapes + 1),
    points: new Float64Array(points),
    edgeStart: new Uint32Array(shapes + 1),
    edges: new Float64Array(edges),
    visibility: new Uint8Array(points >> 1),
    typeNames: [],
    palette: [],
  }
  const typeIndex = new Map<string, number>()
  const colorIndex = new Map<string, number>()
  let i = 0
  let p = 0
  let e = 0
  lists.forEach((list, c) => {
    out.chunkStart[c] = i
    for (const s of list) {
      if (s.hidden) continue
      let t = typeIndex.get(s.type)
      if (t === undefined) typeIndex.set(s.type, (t = out.typeNames.push(s.type) - 1))
      let k = colorIndex.get(s.color)
      if (k === undefined) colorIndex.set(s.color, (k = out.palette.push(s.color) - 1))
      out.types[i] = t
      out.colors[i] = k
      let flags = s.selected === true ? SELECTED : 0
      if (s.rotation !== undefined) {
        flags |= HAS_ROTATION
        out.rotations[i] = s.rotation
      }
      if (s.edges) {
        flags |= HAS_EDGES
        for (const [a, b] of s.edges) {
          out.edges[e++] = a
          out.edges[e++] = b
        }
      }
      if (s.visibility) {
        flags |= HAS_VISIBILITY
        const n = s.points.length >> 1
        for (let j = 0; j < n; j++) {
          out.visibility[(p >> 1) + j] = Math.max(0, LOOKS.indexOf(s.visibility[j] ?? 'visible'))
        }
      }
      out.flags[i] = flags
      const pts = s.points
      for (let j = 0; j < pts.length; j++) out.points[p++] = pts[j]!
      i++
      out.pointStart[i] = p
      out.edgeStart[i] = e
    }
  })
  out.chunkStart[lists.length] = i
  if (out.typeNames.length > 256 || out.palette.length > 65536)
    throw new RangeError('too many shape types or colours in one batch')
  return [out, transferables(out)]
}

/** Chunks in an encoding. */
export const chunkCount = (encoded: EncodedChunks) => encoded.chunkStart.length - 1

/** Chunk `c`'s shape list, as buildChunkMesh sees it (ids and mask data are left out). */
export function decodeChunk(encoded: EncodedChunks, c: number): RenderShape[] {
  const { chunkStart, types, colors, flags, rotations, pointStart, points, edgeStart, edges } =
    encoded
  const list: RenderShape[] = []
  for (let i = chunkStart[c]!; i < chunkStart[c + 1]!; i++) {
    const f = flags[i]!
    const from = pointStart[i]!
    const to = pointStart[i + 1]!
    const pts = new Array<number>(to - from)
    for (let j = from; j < to; j++) pts[j - from] = points[j]!
    const shape: RenderShape = {
      id: '',
      type: encoded.typeNames[types[i]!] as ShapeType,
      points: pts,
      color: encoded.palette[colors[i]!]!,
    }
    if (f & SELECTED) shape.selected = true
    if (f & HAS_ROTATION) shape.rotation = rotations[i]!
    if (f & HAS_EDGES) {
      const pairs: [number, number][] = []
      for (let j = edgeStart[i]!; j < edgeStart[i + 1]!; j += 2)
        pairs.push([edges[j]!, edges[j + 1]!])
      shape.edges = pairs
    }
    if (f & HAS_VISIBILITY) {
      const looks: NodeLook[] = []
      for (let j = from >> 1; j < to >> 1; j++) looks.push(LOOKS[encoded.visibility[j]!]!)
      shape.visibility = looks
    }
    list.push(shape)
  }
  return list
}

/**
 * A chunk mesh as the worker hands it over: ChunkMesh's arrays, less the mask shapes (the
 * main thread has them), with the index arrays already 16-bit where every vertex index fits
 * (as the annotation layer would convert them for the upload).
 */
export interface PackedMesh extends Omit<
  ChunkMesh,
  'masks' | 'fillIndices' | 'segmentIndices' | 'dotIndices' | 'smallIndices'
> {
  fillIndices: Uint32Array | Uint16Array
  segmentIndices: Uint32Array | Uint16Array
  dotIndices: Uint32Array | Uint16Array
  smallIndices: Uint32Array | Uint16Array
}

/** Whether a mesh's indices need 32 bits. */
export const needsUint32 = (mesh: { maxVertices: number }) => mesh.maxVertices > 0xffff

/** A mesh as the worker hands it over (see PackedMesh). */
export function packMesh(mesh: ChunkMesh): PackedMesh {
  const narrow = needsUint32(mesh) ? (a: Uint32Array) => a : (a: Uint32Array) => new Uint16Array(a)
  const { masks: _masks, ...rest } = mesh
  return {
    ...rest,
    fillIndices: narrow(mesh.fillIndices),
    segmentIndices: narrow(mesh.segmentIndices),
    dotIndices: narrow(mesh.dotIndices),
    smallIndices: narrow(mesh.smallIndices),
  }
}

/** The mask shapes buildChunkMesh lists for these shapes (in draw order). */
export function chunkMasks(shapes: readonly RenderShape[]): RenderShape[] {
  return shapes.filter((s) => !s.hidden && s.type === 'mask')
}

/** The distinct buffers under an object's typed arrays. */
function transferables(o: object): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  for (const v of Object.values(o))
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) buffers.add(v.buffer)
  return [...buffers]
}
