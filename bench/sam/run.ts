// SAM per-click pipeline cost outside the model, and the first mask with a decoder of the real
// SAM decoder's size. One JSON line per case:
//   npx tsx bench/sam/run.ts [--threads 1,2] [--clicks 24] [--only click|first-mask]
// `sam-click` (1024² and 8000 × 6000 images, tiny decoder): prompt encoding, our post-processing
// of the best candidate (bbox-cropped upsampling + RLE, then outline + simplification), all three
// candidates' masks, structured-clone + MessageChannel round trip of the result (what
// postMessage costs), and the peer: SAM's naive full-image float upsampling + threshold + RLE.
// `sam-decoder-sized`: the decoder-sized graph (worker/src/segment-testing/sam-sized-decoder.ts,
// seeded random weights, written to a temporary folder and deleted after): parameters, weight
// bytes, approximate MFLOPs per click. Then `sam-first-mask` / `sam-decoder-model` lines from
// bench/sam/first-mask.ts, one child process per onnxruntime thread count.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-web'
import { bitmapBounds, bitmapToRle, cropBitmap } from '@loupe/masks'
import {
  createSegmenter,
  encodeSamPrompt,
  logitsToMask,
  logitsToPolygons,
  modelInputSize,
  type MaskLogits,
  type Size,
} from '@loupe/sam'
import { createOrtSession } from '../../worker/src/sam-ort'
import { samSizedDecoder } from '../../worker/src/segment-testing/sam-sized-decoder'
import { tinySamDecoder, tinySamEncoder } from '../../worker/src/segment-testing/tiny-sam'

const { values } = parseArgs({
  options: {
    threads: { type: 'string' },
    clicks: { type: 'string' },
    only: { type: 'string' },
  },
})
ort.env.wasm.numThreads = 1

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

/**
 * Median of `runs` calls after `warm` untimed ones: steady state, once the JIT has optimised the
 * code (the first ~20 calls of the post-processing run several times slower).
 */
async function time(
  runs: number,
  fn: () => unknown | Promise<unknown>,
  warm = 20,
): Promise<number> {
  for (let i = 0; i < warm; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  return Math.round(median(samples) * 1000) / 1000
}

/** SAM's postprocessing as its Python/ONNX pipeline does it: full-size float masks. */
function naiveFullMask(logits: MaskLogits, image: Size) {
  const r = modelInputSize(image)
  const interpolate = (src: Float32Array, sw: number, sh: number, ow: number, oh: number) => {
    const out = new Float32Array(ow * oh)
    const x0s = new Int32Array(ow)
    const x1s = new Int32Array(ow)
    const wxs = new Float32Array(ow)
    for (let o = 0; o < ow; o++) {
      const s = Math.max(0, (o + 0.5) * (sw / ow) - 0.5)
      const a = Math.min(Math.floor(s), sw - 1)
      x0s[o] = a
      x1s[o] = a < sw - 1 ? a + 1 : a
      wxs[o] = s - a
    }
    for (let y = 0; y < oh; y++) {
      const s = Math.max(0, (y + 0.5) * (sh / oh) - 0.5)
      const y0 = Math.min(Math.floor(s), sh - 1)
      const a = y0 * sw
      const b = (y0 < sh - 1 ? y0 + 1 : y0) * sw
      const wy = s - y0
      const row = y * ow
      for (let x = 0; x < ow; x++) {
        const x0 = x0s[x]!
        const x1 = x1s[x]!
        const wx = wxs[x]!
        const top = src[a + x0]! * (1 - wx) + src[a + x1]! * wx
        const bottom = src[b + x0]! * (1 - wx) + src[b + x1]! * wx
        out[row + x] = top * (1 - wy) + bottom * wy
      }
    }
    return out
  }
  const up = interpolate(logits.data, 256, 256, 1024, 1024)
  const crop = new Float32Array(r.width * r.height)
  for (let y = 0; y < r.height; y++)
    crop.set(up.subarray(y * 1024, y * 1024 + r.width), y * r.width)
  const full = interpolate(crop, r.width, r.height, image.width, image.height)
  const data = new Uint8Array(full.length)
  for (let i = 0; i < full.length; i++) data[i] = full[i]! > 0 ? 1 : 0
  const bitmap = { width: image.width, height: image.height, data }
  const box = bitmapBounds(bitmap)
  return box ? { box, rle: bitmapToRle(cropBitmap(bitmap, box)) } : null
}

async function roundTrip(value: unknown): Promise<void> {
  const channel = new MessageChannel()
  await new Promise<void>((resolve) => {
    channel.port2.onmessage = (event) => {
      channel.port2.postMessage(event.data)
    }
    channel.port1.onmessage = () => resolve()
    channel.port1.postMessage(value)
  })
  channel.port1.close()
  channel.port2.close()
}

const print = (line: Record<string, unknown>) => console.log(JSON.stringify(line))

async function ownOverhead(): Promise<void> {
  const [encoderSession, decoderSession] = await Promise.all([
    createOrtSession(tinySamEncoder(), { file: 'encoder.onnx', backend: 'wasm' }),
    createOrtSession(tinySamDecoder(), { file: 'decoder.onnx', backend: 'wasm' }),
  ])
  const sam = createSegmenter(encoderSession, decoderSession)

  for (const image of [
    { width: 1024, height: 1024 },
    { width: 8000, height: 6000 },
  ]) {
    const pixels = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(90) }
    const encodeMs = await time(3, () => sam.encode(pixels, image), 1)
    const embedding = await sam.encode(pixels, image)
    const click = { points: [{ x: image.width * 0.4, y: image.height * 0.45, positive: true }] }
    const promptMs = await time(200, () => encodeSamPrompt(click, image))
    const decodeMs = await time(30, () => sam.decode(embedding, click), 3)
    const out = await sam.decode(embedding, click)
    const best = out.candidates[out.best]!
    const maskMs = await time(30, () => logitsToMask(best.logits, image))
    const allMasksMs = await time(20, () =>
      out.candidates.map((c) => logitsToMask(c.logits, image)),
    )
    const mask = logitsToMask(best.logits, image)
    const polygonMs = await time(20, () =>
      logitsToPolygons(best.logits, image, { tolerance: 1, mask }),
    )
    const polygonFullMs = await time(5, () =>
      logitsToPolygons(best.logits, image, { tolerance: 1, mask, resolution: 'full' }),
    )
    const result = {
      candidates: out.candidates.map((c) => ({
        index: c.index,
        score: c.score,
        mask: logitsToMask(c.logits, image),
      })),
      best: out.best,
      polygons: logitsToPolygons(best.logits, image, { tolerance: 1, mask }),
    }
    const messageMs = await time(20, () => roundTrip(result))
    const naiveRuns = image.width > 2000 ? 3 : 10
    const naiveMs = await time(naiveRuns, () => naiveFullMask(best.logits, image), 1)
    // a click as the worker answers it by default: best candidate's mask and polygon
    const ownPerClickMs = promptMs + maskMs + polygonMs + messageMs
    print({
      bench: 'sam-click',
      image: `${image.width}x${image.height}`,
      maskBox: mask ? `${mask.box.x2 - mask.box.x1}x${mask.box.y2 - mask.box.y1}` : null,
      rleRuns: mask?.rle.counts.length,
      polygonVertices: (result.polygons[0]?.length ?? 0) / 2,
      promptMs,
      bestMaskMs: maskMs,
      allMasksMs,
      polygonMs,
      polygonFullResolutionMs: polygonFullMs,
      messageRoundTripMs: messageMs,
      ownPerClickMs: Math.round(ownPerClickMs * 1000) / 1000,
      tinyDecoderModelMs: decodeMs,
      tinyEncoderModelMs: encodeMs,
      peerNaiveFullSizeMaskMs: naiveMs,
      bboxVsNaiveSpeedup: Math.round((naiveMs / maskMs) * 10) / 10,
      peerNaiveFloatBytes: image.width * image.height * 4,
    })
  }
}

/** The decoder-sized graph's figures, then the first-mask children (one per thread count). */
function firstMask(): void {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-sam-bench-'))
  try {
    const decoder = samSizedDecoder()
    const model = join(dir, 'decoder.onnx')
    const bare = join(dir, 'decoder-without-masks.onnx')
    writeFileSync(model, decoder.bytes)
    writeFileSync(bare, samSizedDecoder({ masksOutput: false }).bytes)
    print({
      bench: 'sam-decoder-sized',
      params: decoder.params,
      weightBytes: decoder.weightBytes,
      fileBytes: decoder.bytes.byteLength,
      approxMFlops: Math.round((2 * decoder.macs) / 1e6),
      // SAM ViT-B/L/H and MobileSAM share this decoder: prompt encoder 6,220 + mask decoder
      // 4,058,340 parameters; the MACs follow from its dimensions (see the builder)
      realSamDecoderParams: 6_220 + 4_058_340,
    })
    const self = fileURLToPath(new URL('./first-mask.ts', import.meta.url))
    for (const threads of (values.threads ?? '1,2').split(',')) {
      const args = ['--import', 'tsx', self, '--model', model, '--bare', bare]
      args.push('--threads', threads, '--clicks', values.clicks ?? '24')
      const child = spawnSync(process.execPath, args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const lines = child.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
      for (const line of lines) console.log(line)
      if (child.status !== 0) {
        print({ bench: 'sam-first-mask', threads: Number(threads), error: `exit ${child.status}` })
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (values.only !== 'first-mask') await ownOverhead()
if (values.only !== 'click') firstMask()
