// PNG → SAM input size (longest side 1024): the streaming decoder (@loupe/imaging
// decodePngDownscaled) against decoding the whole image first, and against an earlier version of
// itself.
//
//   npx tsx bench/imaging/png-downscale.ts [--size 8000x6000] [--runs 3] [--only node,chromium]
//     [--baseline DIR]
//
// --baseline DIR: a copy of the repository at another commit (its packages/imaging, worker/src,
// bench/imaging and packages/sam, with node_modules linked to this one's), e.g.
//   git archive <commit> tsconfig.base.json packages/imaging packages/sam worker/src bench/imaging \
//     | tar -x -C DIR
//   ln -s "$PWD/node_modules" DIR/node_modules
// Its decoder runs as one more path in the same runs, interleaved with this one's.
//
// node: the file read as a stream through decodePngDownscaled (fflate: Node's DecompressionStream
// is not used), against a full decode (fast-png: the whole file and the whole image in memory)
// followed by the same area-averaging resize. Each run is a child process (node --import tsx),
// the paths interleaved, so one run's heap never counts against another. The child loads its
// modules, resets the kernel's peak-RSS mark (/proc/self/clear_refs ← 5, Linux), decodes once,
// and reports the peak (VmHWM) and the time.
//
// chromium: the SAM worker's own decodeForEncoder (worker/src/sam-image-decode.ts, PNG streamed
// from Blob.stream(), inflated by DecompressionStream), the same decoder inflating with fflate,
// the baseline's decodeForEncoder, and what the SAM worker did before streaming
// (createImageBitmap with resizeWidth/Height, then drawn to an OffscreenCanvas), in a module
// worker of a page (bench/imaging/page) in headless Chromium; a fresh browser per run, paths
// interleaved, and one more path that only fetches the blob in a fresh worker (the cost every
// path has before decoding). Memory: the peak of all browser processes' summed RSS, sampled
// every 20 ms, above its level just before the request (`peakAboveStartMb`; `*DecodeMb` is that
// minus the fetch-only path's), and the largest single process's VmHWM (the renderer that
// decoded). Time: the decode in the worker, the blob already fetched.
//
// One JSON line per path (medians over runs, with the load average when the part started and
// ended), then per part one line of ratios and the largest pixel difference between the outputs
// (node: 0–1 expected against the full decode, 0 against the baseline; chromium: 0 against the
// Node streaming output for every streaming path, and the mean difference from
// createImageBitmap's resize, a different filter).

import { spawnSync } from 'node:child_process'
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createHash } from 'node:crypto'
import { decode } from 'fast-png'
import { AreaResizer, decodePngDownscaled } from '@loupe/imaging'
import { modelInputSize } from '@loupe/sam'
import { benchPng } from './png-file'
import type { DecodeRequest } from './page/protocol'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '8000x6000' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' },
    file: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string', default: 'node,chromium' },
    baseline: { type: 'string' },
  },
})

const load = () => Math.round(loadavg()[0]! * 100) / 100

const peakMb = () => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return Math.round(Number(match?.[1] ?? 0) / 1024)
}
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20)

async function child(mode: string, file: string, out: string): Promise<void> {
  // The baseline's decoder, loaded before the peak-RSS mark is reset, as this one's is.
  const baseline =
    mode === 'baseline'
      ? ((await import(join(values.baseline!, 'packages/imaging/src/index.ts'))) as {
          decodePngDownscaled: typeof decodePngDownscaled
        })
      : null
  globalThis.gc?.()
  writeFileSync('/proc/self/clear_refs', '5')
  const baseMb = rssMb()
  const start = performance.now()
  let pixels: Uint8ClampedArray
  if (mode === 'stream' || baseline) {
    const decode = baseline?.decodePngDownscaled ?? decodePngDownscaled
    const result = await decode(
      createReadStream(file, { highWaterMark: 64 * 1024 }),
      modelInputSize,
    )
    pixels = result.data
  } else {
    const png = decode(readFileSync(file))
    const source = { width: png.width, height: png.height }
    const channels = png.channels as 3 | 4
    const resizer = new AreaResizer({
      source,
      target: modelInputSize(source),
      alpha: channels === 4,
      max: 255,
    })
    const stride = png.width * channels
    for (let y = 0; y < png.height; y++) {
      resizer.addRow(y, {
        samples: (png.data as Uint8Array).subarray(y * stride, (y + 1) * stride),
        channels,
      })
    }
    pixels = resizer.output
  }
  const ms = performance.now() - start
  writeFileSync(out, pixels)
  console.log(JSON.stringify({ ms, peakMb: peakMb(), baseMb }))
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

async function nodePart(
  file: string,
  width: number,
  height: number,
  runs: number,
  common: object,
): Promise<Uint8Array> {
  const results: Record<string, { ms: number[]; peakMb: number[]; baseMb: number[]; out: string }> =
    {}
  const loadBefore = load()
  const modes = ['stream', ...(values.baseline ? ['baseline'] : []), 'full']
  for (let run = 0; run < runs; run++) {
    for (const mode of modes) {
      const out = `${file}.${mode}.rgba`
      const proc = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--expose-gc',
          new URL(import.meta.url).pathname,
          '--child',
          mode,
          '--file',
          file,
          '--out',
          out,
          ...(values.baseline ? ['--baseline', values.baseline] : []),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      )
      if (proc.status !== 0) throw new Error(`${mode} run failed: ${proc.stderr}`)
      const line = JSON.parse(proc.stdout.trim().split('\n').pop()!) as {
        ms: number
        peakMb: number
        baseMb: number
      }
      const r = (results[mode] ??= { ms: [], peakMb: [], baseMb: [], out })
      r.ms.push(line.ms)
      r.peakMb.push(line.peakMb)
      r.baseMb.push(line.baseMb)
    }
  }
  const loadAfter = load()
  const summary: Record<string, number> = {}
  for (const [mode, r] of Object.entries(results)) {
    const line = {
      ...common,
      loadAverage1m: [loadBefore, loadAfter],
      runtime: 'node',
      path:
        mode === 'stream'
          ? 'streaming decode (decodePngDownscaled)'
          : mode === 'baseline'
            ? 'baseline streaming decode'
            : 'full decode (fast-png) + same resize',
      ms: Math.round(median(r.ms)),
      peakRssMb: median(r.peakMb),
      rssBeforeMb: median(r.baseMb),
      peakAboveBaseMb: median(r.peakMb.map((p, i) => p - r.baseMb[i]!)),
    }
    summary[`${mode}Ms`] = line.ms
    summary[`${mode}PeakAboveBaseMb`] = line.peakAboveBaseMb
    console.log(JSON.stringify(line))
  }
  const a = readFileSync(results.stream!.out)
  const diff = (b: Uint8Array) => {
    let max = 0
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
    return max
  }
  console.log(
    JSON.stringify({
      ...common,
      runtime: 'node',
      path: 'ratio',
      timeFullOverStream: Math.round((summary.fullMs! / summary.streamMs!) * 100) / 100,
      memoryFullOverStream:
        Math.round((summary.fullPeakAboveBaseMb! / summary.streamPeakAboveBaseMb!) * 10) / 10,
      outputsMaxDiff: diff(readFileSync(results.full!.out)),
      ...(results.baseline && {
        timeBaselineOverStream: Math.round((summary.baselineMs! / summary.streamMs!) * 100) / 100,
        baselineMaxDiff: diff(readFileSync(results.baseline.out)),
      }),
      outputSha256: createHash('sha256').update(a).digest('hex').slice(0, 16),
    }),
  )
  return a
}

interface ChromiumPath {
  key: string
  label: string
  /** Which page decodes: this checkout's or the baseline's. */
  page: 'current' | 'baseline'
  request: DecodeRequest
  /** Whether its output must equal the Node streaming decoder's. */
  streams: boolean
}

async function chromiumPart(
  file: string,
  runs: number,
  common: object,
  nodeOutput: Uint8Array | null,
): Promise<void> {
  // Imported here so the Node children do not load Vite and Playwright.
  const {
    buildDecodePage,
    decodeInPage,
    launchBrowser,
    openDecodePage,
    sampleBrowserMemory,
    serveDecodePage,
  } = await import('./chromium')
  const url = '/images/bench.png'
  const paths: ChromiumPath[] = [
    {
      key: 'encoder',
      label: 'decodeForEncoder (streaming)',
      page: 'current',
      request: { url, path: 'encoder' },
      streams: true,
    },
    {
      key: 'fflate',
      label: 'decodePngDownscaled, fflate inflating',
      page: 'current',
      request: { url, path: 'png', inflater: 'fflate' },
      streams: true,
    },
    ...(values.baseline
      ? [
          {
            key: 'baseline',
            label: 'baseline decodeForEncoder (streaming)',
            page: 'baseline' as const,
            request: { url, path: 'encoder' as const },
            streams: true,
          },
        ]
      : []),
    {
      key: 'bitmap',
      label: 'createImageBitmap resize (before streaming)',
      page: 'current',
      request: { url, path: 'bitmap' },
      streams: false,
    },
    {
      key: 'none',
      label: 'fetch the blob only (baseline of memory)',
      page: 'current',
      request: { url, path: 'none' },
      streams: false,
    },
  ]
  const servers = {
    current: await serveDecodePage(await buildDecodePage(), { 'bench.png': file }),
    ...(values.baseline && {
      baseline: await serveDecodePage(await buildDecodePage(values.baseline), {
        'bench.png': file,
      }),
    }),
  }
  const results: Record<
    string,
    {
      ms: number[]
      aboveMb: number[]
      rendererMb: number[]
      browserMb: number[]
      via: string
      data?: Uint8Array
    }
  > = {}
  const loadBefore = load()
  try {
    for (let run = 0; run < runs; run++) {
      for (const path of paths) {
        const browser = await launchBrowser()
        try {
          const page = await openDecodePage(browser, servers[path.page]!.url)
          const memory = sampleBrowserMemory()
          const result = await decodeInPage(page, path.request)
          const mem = memory.stop()
          if (!result.ok) throw new Error(`${path.key}: ${result.name}: ${result.message}`)
          const r = (results[path.key] ??= {
            ms: [],
            aboveMb: [],
            rendererMb: [],
            browserMb: [],
            via: result.inflater ? `${result.via} (${result.inflater})` : result.via,
          })
          r.ms.push(result.ms)
          r.aboveMb.push(mem.peakTotalMb - mem.startTotalMb)
          r.rendererMb.push(mem.peakByTypeMb.renderer ?? 0)
          r.browserMb.push(mem.peakByTypeMb.browser ?? 0)
          r.data = result.data
        } finally {
          await browser.close()
        }
      }
    }
  } finally {
    for (const served of Object.values(servers)) served.server.close()
  }
  const loadAfter = load()
  for (const path of paths) {
    const r = results[path.key]!
    console.log(
      JSON.stringify({
        ...common,
        loadAverage1m: [loadBefore, loadAfter],
        runtime: 'chromium',
        path: path.label,
        via: r.via,
        ms: Math.round(median(r.ms)),
        msRuns: r.ms.map(Math.round),
        peakAboveStartMb: median(r.aboveMb),
        rendererPeakMb: median(r.rendererMb),
        browserProcessPeakMb: median(r.browserMb),
      }),
    )
  }
  const stream = results.encoder!
  const bitmap = results.bitmap!
  const none = median(results.none!.aboveMb)
  const decodeMb = (r: { aboveMb: number[] }) => Math.max(1, median(r.aboveMb) - none)
  const timeOver = (key: string) =>
    Math.round((median(results[key]!.ms) / median(stream.ms)) * 100) / 100
  let meanDiff = 0
  for (let i = 0; i < stream.data!.length; i++)
    meanDiff += Math.abs(stream.data![i]! - bitmap.data![i]!)
  meanDiff /= stream.data!.length
  /** The largest difference of each streaming path's output from Node's (0 expected). */
  const maxDiffFromNode: Record<string, number> = {}
  if (nodeOutput) {
    for (const path of paths.filter((p) => p.streams)) {
      const data = results[path.key]!.data!
      let worst = 0
      for (let i = 0; i < nodeOutput.length; i++)
        worst = Math.max(worst, Math.abs(nodeOutput[i]! - data[i]!))
      maxDiffFromNode[path.key] = worst
    }
  }
  console.log(
    JSON.stringify({
      ...common,
      runtime: 'chromium',
      path: 'ratio',
      timeBitmapOverStream: timeOver('bitmap'),
      timeFflateOverStream: timeOver('fflate'),
      ...(results.baseline && { timeBaselineOverStream: timeOver('baseline') }),
      streamDecodeMb: decodeMb(stream),
      bitmapDecodeMb: decodeMb(bitmap),
      ...(results.baseline && { baselineDecodeMb: decodeMb(results.baseline) }),
      memoryBitmapOverStream: Math.round((decodeMb(bitmap) / decodeMb(stream)) * 10) / 10,
      maxDiffFromNode,
      meanDiffFromBitmapResize: Math.round(meanDiff * 100) / 100,
    }),
  )
}

async function main(): Promise<void> {
  const [width, height] = values.size.split('x').map(Number) as [number, number]
  const file = benchPng(width, height)
  const runs = Number(values.runs)
  const only = values.only.split(',')
  const target = modelInputSize({ width, height })
  const common = {
    bench: 'png-downscale',
    image: `${width}x${height}`,
    fileMb: Math.round(statSync(file).size / 2 ** 20),
    target: `${target.width}x${target.height}`,
    runs,
  }
  const nodeOutput = only.includes('node')
    ? await nodePart(file, width, height, runs, common)
    : null
  if (only.includes('chromium')) await chromiumPart(file, runs, common, nodeOutput)
}

if (values.child) await child(values.child, values.file!, values.out!)
else await main()
