// onnxruntime-web sessions for the segmenter: backend choice (WebGPU when the browser has it,
// with wasm as fallback; wasm multithreaded when the page is cross-origin isolated), a time
// limit on session creation, ONNX parse errors turned into SamError(invalid-model) naming the
// file, and the session wrapped as @loupe/sam's `SessionLike`. A SAM decoder can lose the
// export's `masks` post-processing before its session is made (sam-prune.ts).

import * as ort from 'onnxruntime-web'
import { SamError, SamErrorCode } from '@loupe/sam'
import type { SessionLike, TensorData, ValueInfo } from '@loupe/sam'
import { pruneExportMasks } from './sam-prune'

export type BackendChoice = 'auto' | 'wasm' | 'webgpu'
export type Backend = 'wasm' | 'webgpu'

export interface OrtSetup {
  /** URL of onnxruntime's .wasm (the worker bundle passes Vite's asset URL). */
  wasmUrl?: string
  /** Threads for the wasm backend; default: up to 4 when cross-origin isolated, else 1. */
  numThreads?: number
}

/** Configures onnxruntime-web once, before the first session. */
export function configureOrt(setup: OrtSetup = {}): { threads: number } {
  const g = globalThis as {
    crossOriginIsolated?: boolean
    navigator?: { hardwareConcurrency?: number }
  }
  const threads =
    setup.numThreads ??
    (g.crossOriginIsolated ? Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1)) : 1)
  ort.env.wasm.numThreads = threads
  if (setup.wasmUrl) ort.env.wasm.wasmPaths = { wasm: setup.wasmUrl }
  return { threads }
}

/** Whether this context has a usable WebGPU adapter. */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } })
    .navigator?.gpu
  if (!gpu) return false
  try {
    return (await gpu.requestAdapter()) !== null
  } catch {
    return false
  }
}

/** Rejects with SamError(timeout) when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return promise
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SamError(SamErrorCode.Timeout, `${what} took longer than ${Math.round(ms / 1000)} s`),
        ),
      ms,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export interface OrtSession extends SessionLike {
  readonly backend: Backend
  /**
   * Outputs of the model file taken out of the session's graph (`masks` of a pruned SAM
   * decoder). `outputs` still lists them, so the signature check sees the file as it is; a run
   * that fetches one fails saying so.
   */
  readonly pruned: readonly string[]
  release(): Promise<void>
}

function toOrt(t: TensorData): ort.Tensor {
  return new ort.Tensor(t.type, t.data, t.dims)
}

function fromOrt(t: ort.Tensor): TensorData {
  const type = t.type
  if (type !== 'float32' && type !== 'int64' && type !== 'uint8') {
    throw new SamError(SamErrorCode.Failed, `unsupported output tensor type ${type}`)
  }
  return { type, data: t.data as TensorData['data'], dims: t.dims }
}

function metadata(values: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return values.map((v) =>
    v.isTensor
      ? { name: v.name, type: v.type, shape: v.shape }
      : { name: v.name, type: 'non-tensor' },
  )
}

function wrap(
  session: ort.InferenceSession,
  backend: Backend,
  file: string,
  pruned: readonly ValueInfo[],
): OrtSession {
  return {
    backend,
    inputs: metadata(session.inputMetadata),
    outputs: [...pruned, ...metadata(session.outputMetadata)],
    pruned: pruned.map((v) => v.name),
    async run(feeds, fetches) {
      const gone = fetches?.find((name) => pruned.some((v) => v.name === name))
      if (gone !== undefined) {
        throw new SamError(
          SamErrorCode.Failed,
          `${file}: output "${gone}" was taken out of the graph when it was loaded`,
        )
      }
      const ortFeeds: Record<string, ort.Tensor> = {}
      for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrt(tensor)
      const out = fetches ? await session.run(ortFeeds, [...fetches]) : await session.run(ortFeeds)
      const result: Record<string, TensorData> = {}
      for (const [name, tensor] of Object.entries(out)) result[name] = fromOrt(tensor)
      return result
    },
    release: () => session.release(),
  }
}

export interface CreateSessionOptions {
  /** File name for messages (`decoder.onnx`). */
  file: string
  backend?: BackendChoice
  /** Time limit for parsing and initialising the model. Default 120 s. */
  timeoutMs?: number
  /**
   * The bytes are a SAM decoder: when it is the official export with `low_res_masks`, its
   * `masks` output and the nodes only that needs are left out of the session (sam-prune.ts).
   * When that cannot be done exactly the model loads as it is, with a warning.
   */
  pruneExportMasks?: boolean
}

/** The decoder without the export's `masks` branch, or the bytes as they are. */
function pruned(bytes: Uint8Array, file: string): { bytes: Uint8Array; dropped: ValueInfo[] } {
  try {
    const result = pruneExportMasks(bytes)
    if (result) return result
  } catch (error) {
    console.warn(`${file}: the export's "masks" output stays in the graph: ${messageOf(error)}`)
  }
  return { bytes, dropped: [] }
}

/** Whether an onnxruntime error says the bytes are not a loadable model. */
function isParseError(message: string): boolean {
  return /protobuf parsing failed|failed to load model|invalid model|model_path|ONNX format|no graph/i.test(
    message,
  )
}

/**
 * A session for model bytes. Parse failures (truncated file, not ONNX) become
 * SamError(invalid-model) naming the file; a slow start becomes SamError(timeout).
 */
export async function createOrtSession(
  bytes: Uint8Array,
  options: CreateSessionOptions,
): Promise<OrtSession> {
  const { file } = options
  const timeoutMs = options.timeoutMs ?? 120_000
  const model = options.pruneExportMasks ? pruned(bytes, file) : { bytes, dropped: [] }
  const wanted = options.backend ?? 'auto'
  const webgpu = wanted === 'webgpu' || (wanted === 'auto' && (await hasWebGpu()))
  const attempt = async (backend: Backend) => {
    const session = await withTimeout(
      ort.InferenceSession.create(model.bytes, {
        executionProviders: [backend],
        graphOptimizationLevel: 'all',
      }),
      timeoutMs,
      `${file}: loading the model`,
    )
    return wrap(session, backend, file, model.dropped)
  }
  try {
    if (webgpu) {
      try {
        return await attempt('webgpu')
      } catch (error) {
        if (error instanceof SamError && error.code === SamErrorCode.Timeout) throw error
        if (isParseError(messageOf(error))) throw error
        // WebGPU is there but cannot run this model: fall back to wasm
      }
    }
    return await attempt('wasm')
  } catch (error) {
    if (error instanceof SamError) throw error
    const message = messageOf(error)
    if (isParseError(message)) {
      throw new SamError(
        SamErrorCode.InvalidModel,
        `${file}: not a valid ONNX model (damaged, truncated or another kind of file): ${message}`,
      )
    }
    throw new SamError(SamErrorCode.InvalidModel, `${file}: onnxruntime cannot load it: ${message}`)
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
