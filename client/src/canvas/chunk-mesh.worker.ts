// The mesh worker: builds its share of big chunk-mesh rebuilds (earcut + outline quads,
// chunk-mesh.ts) beside the main thread, through shared memory (mesh-share.ts). It keeps no
// state between jobs. Before it says it is ready it builds a small scene once, so that a
// job's first chunk does not run cold code (see mesh-warmup.ts).

import { encodeChunks } from './mesh-codec'
import { createMeshJob, MESH_WORKER_READY, serveMeshJob, type MeshJob } from './mesh-share'
import { warmUpScene } from './mesh-warmup'

/** The part of the worker's global scope used here (the client compiles against DOM types). */
interface MeshWorkerScope {
  onmessage: ((event: MessageEvent<MeshJob>) => void) | null
  postMessage(message: unknown): void
}

const scope = self as unknown as MeshWorkerScope
scope.onmessage = (event) => serveMeshJob(event.data)
try {
  for (let i = 0; i < 2; i++) serveMeshJob(createMeshJob(encodeChunks(warmUpScene())[0]))
} catch {
  // Only a warm-up.
}
scope.postMessage(MESH_WORKER_READY)
