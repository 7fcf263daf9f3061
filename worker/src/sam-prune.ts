// The official SAM decoder export computes `masks` (`low_res_masks` upsampled to the original
// image size, the export's post-processing) besides `iou_predictions` and `low_res_masks`. We
// upsample `low_res_masks` ourselves, cropped to each mask's box, but onnxruntime runs the whole
// graph whatever is fetched, so that branch costs every click (~20 ms on one thread with SAM's
// decoder). Before a session is created the graph loses the `masks` output and every node no
// remaining output needs (a reverse walk from the kept outputs), with the initialisers and
// value infos only those nodes used. Everything else (inputs, kept nodes and weights, opsets,
// metadata) is encoded exactly as it was: the model is decoded with onnx-proto and re-encoded
// only when that round trip gives back the file byte for byte.

import onnxProto from 'onnx-proto'
import type { onnx as proto } from 'onnx-proto'
import type { ValueInfo } from '@loupe/sam'

const { onnx } = onnxProto

/** The export's full-size output, and the output that makes it redundant for us. */
const DROPPED_OUTPUT = 'masks'
const REQUIRED_OUTPUT = 'low_res_masks'

export class PruneError extends Error {
  override name = 'PruneError'
}

export interface PrunedDecoder {
  bytes: Uint8Array
  /** The graph outputs taken out, described as onnxruntime describes outputs. */
  dropped: ValueInfo[]
  nodes: { before: number; after: number }
  initializers: { before: number; after: number }
  /** Decoding, checking, pruning and encoding. */
  ms: number
}

/** onnxruntime-web's names of TensorProto.DataType values. */
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
}

type Int64 = number | { toNumber(): number }
const toNumber = (v: Int64) => (typeof v === 'number' ? v : v.toNumber())

function describe(value: proto.IValueInfoProto): ValueInfo {
  const tensor = value.type?.tensorType
  if (!tensor) return { name: value.name ?? '', type: 'non-tensor' }
  const info: ValueInfo = { name: value.name ?? '' }
  if (tensor.elemType != null) info.type = ELEMENT_TYPES[tensor.elemType] ?? 'unknown'
  if (tensor.shape) {
    info.shape = (tensor.shape.dim ?? []).map((d) =>
      d.dimValue != null ? toNumber(d.dimValue) : (d.dimParam ?? ''),
    )
  }
  return info
}

/** Every value name read by nodes of a subgraph (and its subgraphs): over-approximates what it takes from outside. */
function namesReadIn(graph: proto.IGraphProto, into: Set<string>): void {
  for (const node of graph.node ?? []) {
    for (const name of node.input ?? []) if (name) into.add(name)
    for (const attribute of node.attribute ?? []) {
      if (attribute.g) namesReadIn(attribute.g, into)
      for (const sub of attribute.graphs ?? []) namesReadIn(sub, into)
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let i = 0
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >> 2
    const a32 = new Int32Array(a.buffer, a.byteOffset, words)
    const b32 = new Int32Array(b.buffer, b.byteOffset, words)
    for (; i < words; i++) if (a32[i] !== b32[i]) return false
    i = words * 4
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The decoder without the export's `masks` output and what only it needs, or null when there is
 * nothing to prune: no `masks` output, or no `low_res_masks` to use instead (exports without it,
 * SlimSAM / transformers.js exports). Throws when the bytes are not a model it can prune exactly
 * (not ONNX, fields onnx-proto does not know, an output nothing produces).
 */
export function pruneExportMasks(bytes: Uint8Array): PrunedDecoder | null {
  const started = performance.now()
  let model: proto.ModelProto
  try {
    model = onnx.ModelProto.decode(bytes)
  } catch (error) {
    throw new PruneError(`not an ONNX model: ${error instanceof Error ? error.message : error}`)
  }
  const graph = model.graph
  if (!graph) throw new PruneError('the model has no graph')
  const outputs = graph.output ?? []
  const has = (name: string) => outputs.some((o) => o.name === name)
  if (!has(DROPPED_OUTPUT) || !has(REQUIRED_OUTPUT)) return null

  // What would be re-encoded must be the file: onnx-proto drops fields its schema (ONNX 1.10)
  // does not know, and without a Long implementation reads big int64 values inexactly.
  if (!sameBytes(onnx.ModelProto.encode(model).finish(), bytes)) {
    throw new PruneError(
      'onnx-proto does not read this file back byte for byte (newer ONNX fields?)',
    )
  }

  const kept = outputs.filter((o) => o.name !== DROPPED_OUTPUT)
  const producer = new Map<string, number>()
  const nodes = graph.node ?? []
  nodes.forEach((node, i) => {
    for (const name of node.output ?? []) if (name) producer.set(name, i)
  })
  const needed = new Set<string>()
  const keepNode = new Uint8Array(nodes.length)
  const pending = kept.map((o) => o.name ?? '')
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (needed.has(name)) continue
    needed.add(name)
    const i = producer.get(name)
    if (i === undefined || keepNode[i]) continue
    keepNode[i] = 1
    const node = nodes[i]!
    const reads = new Set<string>(node.input?.filter((n) => n !== ''))
    for (const attribute of node.attribute ?? []) {
      if (attribute.g) namesReadIn(attribute.g, reads)
      for (const sub of attribute.graphs ?? []) namesReadIn(sub, reads)
    }
    for (const input of reads) if (!needed.has(input)) pending.push(input)
  }

  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''))
  const initializers = graph.initializer ?? []
  const initializerNames = new Set(initializers.map((t) => t.name ?? ''))
  for (const output of kept) {
    const name = output.name ?? ''
    if (!producer.has(name) && !inputs.has(name) && !initializerNames.has(name)) {
      throw new PruneError(`no node produces the output "${name}"`)
    }
  }

  const keptNodes = nodes.filter((_, i) => keepNode[i])
  const live = new Set(needed)
  for (const node of keptNodes) for (const name of node.output ?? []) if (name) live.add(name)
  // an initialiser that is also a graph input stays: it is the input's default
  const keepTensor = (name: string | null | undefined) =>
    live.has(name ?? '') || inputs.has(name ?? '')
  const keptInitializers = initializers.filter((t) => keepTensor(t.name))
  graph.node = keptNodes
  graph.output = kept
  graph.initializer = keptInitializers
  if (graph.sparseInitializer?.length) {
    graph.sparseInitializer = graph.sparseInitializer.filter((t) => keepTensor(t.values?.name))
  }
  if (graph.valueInfo?.length) graph.valueInfo = graph.valueInfo.filter((v) => keepTensor(v.name))
  if (graph.quantizationAnnotation?.length) {
    graph.quantizationAnnotation = graph.quantizationAnnotation.filter((q) =>
      keepTensor(q.tensorName),
    )
  }
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    dropped: outputs.filter((o) => o.name === DROPPED_OUTPUT).map(describe),
    nodes: { before: nodes.length, after: keptNodes.length },
    initializers: { before: initializers.length, after: keptInitializers.length },
    ms: performance.now() - started,
  }
}
