// How the main thread and the mesh worker build one batch of chunk meshes together, through
// shared memory, so that the main thread never waits for a message: a message is a task,
// and while a job opens the main thread's queue is long (meshes posted back measured drawn
// up to 400 ms late). The main thread claims chunks from the front, the worker from the
// back, each with a compare-and-swap on the chunk's state; the worker copies each mesh it
// builds into a growable shared arena and marks it done, and the main thread copies those
// out between two of its own. Where the two ends meet, the main thread waits briefly for the
// chunk the worker is building, or takes it back (the worker's copy is then never read).

import { buildChunkMesh, type ChunkMesh } from './chunk-mesh'
import {
  chunkCount,
  decodeChunk,
  needsUint32,
  packMesh,
  type EncodedChunks,
  type PackedMesh,
} from './mesh-codec'

/** One batch, as posted to the worker. */
export interface MeshJob {
  /** Chunks in the job (`chunks` is transferred to the worker: empty on the main thread). */
  count: number
  chunks: EncodedChunks
  /** Int32: a state per chunk, then a record per chunk (see RECORD). */
  control: SharedArrayBuffer
  /** Growable: the worker's meshes. */
  arena: SharedArrayBuffer
}

/** The worker's first message: its script runs and takes jobs. */
export const MESH_WORKER_READY = 'mesh-worker-ready'

/** Chunk states. */
export const FREE = 0
export const MAIN = 1
export const WORKER = 2
export const DONE = 3
export const FAILED = 4

/** Mesh arrays in the arena, in this order: byte offset and length (elements) of each. */
const FLOAT32 = [
  'fillPositions',
  'segments',
  'dots',
  'small',
] as const satisfies readonly (keyof ChunkMesh)[]
const UINT8 = [
  'fillColors',
  'segmentColors',
  'dotColors',
  'smallColors',
] as const satisfies readonly (keyof ChunkMesh)[]
const INDICES = [
  'fillIndices',
  'segmentIndices',
  'dotIndices',
  'smallIndices',
] as const satisfies readonly (keyof ChunkMesh)[]
const STARTS = [
  'fillStart',
  'segmentStart',
  'smallStart',
] as const satisfies readonly (keyof ChunkMesh)[]
const FIELDS = [...FLOAT32, ...UINT8, ...INDICES, ...STARTS, 'bounds'] as const
/** Int32s per chunk record: maxVertices, then offset and length per field. */
const RECORD = 1 + FIELDS.length * 2

/** Arena bytes per input vertex to start with (the worker builds about half the meshes). */
const ARENA_BYTES_PER_VERTEX = 96
/** The arena never grows past this; a mesh that does not fit is built on the main thread. */
export const ARENA_MAX_BYTES = 1 << 30

interface GrowableShared extends SharedArrayBuffer {
  grow(length: number): void
  readonly maxByteLength: number
}

/** A job for these chunks, its control block cleared (every chunk free). */
export function createMeshJob(chunks: EncodedChunks): MeshJob {
  const n = chunkCount(chunks)
  const vertices = chunks.points.length / 2
  const initial = Math.min(ARENA_MAX_BYTES, Math.max(1 << 16, vertices * ARENA_BYTES_PER_VERTEX))
  const Shared = SharedArrayBuffer as unknown as new (
    length: number,
    options: { maxByteLength: number },
  ) => SharedArrayBuffer
  return {
    count: n,
    chunks,
    control: new SharedArrayBuffer(4 * n * (1 + RECORD)),
    arena: new Shared(initial, { maxByteLength: ARENA_MAX_BYTES }),
  }
}

const states = (job: MeshJob) => new Int32Array(job.control, 0, job.count)
const record = (job: MeshJob, c: number) =>
  new Int32Array(job.control, 4 * (job.count + c * RECORD), RECORD)

/** Claims chunk `c` for `who` if nobody has; true if it did. */
export function claim(job: MeshJob, c: number, who: typeof MAIN | typeof WORKER): boolean {
  return Atomics.compareExchange(states(job), c, FREE, who) === FREE
}

/**
 * The worker's side: builds chunks from the back while they are free, copying each mesh into
 * the arena. Stops at the first chunk the main thread has claimed (it claims from the front,
 * so every chunk before that one is its own).
 */
export function serveMeshJob(job: MeshJob): void {
  const state = states(job)
  let cursor = 0
  for (let c = job.count - 1; c >= 0; c--) {
    if (!claim(job, c, WORKER)) return
    let end = -1
    try {
      const mesh = packMesh(buildChunkMesh(decodeChunk(job.chunks, c)))
      end = writeMesh(job, c, mesh, cursor)
    } catch {
      // Not built or no room: the main thread builds it.
    }
    if (end < 0) {
      Atomics.compareExchange(state, c, WORKER, FAILED)
      continue
    }
    cursor = end
    // If the main thread has taken it back meanwhile, this copy is never read.
    Atomics.compareExchange(state, c, WORKER, DONE)
  }
}

/** Copies a mesh into the arena from `cursor`; the arena's end of it, or -1 if it cannot fit. */
function writeMesh(job: MeshJob, c: number, mesh: PackedMesh, cursor: number): number {
  const arena = job.arena as GrowableShared
  const rec = record(job, c)
  const arrays = FIELDS.map((f) => (f === 'bounds' ? new Float64Array(mesh.bounds) : mesh[f]))
  let end = cursor
  for (const a of arrays) end = align8(end) + a.byteLength
  if (end > arena.byteLength) {
    if (end > arena.maxByteLength) return -1
    arena.grow(Math.min(arena.maxByteLength, Math.max(end, arena.byteLength * 2)))
  }
  const bytes = new Uint8Array(arena)
  let at = cursor
  rec[0] = mesh.maxVertices
  arrays.forEach((a, i) => {
    at = align8(at)
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at)
    rec[1 + i * 2] = at
    rec[2 + i * 2] = a.length
    at += a.byteLength
  })
  return end
}

/** A mesh the worker marked done, copied out of the arena (WebGL takes no shared views). */
export function readMesh(job: MeshJob, c: number): PackedMesh {
  const rec = record(job, c)
  const maxVertices = rec[0]!
  const mesh: Record<string, unknown> = { maxVertices }
  FIELDS.forEach((field, i) => {
    const offset = rec[1 + i * 2]!
    const length = rec[2 + i * 2]!
    if (field === 'bounds') {
      mesh[field] = Array.from(new Float64Array(job.arena, offset, length))
      return
    }
    const { arena } = job
    const is = (fields: readonly string[]) => fields.includes(field)
    mesh[field] = (
      is(FLOAT32)
        ? new Float32Array(arena, offset, length)
        : is(UINT8)
          ? new Uint8Array(arena, offset, length)
          : is(INDICES) && !needsUint32({ maxVertices })
            ? new Uint16Array(arena, offset, length)
            : new Uint32Array(arena, offset, length)
    ).slice()
  })
  return mesh as unknown as PackedMesh
}

/**
 * The main thread's side, after posting the job: builds chunks from the front, `mesh(c,
 * null)`, and between two of them hands over the worker's meshes done so far, from the back,
 * `mesh(c, packed)` (or null for one the worker failed: build it). When the two ends meet on
 * the chunk the worker is building, it waits for it up to `patienceMs(ms per chunk here)`,
 * then takes it back (the worker's copy is then never read). Returns when every chunk has
 * been handed over.
 */
export function joinMeshJob(
  job: MeshJob,
  mesh: (c: number, packed: PackedMesh | null) => void,
  patienceMs: (msPerChunkHere: number | null) => number,
): void {
  const state = states(job)
  // Chunks after `next` and before `front` have been handed over.
  let next = job.count - 1
  let front = 0
  let builtHere = 0
  let msHere = 0
  let waitingSince = -1
  while (front <= next) {
    const s = Atomics.load(state, next)
    if (s === DONE || s === FAILED) {
      mesh(next--, s === DONE ? readMesh(job, next + 1) : null)
      continue
    }
    if (claim(job, front, MAIN)) {
      const t = performance.now()
      mesh(front++, null)
      msHere += performance.now() - t
      builtHere++
      continue
    }
    // The worker holds every chunk left (it claims one when done with the last): `next`,
    // which it is building.
    const now = performance.now()
    if (waitingSince < 0) waitingSince = now
    if (now - waitingSince < patienceMs(builtHere > 0 ? msHere / builtHere : null)) continue
    if (Atomics.compareExchange(state, next, WORKER, MAIN) === WORKER) mesh(next--, null)
  }
}

const align8 = (n: number) => (n + 7) & ~7
