// The main thread's side of the mesh worker (chunk-mesh.worker.ts): one worker for the page
// (its JIT stays warm from one job to the next), given a share of big mesh rebuilds through
// shared memory (mesh-share.ts). Building with it is synchronous for the caller: the call
// returns with every mesh handed over, whatever the worker managed to do. Without a worker
// (none in this context, a Content-Security-Policy without worker-src 'self', a script that
// fails), without SharedArrayBuffer (a page that is not cross-origin isolated), or before the
// worker's script runs, the caller builds every mesh itself.

import { encodeChunks, type PackedMesh } from './mesh-codec'
import { createMeshJob, joinMeshJob, MESH_WORKER_READY, type MeshJob } from './mesh-share'
import type { RenderShape } from './types'

/** What the mesh client needs of a Worker. */
export interface MeshWorkerPort {
  postMessage(message: MeshJob, transfer: Transferable[]): void
  onmessage: ((event: MessageEvent<unknown>) => void) | null
  onerror?: ((event: Event) => void) | null
}

/** The longest the main thread waits for the chunk the worker is building, in ms. */
const MAX_WAIT_MS = 40

export class MeshWorker {
  private port: MeshWorkerPort | null
  private started = false

  constructor(
    port: MeshWorkerPort,
    private readonly stop: () => void = () => undefined,
  ) {
    this.port = port
    port.onmessage = (event) => {
      if (event.data === MESH_WORKER_READY) this.started = true
    }
    port.onerror = () => this.fail()
  }

  /**
   * Takes work: its script runs and has warmed up (mesh-warmup.ts; a worker asked for during
   * a long task starts after it, as starting one takes turns of the main thread), and nothing
   * has failed.
   */
  get ready(): boolean {
    return this.started && this.port !== null && typeof SharedArrayBuffer === 'function'
  }

  /**
   * Builds the meshes of these shape lists on this thread and the worker together: `mesh(i,
   * packed)` gets each one the worker built, `mesh(i, null)` asks to build list i here. Every
   * list is handed over once before this returns.
   */
  build(
    lists: readonly (readonly RenderShape[])[],
    mesh: (index: number, packed: PackedMesh | null) => void,
  ): void {
    const here = () => lists.forEach((_, i) => mesh(i, null))
    if (!this.ready) return here()
    let job: MeshJob
    let transfer: ArrayBuffer[]
    try {
      const [chunks, buffers] = encodeChunks(lists)
      job = createMeshJob(chunks)
      transfer = buffers
    } catch {
      // Shapes it cannot encode, or no memory to share: this once, build here.
      return here()
    }
    try {
      this.port!.postMessage(job, transfer)
    } catch {
      this.fail()
      return here()
    }
    // At the end, wait for the worker's last chunk about as long as building one here takes.
    joinMeshJob(job, mesh, (msPerChunk) => Math.min(MAX_WAIT_MS, 1.5 * (msPerChunk ?? MAX_WAIT_MS)))
  }

  private fail(): void {
    if (!this.port) return
    this.port.onmessage = null
    this.port = null
    this.stop()
  }
}

let shared: MeshWorker | null | undefined

/**
 * Starts the page's mesh worker now, if it is not running: as soon as a big paint is known
 * to come (a job opens), since a worker started during the main thread's long tasks only
 * runs after them.
 */
export function prepareMeshWorker(): void {
  sharedMeshWorker()
}

/** The page's mesh worker (started on first use); null where workers are unavailable. */
export function sharedMeshWorker(): MeshWorker | null {
  if (shared === undefined) shared = createMeshWorker()
  return shared
}

function createMeshWorker(): MeshWorker | null {
  if (typeof Worker === 'undefined' || typeof SharedArrayBuffer !== 'function') return null
  try {
    const worker = new Worker(new URL('./chunk-mesh.worker.ts', import.meta.url), {
      type: 'module',
      name: 'chunk-meshes',
    })
    return new MeshWorker(worker as MeshWorkerPort, () => worker.terminate())
  } catch {
    return null
  }
}
