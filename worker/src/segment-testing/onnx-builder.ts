// A few helpers to write small ONNX graphs with onnx-proto (tests and benchmarks only): typed
// value infos with fixed or symbolic dimensions, initialisers and nodes with attributes.

import onnxProto from 'onnx-proto'

const { onnx } = onnxProto

export type ElemType = 'float32' | 'uint8' | 'int64'
const ELEM: Record<ElemType, number> = { float32: 1, uint8: 2, int64: 7 }

export type Attr = number | string | number[] | { float: number }

export interface NodeSpec {
  op: string
  inputs: string[]
  outputs: string[]
  attrs?: Record<string, Attr>
}

export interface GraphSpec {
  inputs: { name: string; type: ElemType; shape: (number | string)[] }[]
  outputs: { name: string; type: ElemType; shape: (number | string)[] }[]
  nodes: NodeSpec[]
  floats?: Record<string, { dims: number[]; data: ArrayLike<number> }>
  ints?: Record<string, { dims: number[]; data: number[] }>
}

function valueInfo(v: { name: string; type: ElemType; shape: (number | string)[] }) {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.type],
        shape: {
          dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  })
}

function attribute(name: string, value: Attr) {
  const { AttributeType } = onnx.AttributeProto
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value }
  if (typeof value === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) }
  }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value }
  return { name, type: AttributeType.FLOAT, f: value.float }
}

/** Serialises a graph as an ONNX model (opset 13 by default, IR 7; IR 8 from opset 14). */
export function buildModel(spec: GraphSpec, opset = 13): Uint8Array {
  const initializer = [
    ...Object.entries(spec.floats ?? {}).map(([name, t]) => {
      // raw little-endian bytes: millions of weights encode in milliseconds (floatData does not)
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data)
      const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      return onnx.TensorProto.create({ name, dims: t.dims, dataType: 1, rawData })
    }),
    ...Object.entries(spec.ints ?? {}).map(([name, t]) =>
      onnx.TensorProto.create({ name, dims: t.dims, dataType: 7, int64Data: t.data }),
    ),
  ]
  const graph = onnx.GraphProto.create({
    name: 'tiny',
    node: spec.nodes.map((n, i) =>
      onnx.NodeProto.create({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      }),
    ),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
    initializer,
  })
  const model = onnx.ModelProto.create({
    irVersion: opset >= 14 ? 8 : 7,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'loupe-tests',
    graph,
  })
  return onnx.ModelProto.encode(model).finish()
}
