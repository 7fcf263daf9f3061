// Which thread builds a rebuild's chunk meshes. Small rebuilds (an edit, a drag: one or two
// chunks, or a few shapes) are built here at once. A big one (a job's first paint, another
// image) is shared with the mesh worker (mesh-worker.ts), which builds chunks from the back
// while this thread builds them from the front; either way every mesh is delivered before
// this returns, so a rebuild is never half drawn and no mesh can arrive for a chunk that has
// changed since.

import { buildChunkMesh } from './chunk-mesh'
import type { Chunk } from './chunk-plan'
import { chunkMasks, type PackedMesh } from './mesh-codec'
import type { MeshWorker } from './mesh-worker'
import type { RenderShape } from './types'

/**
 * Rebuilds of at least this many shapes are shared with the mesh worker; below it encoding
 * the shapes for it costs about what it saves.
 */
export const OFF_THREAD_MIN_SHAPES = 3000

/** Gets a chunk's mesh (and its mask shapes) to upload. */
export type MeshDelivery = (chunk: Chunk, mesh: PackedMesh, masks: RenderShape[]) => void

/** Builds the chunks' meshes from their current shapes, here or with the worker. */
export function buildChunkMeshes(
  chunks: Iterable<Chunk>,
  worker: MeshWorker | null,
  deliver: MeshDelivery,
  minShapes = OFF_THREAD_MIN_SHAPES,
): void {
  const list = [...chunks]
  const here = (chunk: Chunk) => {
    const mesh = buildChunkMesh(chunk.shapes)
    deliver(chunk, mesh, mesh.masks)
  }
  let shapes = 0
  for (const chunk of list) shapes += chunk.shapes.length
  if (!worker?.ready || list.length < 2 || shapes < minShapes) {
    list.forEach(here)
    return
  }
  worker.build(
    list.map((c) => c.shapes),
    (i, packed) => {
      const chunk = list[i]!
      if (packed) deliver(chunk, packed, chunkMasks(chunk.shapes))
      else here(chunk)
    },
  )
}
