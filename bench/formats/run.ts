/**
 * `npx tsx bench/formats/run.ts [--shapes 1000000] [--images 100000] [--only coco,yolo,...]`
 * stdout: one JSON line per case, then one summary line; progress on stderr. See README.md.
 *
 * Every case runs in its own child process (`node --import tsx --expose-gc`), so one phase's
 * garbage and heap growth never count against another. In the child: build the input (the
 * synthetic dataset, or the files a format wrote from it), collect garbage, reset the kernel's
 * peak-RSS mark (`/proc/self/clear_refs` ← 5), note the RSS, run the phase once, then read the
 * peak (`VmHWM`). Peak minus the RSS before is what the phase itself needed at most.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { getFormat, type Dataset, type FileTree } from '@loupe/formats'
import { buildDataset } from './dataset'

const { values } = parseArgs({
  options: {
    shapes: { type: 'string' },
    images: { type: 'string' },
    only: { type: 'string' },
    case: { type: 'string' },
  },
})
const SHAPES = Number(values.shapes ?? 1_000_000)
const IMAGES = Number(values.images ?? 100_000)
const log = (message: string) => process.stderr.write(`${message}\n`)
const MB = 1024 * 1024
const IMAGE_SIZE = { width: 1920, height: 1080 }
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

/** Bare JSON baseline, then each format: write (dataset → files), read (files → dataset), zip. */
const CASES = [
  'bare:stringify',
  'bare:parse',
  'coco:write',
  'coco:read',
  'coco:zip',
  'yolo:write',
  'yolo:read',
  'yolo:zip',
  'ultralytics:write',
  'ultralytics:read',
  'datumaro:write',
  'datumaro:read',
] as const

interface CaseResult {
  case: string
  shapes: number
  images: number
  /** Wall time of the phase (bare:stringify: stringify + UTF-8 encode). */
  ms: number
  /** CPU time (user + system, all threads incl. GC helpers) of the process during the phase. */
  cpuMs: number
  /** bare:stringify: JSON.stringify alone. */
  stringifyMs?: number
  stringifyCpuMs?: number
  /** Bytes the phase produced (write, stringify, zip) or consumed (read, parse). */
  bytes: number
  files?: number
  /** RSS just before the phase (input built, garbage collected). */
  rssBeforeMB: number
  /** Highest RSS during the phase (VmHWM after a reset). */
  peakRssMB: number
  /** peakRssMB − rssBeforeMB: the most memory the phase added. */
  peakDeltaMB: number
  /** peakDeltaMB / output size (write, stringify, zip only). */
  deltaPerOutput?: number
  heapUsedAfterMB: number
  /** Shapes read back (read cases), as a check. */
  shapesOut?: number
  load1: number
}

function status(field: 'VmRSS' | 'VmHWM'): number {
  const text = readFileSync('/proc/self/status', 'utf8')
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)
  return match ? Number(match[1]) * 1024 : NaN
}

function gc() {
  const collect = (globalThis as { gc?: () => void }).gc
  if (!collect) throw new Error('run the child with --expose-gc')
  collect()
  collect()
}

function treeBytes(tree: FileTree): number {
  let total = 0
  for (const [, data] of tree.entries()) total += data.length
  return total
}

function shapeCount(dataset: Dataset): number {
  let n = 0
  for (const image of dataset.images) n += image.annotations.length
  return n
}

/** The bare baseline's data: the plain COCO objects of the files COCO writes, one per subset. */
function plainCoco(dataset: Dataset): unknown[] {
  const tree = getFormat('coco').write(dataset) as FileTree
  return tree.paths().map((path) => JSON.parse(new TextDecoder().decode(tree.get(path))))
}

async function runCase(name: string): Promise<CaseResult> {
  const [format, phase] = name.split(':') as [string, string]
  // input, built before the measurement starts
  let dataset: Dataset | undefined = buildDataset(SHAPES, IMAGES)
  let tree: FileTree | undefined
  let plain: unknown[] | undefined
  let texts: string[] | undefined
  if (format === 'bare') {
    plain = plainCoco(dataset)
    dataset = undefined
    if (phase === 'parse') {
      texts = plain.map((object) => JSON.stringify(object))
      plain = undefined
    }
  } else if (phase !== 'write') {
    tree = (await getFormat(format).write(dataset)) as FileTree
    dataset = undefined
  }
  gc()
  writeFileSync('/proc/self/clear_refs', '5')
  const rssBefore = status('VmRSS')

  const cpuStarted = process.cpuUsage()
  const started = performance.now()
  let bytes = 0
  let files: number | undefined
  let shapesOut: number | undefined
  let output: unknown
  let stringifyMs: number | undefined
  let stringifyCpuMs: number | undefined
  if (format === 'bare' && phase === 'stringify') {
    // stringify, and the UTF-8 bytes a file needs (as FileTree stores them)
    const strings = plain!.map((object) => JSON.stringify(object))
    stringifyMs = performance.now() - started
    const stringifyCpu = process.cpuUsage(cpuStarted)
    stringifyCpuMs = (stringifyCpu.user + stringifyCpu.system) / 1000
    const encoder = new TextEncoder()
    const out = strings.map((text) => encoder.encode(text))
    for (const part of out) bytes += part.length
    output = [strings, out]
  } else if (format === 'bare' && phase === 'parse') {
    const out = texts!.map((text) => JSON.parse(text) as unknown)
    for (const text of texts!) bytes += text.length
    output = out
  } else if (phase === 'write') {
    const out = (await getFormat(format).write(dataset!)) as FileTree
    bytes = treeBytes(out)
    files = out.size
    output = out
  } else if (phase === 'read') {
    bytes = treeBytes(tree!)
    files = tree!.size
    // YOLO files hold no image sizes: the project knows them (the synthetic images are 1920×1080)
    const out = await getFormat(format).read(tree!, { imageSize: () => IMAGE_SIZE })
    shapesOut = shapeCount(out)
    output = out
  } else if (phase === 'zip') {
    const zip = tree!.toZip()
    bytes = zip.length
    files = tree!.size
    output = zip
  } else throw new Error(`unknown case ${name}`)
  const ms = performance.now() - started
  const cpu = process.cpuUsage(cpuStarted)
  const peak = status('VmHWM')
  const heapUsed = process.memoryUsage().heapUsed
  void output
  const producesOutput = phase !== 'read' && phase !== 'parse'
  return {
    case: name,
    shapes: SHAPES,
    images: IMAGES,
    ms: round(ms),
    cpuMs: round((cpu.user + cpu.system) / 1000),
    ...(stringifyMs !== undefined ? { stringifyMs: round(stringifyMs) } : {}),
    ...(stringifyCpuMs !== undefined ? { stringifyCpuMs: round(stringifyCpuMs) } : {}),
    bytes,
    ...(files !== undefined ? { files } : {}),
    rssBeforeMB: round(rssBefore / MB),
    peakRssMB: round(peak / MB),
    peakDeltaMB: round((peak - rssBefore) / MB),
    ...(producesOutput ? { deltaPerOutput: round((peak - rssBefore) / bytes, 2) } : {}),
    heapUsedAfterMB: round(heapUsed / MB),
    ...(shapesOut !== undefined ? { shapesOut } : {}),
    load1: round(loadavg()[0]!, 2),
  }
}

function runChild(name: string): CaseResult | { case: string; error: string } {
  const self = fileURLToPath(import.meta.url)
  const args = ['--import', 'tsx', '--expose-gc', '--max-old-space-size=8192', self]
  args.push('--case', name, '--shapes', String(SHAPES), '--images', String(IMAGES))
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * MB,
  })
  const line = child.stdout.trim().split('\n').pop() ?? ''
  if (child.status !== 0 || !line.startsWith('{')) {
    return { case: name, error: `exit ${child.status ?? child.signal}: ${line.slice(0, 300)}` }
  }
  return JSON.parse(line) as CaseResult
}

async function main() {
  if (values.case) {
    process.stdout.write(JSON.stringify(await runCase(values.case)) + '\n')
    return
  }
  const only = values.only?.split(',')
  const cases = CASES.filter((name) => !only || only.some((o) => name.startsWith(o)))
  const results = new Map<string, CaseResult>()
  for (const name of cases) {
    log(`${name} (${SHAPES} shapes, ${IMAGES} images) …`)
    const result = runChild(name)
    process.stdout.write(JSON.stringify(result) + '\n')
    if (!('error' in result)) results.set(name, result)
  }
  const write = results.get('coco:write')
  const stringify = results.get('bare:stringify')
  const read = results.get('coco:read')
  const parse = results.get('bare:parse')
  const ratio = (a?: CaseResult, b?: CaseResult) => (a && b ? round(a.ms / b.ms, 2) : null)
  // the output itself may be held twice (UTF-8 parts and the joined file); more than that,
  // plus 64 MB of working room, means memory that grows with the dataset beyond the output
  const memoryOk = write ? write.peakDeltaMB <= (2 * write.bytes) / MB + 64 : null
  process.stdout.write(
    JSON.stringify({
      summary: true,
      shapes: SHAPES,
      images: IMAGES,
      cocoWriteMs: write?.ms ?? null,
      bareStringifyMs: stringify?.stringifyMs ?? null,
      bareStringifyEncodeMs: stringify?.ms ?? null,
      cocoWriteOverStringify:
        write && stringify?.stringifyMs ? round(write.ms / stringify.stringifyMs, 2) : null,
      cocoWriteOverStringifyEncode: ratio(write, stringify),
      // CPU time is steadier than wall time when other processes share the cores
      cocoWriteOverStringifyCpu:
        write && stringify?.stringifyCpuMs
          ? round(write.cpuMs / stringify.stringifyCpuMs, 2)
          : null,
      cocoReadOverParseCpu: read && parse ? round(read.cpuMs / parse.cpuMs, 2) : null,
      cocoReadOverParse: ratio(read, parse),
      sameBytes: write && stringify ? write.bytes === stringify.bytes : null,
      goals: {
        cocoWriteUnder5s: write ? write.ms <= 5000 : null,
        cocoWriteUnder3xStringify:
          write && stringify?.stringifyMs ? write.ms <= 3 * stringify.stringifyMs : null,
        cocoWriteMemoryBoundedByOutput: memoryOk,
      },
      load: loadavg().map((x) => round(x, 2)),
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
    }) + '\n',
  )
}

await main()
