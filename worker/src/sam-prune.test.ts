// Pruning the official SAM decoder export's `masks` branch, with onnxruntime-web (wasm) running
// the models before and after: same bits out of the kept outputs, the branch gone from the
// session, other exports and bad files as before.

import * as ort from 'onnxruntime-web'
import onnxProto from 'onnx-proto'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSegmenter } from '@loupe/sam'
import { SamHost } from './sam-host'
import { memoryModelCache } from './sam-model-store'
import { createOrtSession, type OrtSession } from './sam-ort'
import type { WorkerMessage } from './sam-protocol'
import { pruneExportMasks } from './sam-prune'
import { samSizedDecoder } from './segment-testing/sam-sized-decoder'
import { tinySamDecoder, tinySamEncoder, tinySlimSamDecoder } from './segment-testing/tiny-sam'

const { onnx } = onnxProto

beforeAll(() => {
  ort.env.wasm.numThreads = 1
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** Seeded values in [-1, 1). */
function noise(length: number, seed: number): Float32Array {
  let s = seed
  return Float32Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return (s / 2147483648) * 2 - 1
  })
}

/** A click and a box corner, a previous mask: every input the kept outputs read. */
function feeds(): Record<string, ort.Tensor> {
  const mask = noise(256 * 256, 7).map((v) => v * 10)
  return {
    image_embeddings: new ort.Tensor('float32', noise(256 * 64 * 64, 3), [1, 256, 64, 64]),
    point_coords: new ort.Tensor('float32', [412.5, 300.25, 100, 80], [1, 2, 2]),
    point_labels: new ort.Tensor('float32', [1, 2], [1, 2]),
    mask_input: new ort.Tensor('float32', mask, [1, 1, 256, 256]),
    has_mask_input: new ort.Tensor('float32', [1], [1]),
    orig_im_size: new ort.Tensor('float32', [768, 1024], [2]),
  }
}

const KEPT = ['iou_predictions', 'low_res_masks']

/** The kept outputs' bits. */
async function run(bytes: Uint8Array): Promise<{ names: readonly string[]; bits: Uint8Array[] }> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' })
  try {
    const out = await session.run(feeds(), KEPT)
    const bits = KEPT.map((name) => {
      const data = out[name]!.data as Float32Array
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
    })
    return { names: session.outputNames, bits }
  } finally {
    await session.release()
  }
}

const names = (values: { name?: string | null }[] | null | undefined) =>
  (values ?? []).map((v) => v.name ?? '').sort()

describe('pruneExportMasks', () => {
  it('takes masks and its post-processing out of the tiny official export, same bits out', async () => {
    const bytes = tinySamDecoder()
    const pruned = pruneExportMasks(bytes)!
    expect(pruned.dropped).toEqual([{ name: 'masks', type: 'float32', shape: [1, 3, 'H', 'W'] }])
    // Resize, Cast, Slice of the post-processing; their constants up_size, starts, axes
    expect(pruned.nodes.before - pruned.nodes.after).toBe(3)
    expect(pruned.initializers.before - pruned.initializers.after).toBe(3)
    const before = await run(bytes)
    const after = await run(pruned.bytes)
    expect(before.names).toContain('masks')
    expect(after.names).toEqual(['iou_predictions', 'low_res_masks'])
    expect(after.bits).toEqual(before.bits)
  })

  it('leaves the decoder-sized graph exactly as built without the masks branch', async () => {
    const options = { depth: 1, mlpDim: 64 }
    const full = samSizedDecoder(options).bytes
    const bare = samSizedDecoder({ ...options, masksOutput: false }).bytes
    const pruned = pruneExportMasks(full)!
    const a = onnx.ModelProto.decode(pruned.bytes).graph!
    const b = onnx.ModelProto.decode(bare).graph!
    expect(names(a.node)).toEqual(names(b.node))
    expect(names(a.initializer)).toEqual(names(b.initializer))
    expect(names(a.output)).toEqual(['iou_predictions', 'low_res_masks'])
    expect(names(a.input)).toEqual(names(b.input)) // orig_im_size stays, though nothing reads it
    // every kept node and weight is encoded exactly as in the original file
    const original = onnx.ModelProto.decode(full).graph!
    const nodes = (g: typeof a) =>
      new Map((g.node ?? []).map((n) => [n.name, onnx.NodeProto.encode(n).finish()]))
    const weights = (g: typeof a) =>
      new Map((g.initializer ?? []).map((t) => [t.name, onnx.TensorProto.encode(t).finish()]))
    const [originalNodes, originalWeights] = [nodes(original), weights(original)]
    for (const [name, node] of nodes(a)) expect(node).toEqual(originalNodes.get(name))
    for (const [name, weight] of weights(a)) expect(weight).toEqual(originalWeights.get(name))
    // and byte for byte the file built without the branch
    expect(pruned.bytes.length).toBe(bare.length)
    expect(pruned.bytes.every((byte, i) => byte === bare[i])).toBe(true)
    const before = await run(full)
    const after = await run(pruned.bytes)
    expect(after.names).toEqual(['iou_predictions', 'low_res_masks'])
    expect(after.bits).toEqual(before.bits)
  })

  it('keeps what a subgraph reads from outside (an If branch)', async () => {
    const tensor = (name: string, elemType: number, dims: number[]) => ({
      name,
      type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
    })
    const branch = (op: string) =>
      onnx.GraphProto.create({
        name: op,
        node: [{ opType: op, input: ['x'], output: [`${op}_out`] }],
        output: [tensor(`${op}_out`, 1, [2])],
      })
    const { AttributeType } = onnx.AttributeProto
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'branchy',
        node: [
          // x is only read inside the branches
          { opType: 'Neg', input: ['a'], output: ['x'] },
          {
            opType: 'If',
            input: ['cond'],
            output: ['low_res_masks'],
            attribute: [
              { name: 'then_branch', type: AttributeType.GRAPH, g: branch('Identity') },
              { name: 'else_branch', type: AttributeType.GRAPH, g: branch('Abs') },
            ],
          },
          { opType: 'Identity', input: ['a'], output: ['iou_predictions'] },
          { opType: 'Relu', input: ['low_res_masks'], output: ['masks'] },
        ],
        input: [tensor('cond', 9, [1]), tensor('a', 1, [2])],
        output: [
          tensor('masks', 1, [2]),
          tensor('iou_predictions', 1, [2]),
          tensor('low_res_masks', 1, [2]),
        ],
      },
    })
    const pruned = pruneExportMasks(onnx.ModelProto.encode(model).finish())!
    expect(pruned.nodes).toEqual({ before: 4, after: 3 })
    const session = await ort.InferenceSession.create(pruned.bytes)
    const out = await session.run({
      cond: new ort.Tensor('bool', [true], [1]),
      a: new ort.Tensor('float32', [1.5, -2], [2]),
    })
    expect(session.outputNames).toEqual(['iou_predictions', 'low_res_masks'])
    expect([...(out.low_res_masks!.data as Float32Array)]).toEqual([-1.5, 2])
    await session.release()
  })

  it('leaves exports alone that have no low_res_masks or are SlimSAM (transformers.js)', () => {
    expect(pruneExportMasks(tinySamDecoder({ withoutLowRes: true }))).toBeNull()
    expect(pruneExportMasks(tinySlimSamDecoder())).toBeNull()
    expect(pruneExportMasks(tinySamEncoder())).toBeNull()
  })

  it('refuses a file onnx-proto cannot give back byte for byte', () => {
    // an unknown field (number 1000, varint 1) after the model: valid protobuf, lost by decoding
    const bytes = Uint8Array.from([...tinySamDecoder(), 0xc0, 0x3e, 0x01])
    expect(() => pruneExportMasks(bytes)).toThrow(/byte for byte/)
    expect(() => pruneExportMasks(tinySamDecoder().slice(0, 500))).toThrow(/not an ONNX model/)
  })
})

describe('createOrtSession with pruneExportMasks', () => {
  const load = (bytes: Uint8Array, prune = true) =>
    createOrtSession(bytes, { file: 'decoder.onnx', backend: 'wasm', pruneExportMasks: prune })

  it('runs the pruned graph, still describes the file, and says so when masks is fetched', async () => {
    const decoder = await load(tinySamDecoder())
    expect(decoder.pruned).toEqual(['masks'])
    expect(decoder.outputs.map((o) => o.name).sort()).toEqual([
      'iou_predictions',
      'low_res_masks',
      'masks',
    ])
    const encoder = await createOrtSession(tinySamEncoder(), {
      file: 'encoder.onnx',
      backend: 'wasm',
    })
    expect(createSegmenter(encoder, decoder).info.family).toBe('sam')
    const embedding = {
      type: 'float32' as const,
      data: noise(256 * 64 * 64, 1),
      dims: [1, 256, 64, 64],
    }
    const inputs = {
      image_embeddings: embedding,
      point_coords: { type: 'float32' as const, data: Float32Array.of(10, 10), dims: [1, 1, 2] },
      point_labels: { type: 'float32' as const, data: Float32Array.of(1), dims: [1, 1] },
      mask_input: {
        type: 'float32' as const,
        data: new Float32Array(65536),
        dims: [1, 1, 256, 256],
      },
      has_mask_input: { type: 'float32' as const, data: Float32Array.of(0), dims: [1] },
      orig_im_size: { type: 'float32' as const, data: Float32Array.of(1024, 1024), dims: [2] },
    }
    const out = await decoder.run(inputs, KEPT)
    expect(out.low_res_masks!.dims).toEqual([1, 3, 256, 256])
    await expect(decoder.run(inputs, ['masks'])).rejects.toMatchObject({
      name: 'SamError',
      message: 'decoder.onnx: output "masks" was taken out of the graph when it was loaded',
    })
    await Promise.all([decoder.release(), encoder.release()])
  })

  it('loads SlimSAM decoders untouched', async () => {
    const session = await load(tinySlimSamDecoder())
    expect(session.pruned).toEqual([])
    expect(session.outputs.map((o) => o.name)).toEqual(['iou_scores', 'pred_masks'])
    await session.release()
  })

  it('loads a file it cannot prune exactly as it is, with a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const session = await load(Uint8Array.from([...tinySamDecoder(), 0xc0, 0x3e, 0x01]))
    expect(session.pruned).toEqual([])
    expect(session.outputs.map((o) => o.name)).toContain('masks')
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^decoder\.onnx: the export's "masks" output stays in the graph: /),
    )
    await session.release()
  })

  it('a damaged file is still an invalid-model error naming the file', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const bytes = tinySamDecoder()
    await expect(load(bytes.slice(0, bytes.length >> 1))).rejects.toMatchObject({
      name: 'SamError',
      code: 'invalid-model',
      message: expect.stringMatching(/^decoder\.onnx: not a valid ONNX model/),
    })
  })
})

describe('SamHost', () => {
  it('prunes the decoder it loads (not the encoder), caches the file as it came', async () => {
    const sessions: { file: string; session: OrtSession }[] = []
    const modelCache = memoryModelCache()
    const messages: WorkerMessage[] = []
    const decoder = tinySamDecoder()
    const host = new SamHost((message) => messages.push(message), {
      createSession: async (bytes, options) => {
        const session = await createOrtSession(bytes, { ...options, backend: 'wasm' })
        sessions.push({ file: options.file, session })
        return session
      },
      modelCache,
      embeddings: null,
      decodeImage: async () => {
        throw new Error('no images here')
      },
      threads: 1,
    })
    host.handle({
      type: 'load',
      id: 1,
      encoder: { bytes: tinySamEncoder(), name: 'encoder.onnx' },
      decoder: { bytes: decoder, name: 'decoder.onnx' },
    })
    await vi.waitFor(() => expect(messages.find((m) => m.type !== 'progress')).toBeDefined())
    const result = messages.find((m) => m.type === 'result')
    expect(result).toMatchObject({ result: { family: 'sam', decoder: { bytes: decoder.length } } })
    expect(sessions.map((s) => [s.file, s.session.pruned])).toEqual([
      ['encoder.onnx', []],
      ['decoder.onnx', ['masks']],
    ])
    const key = (result as { result: { decoder: { cacheKey: string } } }).result.decoder.cacheKey
    expect(await modelCache.match(key)).toEqual(decoder)
    await Promise.all(sessions.map((s) => s.session.release()))
  })
})
