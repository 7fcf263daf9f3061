// Splits the ordered shape list into chunks that own their GPU buffers, so an edit rebuilds
// one chunk instead of every buffer. Shapes keep the chunk they were in; new shapes join the
// chunk of the shape before them; a chunk is dirty only when its list of shape objects changed.

import type { RenderShape } from './types'

export interface Chunk {
  readonly key: number
  shapes: RenderShape[]
}

export interface ChunkPlan {
  chunks: Chunk[]
  /** Chunks (new or reused) whose shape lists changed and need new buffers. */
  dirty: Set<Chunk>
  /** Chunks of the previous plan that no longer exist (free their buffers). */
  removed: Chunk[]
}

let nextKey = 1

export function planChunks(
  previous: readonly Chunk[],
  shapes: readonly RenderShape[],
  chunkSize = 1024,
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
      current = { key: nextKey++, shapes: [] }
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
        const piece: Chunk = { key: nextKey++, shapes: list.slice(i, i + chunkSize) }
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
