// The slice of an inference runtime the adapters need, so this package stays pure: the worker
// wraps an onnxruntime-web `InferenceSession` in it (worker/src/sam-ort.ts), tests do the same.

export type TensorType = 'float32' | 'int64' | 'uint8'

/** A tensor as plain data (structured-clonable, so embeddings can go to IndexedDB). */
export interface TensorData {
  type: TensorType
  data: Float32Array | BigInt64Array | Uint8Array
  dims: readonly number[]
}

/** Input/output metadata as onnxruntime reports it (`InferenceSession.inputMetadata`). */
export interface ValueInfo {
  name: string
  /** Element type (`float32`, `int64`, `uint8`, …) when known. */
  type?: string
  /** Dimensions: numbers when fixed, names (`N`, `batch_size`) when symbolic. */
  shape?: readonly (number | string)[]
}

export interface SessionLike {
  readonly inputs: readonly ValueInfo[]
  readonly outputs: readonly ValueInfo[]
  /** Runs the model; `fetches` limits the outputs computed and returned. */
  run(
    feeds: Record<string, TensorData>,
    fetches?: readonly string[],
  ): Promise<Record<string, TensorData>>
}

export function float32(
  data: Float32Array | readonly number[],
  dims: readonly number[],
): TensorData {
  return {
    type: 'float32',
    data: data instanceof Float32Array ? data : Float32Array.from(data),
    dims,
  }
}

export function int64(data: readonly number[], dims: readonly number[]): TensorData {
  return { type: 'int64', data: BigInt64Array.from(data, (v) => BigInt(v)), dims }
}
