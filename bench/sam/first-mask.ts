// First mask after the embedding is cached, through the worker's own code: a SamHost (the SAM
// worker's logic) whose sessions come from createOrtSession (onnxruntime-web, wasm backend,
// `configureOrt` threads, as the worker sets them up), with a decoder of the real SAM decoder's
// size. The page and the host talk over a real MessageChannel (structured clone both ways, as
// postMessage to a worker does). One child process per thread count, since onnxruntime fixes
// its threads when its wasm starts:
//   node --import tsx bench/sam/first-mask.ts --model decoder.onnx --threads 1 [--bare bare.onnx]
//     [--no-prune]
// prints one JSON line per image size and output kind (a click, a hover, keeping a non-best
// candidate as a polygon), then one of model time
// alone: the decoder run straight through its session as the file is, and (with --bare) the same
// decoder built without the export's post-processing into `masks` (which onnxruntime runs even
// when only `low_res_masks` is fetched), and the file pruned of it at load as the worker does
// (worker/src/sam-prune.ts; `pruneMs` the time that takes). The host prunes the decoder it loads
// unless --no-prune is given (the clicks then run the whole export, as before pruning).
// Fields: `firstMask*` click sent → result at the page (model + our code + messaging), `model*`
// and `post*` the worker's own split (DecodeResult.ms), `own*` = firstMask − model; p50/p95 over
// `clicks` seeded clicks after 3 unmeasured ones; `click` asks what the SAM tool asks on a click
// (all 4 candidates, mask + polygon), `hover` the best candidate's mask only. The decoder's discs
// make objects of 128–400 model pixels (1,000–3,100 px wide at 8000 × 6000).

import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { float32, modelInputSize, type RgbaImage, type Size } from '@loupe/sam'
import { SamHost } from '../../worker/src/sam-host'
import { configureOrt, createOrtSession } from '../../worker/src/sam-ort'
import { pruneExportMasks } from '../../worker/src/sam-prune'
import type {
  DecodeOutputOptions,
  DecodeResult,
  PageMessage,
  WorkerMessage,
} from '../../worker/src/sam-protocol'
import { tinySamEncoder } from '../../worker/src/segment-testing/tiny-sam'

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    bare: { type: 'string' },
    threads: { type: 'string' },
    clicks: { type: 'string' },
    'no-prune': { type: 'boolean' },
  },
})
if (!values.model) throw new Error('--model: expected the decoder-sized ONNX file')
const threads = Number(values.threads ?? 1)
const CLICKS = Number(values.clicks ?? 24)
/** Clicks not counted: the first ones wait for the JIT to optimise the post-processing. */
const WARM = 3
const { threads: configured } = configureOrt({ numThreads: threads })

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!)
}

/** Seeded click positions, spread over the middle 80 % of the image. */
function clicks(image: Size, count: number): { x: number; y: number }[] {
  let s = 12345
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
  return Array.from({ length: count }, () => ({
    x: Math.round(image.width * (0.1 + 0.8 * rand())),
    y: Math.round(image.height * (0.1 + 0.8 * rand())),
  }))
}

// the page side of the channel and the worker side (the host)
const channel = new MessageChannel()
const page = channel.port1
const worker = channel.port2
let original: Size = { width: 1, height: 1 }
const host = new SamHost((message, transfer) => worker.postMessage(message, transfer ?? []), {
  createSession: (bytes, options) =>
    createOrtSession(bytes, {
      ...options,
      backend: 'wasm',
      pruneExportMasks: options.pruneExportMasks && !values['no-prune'],
    }),
  modelCache: null,
  embeddings: null,
  decodeImage: async (source) => ({ pixels: source as RgbaImage, original }),
  threads: configured,
})
worker.onmessage = (event: MessageEvent<PageMessage>) => host.handle(event.data)

const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
page.onmessage = (event: MessageEvent<WorkerMessage>) => {
  const message = event.data
  if (message.type === 'progress') return
  const w = waiting.get(message.id)
  if (!w) return
  waiting.delete(message.id)
  if (message.type === 'result') w.resolve(message.result)
  else w.reject(new Error(`${message.code}: ${message.message}`))
}
let nextId = 1
type Request = PageMessage extends infer M ? (M extends unknown ? Omit<M, 'id'> : never) : never
function request<T>(message: Request): Promise<T> {
  const id = nextId++
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
    page.postMessage({ ...message, id })
  })
}

const decoderBytes = new Uint8Array(readFileSync(values.model))
await request({
  type: 'load',
  encoder: { bytes: tinySamEncoder(), name: 'encoder.onnx' },
  decoder: { bytes: decoderBytes, name: 'decoder.onnx' },
  backend: 'wasm',
})

const OUTPUTS: Record<string, DecodeOutputOptions> = {
  // what the SAM tool asks on a click (client/src/editor/tools/sam/SamTool.ts) and on hover
  click: { mask: true, polygon: { tolerance: 1 }, candidates: 'all', polygonsOf: 'best' },
  hover: { mask: true, candidates: 'best' },
  // keeping a candidate other than the best one as a polygon: every outline
  keepOther: { mask: true, polygon: { tolerance: 1 }, candidates: 'all' },
}

for (const image of [
  { width: 1024, height: 1024 },
  { width: 8000, height: 6000 },
]) {
  const key = `image-${image.width}x${image.height}`
  const resized = modelInputSize(image)
  original = image
  const pixels = {
    width: resized.width,
    height: resized.height,
    data: new Uint8ClampedArray(resized.width * resized.height * 4).fill(100),
  }
  await request({ type: 'encode', image: { key, source: pixels } })
  for (const [kind, output] of Object.entries(OUTPUTS)) {
    const points = clicks(image, CLICKS + WARM)
    const total: number[] = []
    const model: number[] = []
    const post: number[] = []
    const own: number[] = []
    let boxes = 0
    let runs = 0
    let vertices = 0
    for (const [i, p] of points.entries()) {
      const t = performance.now()
      const result = await request<DecodeResult>({
        type: 'decode',
        request: { imageKey: key, points: [{ ...p, positive: true }], output },
      })
      const ms = performance.now() - t
      if (i < WARM) continue
      total.push(ms)
      model.push(result.ms.model)
      post.push(result.ms.post)
      own.push(ms - result.ms.model)
      const best = result.candidates[result.best]!
      if (best.mask) {
        boxes += Math.sqrt(
          (best.mask.box.x2 - best.mask.box.x1) * (best.mask.box.y2 - best.mask.box.y1),
        )
        runs += best.mask.rle.counts.length
      }
      vertices += (best.polygons?.[0]?.length ?? 0) / 2
    }
    const n = total.length
    console.log(
      JSON.stringify({
        bench: 'sam-first-mask',
        image: `${image.width}x${image.height}`,
        output: kind,
        threads: configured,
        pruned: !values['no-prune'],
        clicks: n,
        firstMaskP50Ms: percentile(total, 50),
        firstMaskP95Ms: percentile(total, 95),
        modelP50Ms: percentile(model, 50),
        modelP95Ms: percentile(model, 95),
        postP50Ms: percentile(post, 50),
        postP95Ms: percentile(post, 95),
        /** click → result at the page, minus the model: our code, queueing and messaging */
        ownP50Ms: percentile(own, 50),
        ownP95Ms: percentile(own, 95),
        goalFirstMaskMs: 100,
        meetsGoalP50: percentile(total, 50) <= 100,
        bestMaskSideMeanPx: Math.round(boxes / n),
        bestRleRunsMean: Math.round(runs / n),
        bestPolygonVerticesMean: Math.round(vertices / n),
        load1: round(loadavg()[0]!),
      }),
    )
  }
}
/** The decoder's own time: session.run with the feeds our adapter gives for one click. */
async function modelTimes(bytes: Uint8Array, file: string, prune = false): Promise<number[]> {
  const session = await createOrtSession(bytes, { file, backend: 'wasm', pruneExportMasks: prune })
  const resized = modelInputSize({ width: 8000, height: 6000 })
  const embedding = new Float32Array(256 * 64 * 64)
  for (let i = 0; i < embedding.length; i++) embedding[i] = Math.sin(i * 0.37)
  const feeds = {
    image_embeddings: float32(embedding, [1, 256, 64, 64]),
    point_coords: float32([400, 300, 0, 0], [1, 2, 2]),
    point_labels: float32([1, -1], [1, 2]),
    mask_input: float32(new Float32Array(256 * 256), [1, 1, 256, 256]),
    has_mask_input: float32([0], [1]),
    orig_im_size: float32([resized.height, resized.width], [2]),
  }
  const times: number[] = []
  for (let i = 0; i < CLICKS + WARM; i++) {
    const t = performance.now()
    await session.run(feeds, ['iou_predictions', 'low_res_masks'])
    if (i >= WARM) times.push(performance.now() - t)
  }
  await session.release()
  return times
}

const full = await modelTimes(decoderBytes, 'decoder.onnx')
const bare = values.bare
  ? await modelTimes(new Uint8Array(readFileSync(values.bare)), 'bare.onnx')
  : null
const pruned = await modelTimes(decoderBytes, 'decoder.onnx', true)
const pruneMs: number[] = []
for (let i = 0; i < 7; i++) {
  const t = performance.now()
  if (!pruneExportMasks(decoderBytes)) throw new Error('--model: nothing to prune in this decoder')
  pruneMs.push(performance.now() - t)
}
console.log(
  JSON.stringify({
    bench: 'sam-decoder-model',
    threads: configured,
    runs: full.length,
    modelP50Ms: percentile(full, 50),
    modelP95Ms: percentile(full, 95),
    ...(bare
      ? {
          withoutExportPostprocessingP50Ms: percentile(bare, 50),
          exportPostprocessingP50Ms: round(percentile(full, 50) - percentile(bare, 50)),
        }
      : {}),
    prunedAtLoadP50Ms: percentile(pruned, 50),
    prunedAtLoadP95Ms: percentile(pruned, 95),
    /** decode, check, prune and encode the file, median of 7 (Node) */
    pruneMs: percentile(pruneMs, 50),
    modelBytes: decoderBytes.byteLength,
    load1: round(loadavg()[0]!),
  }),
)
page.close()
worker.close()
process.exit(0)
