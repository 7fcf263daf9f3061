/**
 * What auto-annotate reads from a model (README "Flows"). The model has one float32 input
 * `[1, 3, H, W]` (RGB, values 0…1, the image stretched to W×H) and its outputs are one of:
 *
 * - **boxes** (detection, e.g. torchvision / DETR-style exports): `boxes` `[N, 4]` or `[1, N, 4]`
 *   as x1, y1, x2, y2 in input pixels (or normalised 0…1: all coordinates ≤ 1), `scores` `[N]` /
 *   `[1, N]`, and optionally class ids `[N]` / `[1, N]` (int64 or float; default class 0). Outputs
 *   are found by name (`box`, `score`, `class`/`label`), else taken in that order.
 * - **YOLO** (detection, YOLOv8-style export): one output `[1, 4 + C, N]` (or `[1, N, 4 + C]`)
 *   of cx, cy, w, h in input pixels then C class scores; the best class per candidate, then
 *   non-maximum suppression per class.
 * - **segmentation**: one output `[1, C, h, w]`: per-pixel class scores (channel 0 background,
 *   argmax) or, with C = 1, one foreground probability (logits go through a sigmoid), scaled to the
 *   image; each class present becomes one mask shape.
 */

export interface Tensorish {
  dims: readonly number[]
  data: ArrayLike<number | bigint>
}

export interface Detection {
  /** In input pixels. */
  box: [number, number, number, number]
  score: number
  classIndex: number
}

export interface SegmentMask {
  classIndex: number
  /** Image-size bitmap, row-major, 1 where the class is. */
  width: number
  height: number
  bits: Uint8Array
}

export type ModelOutput =
  { kind: 'detection'; detections: Detection[] } | { kind: 'segmentation'; masks: SegmentMask[] }

export class ModelSignatureError extends Error {
  override name = 'ModelSignatureError'
}

const num = (v: number | bigint | undefined) => Number(v ?? 0)
const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1)

export interface DecodeOptions {
  inputWidth: number
  inputHeight: number
  imageWidth: number
  imageHeight: number
  scoreThreshold: number
  iouThreshold: number
  maxDetections: number
}

/** Reads a model's outputs (by output name, in the model's order) under the accepted signatures. */
export function decodeOutputs(
  outputs: readonly { name: string; tensor: Tensorish }[],
  o: DecodeOptions,
): ModelOutput {
  if (outputs.length === 1) {
    const { tensor } = outputs[0]!
    if (tensor.dims.length === 4) return { kind: 'segmentation', masks: segmentation(tensor, o) }
    if (tensor.dims.length === 3) return { kind: 'detection', detections: yolo(tensor, o) }
    throw new ModelSignatureError(
      `one output of shape [${tensor.dims.join(', ')}]: expected [1, 4+C, N] (YOLO) or [1, C, h, w] (segmentation)`,
    )
  }
  return { kind: 'detection', detections: boxesScores(outputs, o) }
}

function boxesScores(outputs: readonly { name: string; tensor: Tensorish }[], o: DecodeOptions) {
  const byName = (re: RegExp) => outputs.find((out) => re.test(out.name))
  const boxes = byName(/box/i) ?? outputs[0]!
  const scores = byName(/score|conf/i) ?? outputs.find((out) => out !== boxes)!
  const classes =
    byName(/class|label/i) ?? outputs.find((out) => out !== boxes && out !== scores) ?? null
  const bd = boxes.tensor.dims
  if (bd[bd.length - 1] !== 4) {
    throw new ModelSignatureError(`output ${boxes.name} [${bd.join(', ')}]: expected [N, 4] boxes`)
  }
  const n = count(bd) / 4
  if (count(scores.tensor.dims) !== n) {
    throw new ModelSignatureError(`output ${scores.name}: expected ${n} scores`)
  }
  if (classes && count(classes.tensor.dims) !== n) {
    throw new ModelSignatureError(`output ${classes.name}: expected ${n} class ids`)
  }
  const b = boxes.tensor.data
  let normalised = true
  for (let i = 0; i < n * 4; i++) if (Math.abs(num(b[i])) > 1) normalised = false
  const sx = normalised ? o.inputWidth : 1
  const sy = normalised ? o.inputHeight : 1
  const out: Detection[] = []
  for (let i = 0; i < n; i++) {
    const score = num(scores.tensor.data[i])
    if (!(score >= o.scoreThreshold)) continue
    out.push({
      box: [
        num(b[4 * i]) * sx,
        num(b[4 * i + 1]) * sy,
        num(b[4 * i + 2]) * sx,
        num(b[4 * i + 3]) * sy,
      ],
      score,
      classIndex: classes ? Math.round(num(classes.tensor.data[i])) : 0,
    })
  }
  return out.sort((a, c) => c.score - a.score).slice(0, o.maxDetections)
}

function yolo(tensor: Tensorish, o: DecodeOptions): Detection[] {
  const [, d1 = 0, d2 = 0] = tensor.dims
  // [1, 4+C, N] (YOLOv8 export) unless only the last dimension can hold 4 + C features, or the
  // middle one is the larger (transposed exports: [1, 8400, 84]).
  const channelsFirst = d2 < 5 || (d1 >= 5 && d1 <= d2)
  const features = channelsFirst ? d1 : d2
  const n = channelsFirst ? d2 : d1
  if (features < 5) {
    throw new ModelSignatureError(`output [${tensor.dims.join(', ')}]: expected 4 + C ≥ 5 features`)
  }
  const at = (f: number, i: number) =>
    num(tensor.data[channelsFirst ? f * n + i : i * features + f])
  const candidates: Detection[] = []
  for (let i = 0; i < n; i++) {
    let best = -Infinity
    let classIndex = 0
    for (let c = 4; c < features; c++) {
      const s = at(c, i)
      if (s > best) {
        best = s
        classIndex = c - 4
      }
    }
    if (!(best >= o.scoreThreshold)) continue
    const cx = at(0, i)
    const cy = at(1, i)
    const w = at(2, i)
    const h = at(3, i)
    candidates.push({
      box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
      score: best,
      classIndex,
    })
  }
  return nms(candidates, o.iouThreshold).slice(0, o.maxDetections)
}

const area = (b: Detection['box']) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1])

function iou(a: Detection['box'], b: Detection['box']): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0])
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1])
  if (w <= 0 || h <= 0) return 0
  const inter = w * h
  return inter / (area(a) + area(b) - inter)
}

/** Greedy non-maximum suppression per class, best score first. */
export function nms(detections: readonly Detection[], threshold: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score)
  const kept: Detection[] = []
  for (const d of sorted) {
    if (kept.some((k) => k.classIndex === d.classIndex && iou(k.box, d.box) > threshold)) continue
    kept.push(d)
  }
  return kept
}

function segmentation(tensor: Tensorish, o: DecodeOptions): SegmentMask[] {
  const [, c = 0, h = 0, w = 0] = tensor.dims
  if (c < 1 || h < 1 || w < 1) throw new ModelSignatureError('segmentation output has no pixels')
  const plane = h * w
  const classAt = new Int32Array(plane).fill(-1)
  if (c === 1) {
    let logits = false
    for (let i = 0; i < plane; i++) {
      const v = num(tensor.data[i])
      if (v < 0 || v > 1) logits = true
    }
    for (let i = 0; i < plane; i++) {
      const v = num(tensor.data[i])
      const p = logits ? 1 / (1 + Math.exp(-v)) : v
      if (p >= o.scoreThreshold) classAt[i] = 0
    }
  } else {
    for (let i = 0; i < plane; i++) {
      let best = -Infinity
      let k = 0
      for (let ch = 0; ch < c; ch++) {
        const v = num(tensor.data[ch * plane + i])
        if (v > best) {
          best = v
          k = ch
        }
      }
      if (k > 0) classAt[i] = k
    }
  }
  const masks = new Map<number, Uint8Array>()
  const W = o.imageWidth
  const H = o.imageHeight
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H))
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.floor(((x + 0.5) * w) / W))
      const k = classAt[sy * w + sx]!
      if (k < 0) continue
      let bits = masks.get(k)
      if (!bits) {
        bits = new Uint8Array(W * H)
        masks.set(k, bits)
      }
      bits[y * W + x] = 1
    }
  }
  return [...masks].map(([classIndex, bits]) => ({ classIndex, width: W, height: H, bits }))
}

/** A mask's bounding box `[x1, y1, x2, y2]` (x2, y2 exclusive) and its column-major RLE there. */
export function maskToRle(mask: SegmentMask): {
  points: [number, number, number, number]
  rle: { size: [number, number]; counts: number[] }
} | null {
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -1
  let y2 = -1
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (!mask.bits[y * mask.width + x]) continue
      x1 = Math.min(x1, x)
      y1 = Math.min(y1, y)
      x2 = Math.max(x2, x)
      y2 = Math.max(y2, y)
    }
  }
  if (x2 < 0) return null
  const w = x2 - x1 + 1
  const h = y2 - y1 + 1
  const counts: number[] = []
  let current = 0
  let run = 0
  for (let x = x1; x <= x2; x++) {
    for (let y = y1; y <= y2; y++) {
      const v = mask.bits[y * mask.width + x]!
      if (v !== current) {
        counts.push(run)
        run = 0
        current = v
      }
      run++
    }
  }
  counts.push(run)
  return { points: [x1, y1, x1 + w, y1 + h], rle: { size: [h, w], counts } }
}
