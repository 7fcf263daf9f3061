// Splits the shape list into chunks that own their GPU buffers, by position: each shape goes
// to the grid cell (of `cellSize` image px) that holds the centre of its bounds, and a cell's
// shapes, in draw order, fill one or more chunks. So a redraw zoomed in skips the chunks of
// cells off the screen, and an edit rebuilds the one chunk holding the shape (two when it
// moves to another cell). Within a cell, shapes keep the chunk they were in; new shapes join
// the chunk of the shape before them; a chunk is dirty only when its list of shape objects
// changed. Chunks are ordered by cell, then by draw order within the cell.

import { cachedBounds } from './shape-bounds'
import type { RenderShape } from './types'

export interface Chunk {
  readonly key: number
  /** The grid cell the chunk's shapes are centred in (see cellOf). */
  readonly cell: number
  shapes: RenderShape[]
}

export interface ChunkPlan {
  chunks: Chunk[]
  /** Chunks (new or reused) whose shape lists changed and need new buffers. */
  dirty: Set<Chunk>
  /** Chunks of the previous plan that no longer exist (free their buffers). */
  removed: Chunk[]
}

/** Image px per grid cell: about a screen's worth of image at 1:1. */
export const DEFAULT_CELL_SIZE = 1024

let nextKey = 1

/** The cell holding the centre of the shape's bounds; cells are numbered row by row. */
export function cellOf(shape: RenderShape, cellSize = DEFAULT_CELL_SIZE): number {
  const b = cachedBounds(shape)
  const cx = (b[0] + b[2]) / 2
  const cy = (b[1] + b[3]) / 2
  // Cells span ±2^20 each way; shapes beyond (or with no finite bounds) share the edge cells.
  const clamp = (v: number) => (v > -0x100000 ? (v < 0xfffff ? v : 0xfffff) : -0x100000)
  const col = clamp(Math.floor(cx / cellSize) || 0)
  const row = clamp(Math.floor(cy / cellSize) || 0)
  return (row + 0x100000) * 0x200000 + (col + 0x100000)
}

export function planChunks(
  previous: readonly Chunk[],
  shapes: readonly RenderShape[],
  chunkSize = 1024,
  cellSize = DEFAULT_CELL_SIZE,
): ChunkPlan {
  const byCell = new Map<number, RenderShape[]>()
  for (const shape of shapes) {
    const cell = cellOf(shape, cellSize)
    const list = byCell.get(cell)
    if (list) list.push(shape)
    else byCell.set(cell, [shape])
  }
  const previousByCell = new Map<number, Chunk[]>()
  for (const chunk of previous) {
    const list = previousByCell.get(chunk.cell)
    if (list) list.push(chunk)
    else previousByCell.set(chunk.cell, [chunk])
  }
  const chunks: Chunk[] = []
  const dirty = new Set<Chunk>()
  const removed: Chunk[] = []
  const cells = [...byCell.keys()].sort((a, b) => a - b)
  for (const cell of cells) {
    const plan = planCell(cell, previousByCell.get(cell) ?? [], byCell.get(cell)!, chunkSize)
    chunks.push(...plan.chunks)
    for (const c of plan.dirty) dirty.add(c)
    removed.push(...plan.removed)
    previousByCell.delete(cell)
  }
  for (const gone of previousByCell.values()) removed.push(...gone)
  return { chunks, dirty, removed }
}

/** The ordered chunks of one cell (the shapes of `shapes` all belong to `cell`). */
function planCell(
  cell: number,
  previous: readonly Chunk[],
  shapes: readonly RenderShape[],
  chunkSize: number,
): ChunkPlan {
  const order = new Map<Chunk, number>()
  const chunkOf = new Map<string, Chunk>()
  previous.forEach((c, i) => {
    order.set(c, i)
    for (const s of c.shapes) chunkOf.set(s.id, c)
  })
  const lists = new Map<Chunk, RenderShape[]>()
  let current: Chunk | undefined = previous[0]
  const fresh: Chunk[] = []
  for (const shape of shapes) {
    const was = chunkOf.get(shape.id)
    // Move forward only, so chunk order stays draw order.
    if (was && (!current || order.get(was)! >= order.get(current)!)) current = was
    if (!current) {
      current = { key: nextKey++, cell, shapes: [] }
      fresh.push(current)
      order.set(current, -1)
    }
    let list = lists.get(current)
    if (!list) lists.set(current, (list = []))
    list.push(shape)
  }

  const chunks: Chunk[] = []
  const dirty = new Set<Chunk>()
  const kept = new Set<Chunk>()
  for (const c of [...fresh, ...previous]) {
    const list = lists.get(c)
    if (!list || list.length === 0) continue
    if (list.length > chunkSize * 2 || (fresh.includes(c) && list.length > chunkSize)) {
      // Split an overgrown chunk into full-size pieces.
      for (let i = 0; i < list.length; i += chunkSize) {
        const piece: Chunk = { key: nextKey++, cell, shapes: list.slice(i, i + chunkSize) }
        chunks.push(piece)
        dirty.add(piece)
      }
      continue
    }
    if (!sameShapes(c.shapes, list)) {
      c.shapes = list
      dirty.add(c)
    }
    kept.add(c)
    chunks.push(c)
  }
  return { chunks, dirty, removed: previous.filter((c) => !kept.has(c)) }
}

function sameShapes(a: readonly RenderShape[], b: readonly RenderShape[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
