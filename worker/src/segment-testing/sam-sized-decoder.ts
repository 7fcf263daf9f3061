// A decoder with exactly the official SAM decoder export's signature AND the real decoder's
// size, for benchmarks: the prompt encoder (random Fourier point features, label embeddings,
// mask downscaling), the two-way transformer (depth 2, width 256, 8 heads, MLP 2048, 4096 image
// tokens), the transposed-conv upscaling to 256², the 4 hypernetwork MLPs and the IoU head, then
// the export's own post-processing (upsample to 1024², crop to the resized image, upsample to
// `orig_im_size`). Weights are seeded random, so the network's logits are noise: they are added
// (scaled) to a disc around the first point, which gives the post-processing object-like masks
// with an irregular outline, while all of the real decoder's arithmetic still runs.

import { buildModel, type Attr, type GraphSpec, type NodeSpec } from './onnx-builder'

export interface SamSizedDecoderOptions {
  /** Seed of the random weights. Default 1. */
  seed?: number
  /** Two-way transformer blocks (SAM: 2). */
  depth?: number
  /** Hidden width of the transformer MLP (SAM: 2048). */
  mlpDim?: number
  /** Heads of every attention (SAM: 8). */
  heads?: number
  /** Disc radius of each output, in 1024² model-input pixels (output 0: the single-mask one). */
  radii?: readonly number[]
  /** Predicted IoU added to each output's (tiny) IoU-head value. */
  scores?: readonly number[]
  /** Scale of the network's logits added to the discs (low-res cells). Default 0.25. */
  noise?: number
  /** Prompt points (with padding) the MAC count is given for. Default 2 (a click + padding). */
  pointsForCount?: number
  /**
   * False leaves out `masks` and the export's post-processing that makes it, to measure what
   * that costs inside the model (the result is then not a valid SAM export). Default true.
   */
  masksOutput?: boolean
}

export interface SamSizedDecoder {
  bytes: Uint8Array
  /** Learned weights (the prompt encoder's and the mask decoder's, as SAM counts them). */
  params: number
  /** Bytes of all initialisers (weights and constant grids, float32). */
  weightBytes: number
  /** Multiply-accumulates of one decode with `pointsForCount` prompt points. */
  macs: number
  /** The disc radius and score of each output. */
  radii: readonly number[]
  scores: readonly number[]
}

/** Fixed by the signature: embedding channels, embedding side, low-res side, input side. */
const C = 256
const SIDE = 64
const TOKENS = SIDE * SIDE
const LOW = 256
const INPUT = 1024
/** Output tokens: IoU token + 4 mask tokens; M = 4 outputs as the export without `return_single_mask`. */
const MASKS = 4

/** mulberry32: a small seeded generator, uniform on [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Graph {
  readonly nodes: NodeSpec[] = []
  readonly floats: NonNullable<GraphSpec['floats']> = {}
  readonly ints: NonNullable<GraphSpec['ints']> = {}
  params = 0
  macs = 0
  #next = 0
  readonly #rand: () => number

  constructor(seed: number) {
    this.#rand = random(seed)
  }

  name(prefix: string): string {
    return `${prefix}_${this.#next++}`
  }

  op(op: string, inputs: string[], attrs?: Record<string, Attr>, output?: string): string {
    const out = output ?? this.name(op.toLowerCase())
    this.nodes.push({ op, inputs, outputs: [out], attrs })
    return out
  }

  /** A learned tensor: uniform ±1/√fanIn (PyTorch's Linear/Conv default bound), or `fill`. */
  weight(prefix: string, dims: number[], fanIn: number, fill?: number): string {
    const n = dims.reduce((a, b) => a * b, 1)
    const data = new Float32Array(n)
    if (fill !== undefined) data.fill(fill)
    else {
      const bound = 1 / Math.sqrt(fanIn)
      for (let i = 0; i < n; i++) data[i] = (this.#rand() * 2 - 1) * bound
    }
    const name = this.name(prefix)
    this.floats[name] = { dims, data }
    this.params += n
    return name
  }

  /** Standard normal values (embeddings, the Fourier matrix). */
  normal(prefix: string, dims: number[], scale = 1): string {
    const n = dims.reduce((a, b) => a * b, 1)
    const data = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const u = Math.max(this.#rand(), 1e-12)
      data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#rand()) * scale
    }
    const name = this.name(prefix)
    this.floats[name] = { dims, data }
    this.params += n
    return name
  }

  constant(prefix: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.name(prefix)
    this.floats[name] = { dims, data }
    return name
  }

  ints64(prefix: string, data: number[]): string {
    const name = this.name(prefix)
    this.ints[name] = { dims: [data.length], data }
    return name
  }

  scalar(value: number): string {
    return this.constant('k', [1], [value])
  }

  /** `x @ W + b` over the last axis; `rows` (tokens) only counts MACs. */
  linear(x: string, inDim: number, outDim: number, rows: number): string {
    const w = this.weight('w', [inDim, outDim], inDim)
    const b = this.weight('b', [outDim], inDim)
    this.macs += rows * inDim * outDim
    return this.op('Add', [this.op('MatMul', [x, w]), b])
  }

  layerNorm(x: string, dim: number): string {
    const scale = this.weight('ln_w', [dim], dim, 1)
    const bias = this.weight('ln_b', [dim], dim, 0)
    return this.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: 1e-5 } })
  }

  /** SAM's LayerNorm2d: over the channels of NCHW at each pixel. */
  layerNorm2d(x: string, channels: number): string {
    const mean = this.op('ReduceMean', [x], { axes: [1], keepdims: 1 })
    const d = this.op('Sub', [x, mean])
    const variance = this.op('ReduceMean', [this.op('Mul', [d, d])], { axes: [1], keepdims: 1 })
    const std = this.op('Sqrt', [this.op('Add', [variance, this.scalar(1e-6)])])
    const w = this.weight('ln2d_w', [1, channels, 1, 1], channels, 1)
    const b = this.weight('ln2d_b', [1, channels, 1, 1], channels, 0)
    return this.op('Add', [this.op('Mul', [this.op('Div', [d, std]), w]), b])
  }

  /** Exact GELU (x·Φ(x), as torch.nn.GELU), the pattern onnxruntime fuses. */
  gelu(x: string): string {
    const erf = this.op('Erf', [this.op('Div', [x, this.scalar(Math.SQRT2)])])
    const half = this.op('Mul', [x, this.scalar(0.5)])
    return this.op('Mul', [half, this.op('Add', [erf, this.scalar(1)])])
  }

  relu(x: string): string {
    return this.op('Relu', [x])
  }

  /** SAM's MLP: `layers` linears with ReLU between. */
  mlp(x: string, dims: number[], rows: number): string {
    let h = x
    for (let i = 0; i + 1 < dims.length; i++) {
      h = this.linear(h, dims[i]!, dims[i + 1]!, rows)
      if (i + 2 < dims.length) h = this.relu(h)
    }
    return h
  }

  /**
   * SAM's Attention: project q/k/v to `C / downsample`, split into heads, softmax(q·kᵀ/√d)·v,
   * recombine, project back to C. `lq` and `lk` (rows of q and k/v) only count MACs.
   */
  attention(
    q: string,
    k: string,
    v: string,
    downsample: number,
    heads: number,
    lq: number,
    lk: number,
  ): string {
    const inner = C / downsample
    const d = inner / heads
    const split = (x: string, perm: number[]) =>
      this.op('Transpose', [this.op('Reshape', [x, this.ints64('s', [1, -1, heads, d])])], { perm })
    const qh = split(this.linear(q, C, inner, lq), [0, 2, 1, 3])
    const kh = split(this.linear(k, C, inner, lk), [0, 2, 3, 1])
    const vh = split(this.linear(v, C, inner, lk), [0, 2, 1, 3])
    const logits = this.op('Mul', [this.op('MatMul', [qh, kh]), this.scalar(1 / Math.sqrt(d))])
    const weights = this.op('Softmax', [logits], { axis: -1 })
    const out = this.op('MatMul', [weights, vh])
    this.macs += 2 * lq * lk * inner
    const joined = this.op('Reshape', [
      this.op('Transpose', [out], { perm: [0, 2, 1, 3] }),
      this.ints64('s', [1, -1, inner]),
    ])
    return this.linear(joined, inner, C, lq)
  }
}

/** The random Fourier features of SAM's PositionEmbeddingRandom for coords in [0, 1]. */
function fourier(g: Graph, coords01: string, gaussian: string): string {
  const centred = g.op('Sub', [g.op('Mul', [coords01, g.scalar(2)]), g.scalar(1)])
  const angle = g.op('Mul', [g.op('MatMul', [centred, gaussian]), g.scalar(2 * Math.PI)])
  return g.op('Concat', [g.op('Sin', [angle]), g.op('Cos', [angle])], { axis: -1 })
}

/** Cell-centre coordinates of the 256² low-res grid in model-input pixels. */
function lowResGrid(): { gx: Float32Array; gy: Float32Array } {
  const gx = new Float32Array(LOW * LOW)
  const gy = new Float32Array(LOW * LOW)
  const f = INPUT / LOW
  for (let y = 0; y < LOW; y++) {
    for (let x = 0; x < LOW; x++) {
      gx[y * LOW + x] = x * f + (f - 1) / 2
      gy[y * LOW + x] = y * f + (f - 1) / 2
    }
  }
  return { gx, gy }
}

/** Builds the decoder. Defaults are SAM ViT-H / MobileSAM's decoder dimensions. */
export function samSizedDecoder(options: SamSizedDecoderOptions = {}): SamSizedDecoder {
  const depth = options.depth ?? 2
  const mlpDim = options.mlpDim ?? 2048
  const heads = options.heads ?? 8
  const radii = options.radii ?? [160, 64, 120, 200]
  const scores = options.scores ?? [0.8, 0.6, 0.9, 0.75]
  const points = options.pointsForCount ?? 2
  if (radii.length !== MASKS || scores.length !== MASKS) {
    throw new Error(`radii, scores: expected ${MASKS} values each (one per output)`)
  }
  const g = new Graph(options.seed ?? 1)
  const T = 1 + MASKS + points

  // prompt encoder: sparse (points) embeddings
  const gaussian = g.normal('pe_gaussian', [2, C / 2])
  const coords01 = g.op('Div', [g.op('Add', ['point_coords', g.scalar(0.5)]), g.scalar(INPUT)])
  let sparse = fourier(g, coords01, gaussian)
  const labels = g.op('Unsqueeze', ['point_labels', g.ints64('axis', [2])])
  const is = (label: number) => g.op('Cast', [g.op('Equal', [labels, g.scalar(label)])], { to: 1 })
  const padding = is(-1)
  sparse = g.op('Mul', [sparse, g.op('Sub', [g.scalar(1), padding])])
  sparse = g.op('Add', [sparse, g.op('Mul', [padding, g.normal('not_a_point', [1, 1, C])])])
  for (let label = 0; label < 4; label++) {
    sparse = g.op('Add', [sparse, g.op('Mul', [is(label), g.normal('point_embed', [1, 1, C])])])
  }

  // prompt encoder: dense (mask) embedding, computed whether or not has_mask_input is set
  let m = g.op('Conv', ['mask_input', g.weight('conv', [4, 1, 2, 2], 4), g.weight('b', [4], 4)], {
    strides: [2, 2],
  })
  g.macs += 128 * 128 * 4 * 4
  m = g.gelu(g.layerNorm2d(m, 4))
  m = g.op('Conv', [m, g.weight('conv', [16, 4, 2, 2], 16), g.weight('b', [16], 16)], {
    strides: [2, 2],
  })
  g.macs += SIDE * SIDE * 16 * 16
  m = g.gelu(g.layerNorm2d(m, 16))
  m = g.op('Conv', [m, g.weight('conv', [C, 16, 1, 1], 16), g.weight('b', [C], 16)])
  g.macs += SIDE * SIDE * C * 16
  const noMask = g.normal('no_mask_embed', [1, C, 1, 1])
  const dense = g.op('Add', [
    g.op('Mul', [m, 'has_mask_input']),
    g.op('Mul', [noMask, g.op('Sub', [g.scalar(1), 'has_mask_input'])]),
  ])

  // dense positional encoding of the 64² grid (constant: folded when the session is created)
  const grid = new Float32Array(TOKENS * 2)
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      grid[(y * SIDE + x) * 2] = (x + 0.5) / SIDE
      grid[(y * SIDE + x) * 2 + 1] = (y + 0.5) / SIDE
    }
  }
  const imagePe = fourier(g, g.constant('grid', [1, TOKENS, 2], grid), gaussian)

  // mask decoder: tokens and image tokens
  const outputTokens = g.normal('output_tokens', [1, 1 + MASKS, C])
  const tokens = g.op('Concat', [outputTokens, sparse], { axis: 1 })
  const src = g.op('Add', ['image_embeddings', dense])
  let keys = g.op('Transpose', [g.op('Reshape', [src, g.ints64('s', [1, C, TOKENS])])], {
    perm: [0, 2, 1],
  })
  let queries = tokens
  for (let layer = 0; layer < depth; layer++) {
    if (layer === 0) {
      queries = g.attention(queries, queries, queries, 1, heads, T, T)
    } else {
      const q = g.op('Add', [queries, tokens])
      queries = g.op('Add', [queries, g.attention(q, q, queries, 1, heads, T, T)])
    }
    queries = g.layerNorm(queries, C)
    let q = g.op('Add', [queries, tokens])
    let k = g.op('Add', [keys, imagePe])
    queries = g.op('Add', [queries, g.attention(q, k, keys, 2, heads, T, TOKENS)])
    queries = g.layerNorm(queries, C)
    queries = g.op('Add', [queries, g.mlp(queries, [C, mlpDim, C], T)])
    queries = g.layerNorm(queries, C)
    q = g.op('Add', [queries, tokens])
    k = g.op('Add', [keys, imagePe])
    keys = g.op('Add', [keys, g.attention(k, q, queries, 2, heads, TOKENS, T)])
    keys = g.layerNorm(keys, C)
  }
  const qFinal = g.op('Add', [queries, tokens])
  const kFinal = g.op('Add', [keys, imagePe])
  queries = g.op('Add', [queries, g.attention(qFinal, kFinal, keys, 2, heads, T, TOKENS)])
  queries = g.layerNorm(queries, C)

  // upscaling: 64² × 256 → 128² × 64 → 256² × 32
  const image = g.op('Reshape', [
    g.op('Transpose', [keys], { perm: [0, 2, 1] }),
    g.ints64('s', [1, C, SIDE, SIDE]),
  ])
  let up = g.op(
    'ConvTranspose',
    [image, g.weight('convt', [C, 64, 2, 2], 64 * 4), g.weight('b', [64], 64 * 4)],
    { strides: [2, 2] },
  )
  g.macs += 128 * 128 * 64 * C
  up = g.gelu(g.layerNorm2d(up, 64))
  up = g.op(
    'ConvTranspose',
    [up, g.weight('convt', [64, 32, 2, 2], 32 * 4), g.weight('b', [32], 32 * 4)],
    { strides: [2, 2] },
  )
  g.macs += LOW * LOW * 32 * 64
  up = g.gelu(up)
  const upFlat = g.op('Reshape', [up, g.ints64('s', [1, 32, LOW * LOW])])

  // hypernetworks: one MLP per mask token → 32 weights over the upscaled channels
  const hyper: string[] = []
  for (let i = 0; i < MASKS; i++) {
    const token = g.op('Gather', [queries, g.ints64('i', [1 + i])], { axis: 1 })
    hyper.push(g.mlp(token, [C, C, C, C / 8], 1))
  }
  const hyperIn = g.op('Concat', hyper, { axis: 1 })
  const net = g.op('Reshape', [
    g.op('MatMul', [hyperIn, upFlat]),
    g.ints64('s', [1, MASKS, LOW, LOW]),
  ])
  g.macs += MASKS * 32 * LOW * LOW
  const iouToken = g.op('Gather', [queries, g.ints64('i', [0])], { axis: 1 })
  const iou = g.op('Reshape', [g.mlp(iouToken, [C, C, C, MASKS], 1), g.ints64('s', [1, MASKS])])

  // object-like logits: (r − distance to the first point) in low-res cells + scaled network noise
  const { gx, gy } = lowResGrid()
  const first = g.op('Gather', ['point_coords', g.ints64('i', [0])], { axis: 1 })
  const px = g.op('Reshape', [
    g.op('Gather', [first, g.ints64('i', [0])], { axis: 2 }),
    g.ints64('s', [1, 1, 1, 1]),
  ])
  const py = g.op('Reshape', [
    g.op('Gather', [first, g.ints64('i', [1])], { axis: 2 }),
    g.ints64('s', [1, 1, 1, 1]),
  ])
  const dx = g.op('Sub', [g.constant('gx', [1, 1, LOW, LOW], gx), px])
  const dy = g.op('Sub', [g.constant('gy', [1, 1, LOW, LOW], gy), py])
  const distance = g.op('Sqrt', [g.op('Add', [g.op('Mul', [dx, dx]), g.op('Mul', [dy, dy])])])
  const r = g.constant('radii', [1, MASKS, 1, 1], radii)
  const disc = g.op('Div', [g.op('Sub', [r, distance]), g.scalar(INPUT / LOW)])
  g.op(
    'Add',
    [disc, g.op('Mul', [net, g.scalar(options.noise ?? 0.25)])],
    undefined,
    'low_res_masks',
  )
  g.op(
    'Add',
    [g.constant('scores', [1, MASKS], scores), g.op('Mul', [iou, g.scalar(1e-3)])],
    undefined,
    'iou_predictions',
  )

  // the export's mask_postprocessing: → 1024², crop to the resized image, → orig_im_size
  const masksOutput = options.masksOutput ?? true
  if (masksOutput) postprocess(g)
  const spec: GraphSpec = {
    inputs: [
      { name: 'image_embeddings', type: 'float32', shape: [1, C, SIDE, SIDE] },
      { name: 'point_coords', type: 'float32', shape: [1, 'num_points', 2] },
      { name: 'point_labels', type: 'float32', shape: [1, 'num_points'] },
      { name: 'mask_input', type: 'float32', shape: [1, 1, LOW, LOW] },
      { name: 'has_mask_input', type: 'float32', shape: [1] },
      { name: 'orig_im_size', type: 'float32', shape: [2] },
    ],
    outputs: [
      ...(masksOutput
        ? [{ name: 'masks', type: 'float32' as const, shape: [1, MASKS, 'H', 'W'] }]
        : []),
      { name: 'iou_predictions', type: 'float32', shape: [1, MASKS] },
      { name: 'low_res_masks', type: 'float32', shape: [1, MASKS, LOW, LOW] },
    ],
    nodes: g.nodes,
    floats: g.floats,
    ints: g.ints,
  }
  let weightBytes = 0
  for (const t of Object.values(g.floats)) weightBytes += t.data.length * 4
  return {
    bytes: buildModel(spec, 17),
    params: g.params,
    weightBytes,
    macs: g.macs,
    radii,
    scores,
  }
}

/** SAM export's `mask_postprocessing` of `low_res_masks` into `masks`. */
function postprocess(g: Graph): void {
  const linear = { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }
  const full = g.op(
    'Resize',
    ['low_res_masks', '', '', g.ints64('sizes', [1, MASKS, INPUT, INPUT])],
    linear,
  )
  const longest = g.op('ReduceMax', ['orig_im_size'], { keepdims: 1 })
  const prepadded = g.op(
    'Cast',
    [
      g.op('Floor', [
        g.op('Add', [
          g.op('Mul', ['orig_im_size', g.op('Div', [g.scalar(INPUT), longest])]),
          g.scalar(0.5),
        ]),
      ]),
    ],
    { to: 7 },
  )
  const cropped = g.op('Slice', [
    full,
    g.ints64('starts', [0, 0]),
    prepadded,
    g.ints64('axes', [2, 3]),
  ])
  const sizes = g.op(
    'Concat',
    [g.ints64('lead', [1, MASKS]), g.op('Cast', ['orig_im_size'], { to: 7 })],
    { axis: 0 },
  )
  g.op('Resize', [cropped, '', '', sizes], linear, 'masks')
}
