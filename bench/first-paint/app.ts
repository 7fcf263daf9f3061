// First paint of a big job in the real app: the real server (embedded storage) serving a client
// build, a job of N polygons seeded on the server, opened once in Chromium (so the document and
// its shape preview are in IndexedDB), then reloaded `runs` times per case. Times are from
// navigation start (performance.timeOrigin). Prints one JSON line.
//
//   npx tsx bench/first-paint/app.ts [--shapes 10000] [--vertices 20] [--image 4000] [--runs 3]
//                                    [--client DIR]   (another client build, e.g. an older commit)
//                                    [--baseline DIR] (A/B: this build too, runs interleaved)
//                                    [--mesh-worker on|off] (the app's debug switch, both pages)
//                                    [--screenshot FILE] (the editor as the last open left it)
//
// With --baseline, each build gets its own server and page, and the reloads alternate between
// them (A B B A ...) so that both see the same machine load; `baseline` holds the other build's
// medians, `delta` this build's minus the baseline's, and `pixels` whether the first frames
// with shapes of one more reload each are identical (an FNV-1a hash of the canvas's pixels).
//
// Cases: `preview` (the app as it is), `noPreview` (the same build with the preview switched off:
// localStorage 'loupe.debug.shapePreview' = 'off'). The first frame with shapes is read from the
// app's marks (client/src/editor/opening-marks.ts) and, for builds without them, from a frame
// watcher: the first animation frame after the canvas drew a frame while the Objects panel
// lists shapes (within one frame of the truth).
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import type * as Y from 'yjs'
import { JobDocument, Origin } from '@loupe/model'
import { startServer } from '@loupe/sync-server'
import { ADMIN_TOKEN, launchChromium } from '../../e2e/harness'
import { scenePng } from '../../e2e/api'
import { makePolygons } from '../canvas/page/scene'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const { values: args } = parseArgs({
  options: {
    shapes: { type: 'string', default: '10000' },
    vertices: { type: 'string', default: '20' },
    image: { type: 'string', default: '4000' },
    runs: { type: 'string', default: '3' },
    client: { type: 'string' },
    baseline: { type: 'string' },
    'mesh-worker': { type: 'string' },
    screenshot: { type: 'string' },
    /** Writes a CPU profile (.cpuprofile, for Chrome DevTools) of one more reload per mode. */
    profile: { type: 'string' },
  },
})

const LABELS = ['#ff4d4f', '#40a9ff', '#73d13d', '#ffc53d', '#b37feb', '#36cfc9'].map(
  (color, i) => ({ name: `label${i}`, color }),
)

async function api<T>(url: string, token: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}/api${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, ...init.headers },
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** Watches frames (for builds without marks) and collects the app's opening marks. */
function watchOpening() {
  const w = window as unknown as { opening: Record<string, number> }
  w.opening = {}
  let frames = '0'
  const tick = () => {
    const canvas = document.querySelector<HTMLElement>('[data-testid="editor-canvas"]')
    const listed = document.querySelectorAll('[data-testid="objects-panel"] li').length
    const now = canvas?.dataset.frames ?? '0'
    if (listed > 0 && now !== frames && w.opening.watchedDocumentFrame === undefined)
      w.opening.watchedDocumentFrame = performance.now()
    frames = now
    if (w.opening.watchedDocumentFrame === undefined) requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
}

async function openOnce(page: Page, marks: boolean) {
  await page.reload()
  await page.waitForFunction(
    (marks) =>
      marks
        ? performance.getEntriesByName('loupe:document-shapes-frame').length > 0
        : (window as unknown as { opening: Record<string, number> }).opening
            .watchedDocumentFrame !== undefined,
    marks,
    { timeout: 120_000, polling: 100 },
  )
  return page.evaluate(() => {
    const at = (name: string) => performance.getEntriesByName(name)[0]
    const first = at('loupe:first-shapes-frame') as PerformanceMark | undefined
    const r = (v: number | undefined) => (v === undefined ? undefined : Math.round(v))
    const watched = (window as unknown as { opening: Record<string, number> }).opening
    return {
      jobOpenMs: r(at('loupe:job-open')?.startTime),
      previewAskedMs: r(at('loupe:preview-asked')?.startTime),
      previewReadMs: r(at('loupe:preview-read')?.startTime),
      rendererReadyMs: r(at('loupe:renderer-ready')?.startTime),
      firstShapesFrameMs: r(first?.startTime),
      firstShapesSource: (first?.detail as { source?: string } | undefined)?.source,
      documentLoadedMs: r(at('loupe:job-document-loaded')?.startTime),
      documentFrameMs: r(at('loupe:document-shapes-frame')?.startTime),
      watchedDocumentFrameMs: r(watched.watchedDocumentFrame),
      // The preview's paint alone: its shapes handed to the canvas to their first frame.
      previewPaintMs:
        first && first.detail && (first.detail as { source?: string }).source === 'preview'
          ? r(first.startTime - (at('loupe:preview-read')?.startTime ?? NaN))
          : undefined,
    }
  })
}

async function profileOnce(page: Page, marks: boolean, file: string) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  const timing = await openOnce(page, marks)
  const { profile } = await cdp.send('Profiler.stop')
  writeFileSync(file, JSON.stringify(profile))
  console.error(`first-paint: profile ${file}`, JSON.stringify(timing))
  await cdp.detach()
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function summarize(results: Array<Record<string, number | string | undefined>>) {
  const out: Record<string, number | string> = {}
  for (const key of Object.keys(results[0]!)) {
    const values = results.map((r) => r[key]).filter((v) => v !== undefined)
    if (values.length === 0) continue
    out[key] =
      typeof values[0] === 'number' ? median(values as number[]) : [...new Set(values)].join('|')
  }
  return out
}

interface Build {
  client: string
  page: Page
  marks: boolean
  close: () => Promise<void>
}

/** A server serving `client`, a job of `shapes` polygons seeded on it, opened once in a page. */
async function openBuild(
  browser: Awaited<ReturnType<typeof launchChromium>>,
  client: string,
  shapes: number,
  vertices: number,
  size: number,
): Promise<Build> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-first-paint-app-'))
  const server = await startServer({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: resolve(client),
      logLevel: 'warn',
      secret: 'bench-secret-'.padEnd(32, 's'),
      adminToken: ADMIN_TOKEN,
    },
  })
  const close = async () => {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    const { id, token } = await api<{ id: string; token: string }>(
      server.url,
      ADMIN_TOKEN,
      '/projects',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'first paint', labels: LABELS }),
      },
    )
    const { labels } = await api<{ labels: Array<{ id: string }> }>(
      server.url,
      token,
      `/projects/${id}`,
    )
    const form = new FormData()
    const png = scenePng(size, size)
    form.append('files', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'big.png')
    const { images } = await api<{ images: Array<{ id: string; jobId: string }> }>(
      server.url,
      token,
      `/projects/${id}/images`,
      { method: 'POST', body: form },
    )
    const image = images[0]!
    const lookup = { getLabel: (labelId: string) => labels.find((l) => l.id === labelId) as never }
    const room = `job/${id}/${image.jobId}`
    await server.relay.change(room, (doc: Y.Doc) => {
      const job = JobDocument.create(doc, { projectId: id, jobId: image.jobId }, lookup, {
        origin: Origin.server,
        userId: 'seed',
      })
      const polygons = makePolygons(shapes, vertices, size, size)
      doc.transact(() => {
        polygons.forEach((p, i) =>
          job.addShape({
            imageId: image.id,
            labelId: labels[i % labels.length]!.id,
            type: 'polygon',
            points: p.points.map((v) => Math.round(v * 10) / 10),
            zOrder: i,
            source: 'import',
          }),
        )
      })
    })

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    page.on('pageerror', (e) => console.error('page error:', e.message))
    if (process.env.LOUPE_BENCH_CONSOLE) page.on('console', (m) => console.error('page:', m.text()))
    // tsx names nested functions with a `__name` helper that the page lacks
    await context.addInitScript({ content: 'window.__name = (f) => f' })
    await context.addInitScript(watchOpening)
    await page.goto(`${server.url}/?token=${token}#/project/${id}/job/${image.jobId}`)
    // The first open downloads the job; its shape preview is written when the page is idle.
    // (Polled from here: waitForFunction does not wait for an async predicate's result.)
    const previewStored = () =>
      page.evaluate(
        async ({ name, key, n }) => {
          // Never create the database here: an empty one would stop the app creating its stores.
          const db = await new Promise<IDBDatabase | undefined>((ok) => {
            const req = indexedDB.open(name)
            req.onupgradeneeded = () => req.transaction?.abort()
            req.onsuccess = () => ok(req.result)
            req.onerror = () => ok(undefined)
          })
          if (!db) return false
          if (!db.objectStoreNames.contains('custom')) {
            db.close()
            return false
          }
          const value = await new Promise<{ ids?: string[] } | undefined>((ok) => {
            const req = db.transaction('custom').objectStore('custom').get(key)
            req.onsuccess = () => ok(req.result as { ids?: string[] } | undefined)
            req.onerror = () => ok(undefined)
          })
          db.close()
          return value?.ids?.length === n
        },
        { name: `loupe:${room}`, key: `shapes/${image.id}`, n: shapes },
      )
    const waitUntil = Date.now() + 300_000
    while (!(await previewStored())) {
      if (Date.now() > waitUntil) throw new Error('the shape preview was never stored')
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    // Share big paints with the mesh worker or not, whatever the cores (CanvasView.tsx).
    await page.evaluate(
      (value) =>
        value
          ? localStorage.setItem('loupe.debug.meshWorker', value)
          : localStorage.removeItem('loupe.debug.meshWorker'),
      args['mesh-worker'],
    )
    const marks = await page.evaluate(() => performance.getEntriesByName('loupe:job-open').length)
    return { client, page, marks: marks > 0, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** Records an FNV-1a hash of the canvas's pixels as the first frame with shapes drew them. */
function hashFirstFrame() {
  window.addEventListener('loupe:first-shapes-frame', (event) => {
    const canvas = (event as CustomEvent<{ canvas?: HTMLCanvasElement }>).detail.canvas
    if (!canvas) return
    const copy = document.createElement('canvas')
    copy.width = canvas.width
    copy.height = canvas.height
    const context = copy.getContext('2d')!
    context.drawImage(canvas, 0, 0)
    const data = context.getImageData(0, 0, copy.width, copy.height).data
    let h = 0x811c9dc5
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193)
    ;(window as unknown as { firstFrameHash: string }).firstFrameHash =
      `${copy.width}x${copy.height}:${(h >>> 0).toString(16)}`
  })
}

async function firstFrameHash(build: Build): Promise<string | undefined> {
  await build.page.addInitScript(hashFirstFrame)
  await openOnce(build.page, build.marks)
  return build.page.evaluate(
    () => (window as unknown as { firstFrameHash?: string }).firstFrameHash,
  )
}

async function main() {
  const shapes = Number(args.shapes)
  const vertices = Number(args.vertices)
  const size = Number(args.image)
  const runs = Number(args.runs)
  const browser = await launchChromium()
  const builds: Build[] = []
  try {
    for (const client of [args.client ?? 'dist/client', ...(args.baseline ? [args.baseline] : [])])
      builds.push(await openBuild(browser, client, shapes, vertices, size))
    const [build, baseline] = builds as [Build, Build | undefined]
    const result: Record<string, unknown> = {
      bench: 'first-paint-app',
      case: 'reload a job page (job in IndexedDB) to its first frame with shapes',
      shapes,
      vertices,
      image: `${size}x${size}`,
      runs,
      client: build.client,
      ...(baseline ? { baselineClient: baseline.client } : {}),
      ...(args['mesh-worker'] ? { meshWorker: args['mesh-worker'] } : {}),
      goal: 'firstShapesFrameMs <= 300 (from navigation start)',
    }
    const both = builds.every((b) => b.marks)
    const modes = both ? ['preview', 'noPreview'] : ['build']
    const timings = new Map<Build, Record<string, Record<string, number | string>>>()
    for (const mode of modes) {
      for (const b of builds)
        await b.page.evaluate(
          (off) =>
            off
              ? localStorage.setItem('loupe.debug.shapePreview', 'off')
              : localStorage.removeItem('loupe.debug.shapePreview'),
          mode === 'noPreview',
        )
      const results = new Map<Build, Array<Record<string, number | string | undefined>>>(
        builds.map((b) => [b, []]),
      )
      for (let i = 0; i < runs; i++) {
        // A B, then B A: drift in the machine's load falls on both alike.
        const order = i % 2 === 0 ? builds : [...builds].reverse()
        for (const b of order) results.get(b)!.push(await openOnce(b.page, both))
      }
      for (const b of builds) {
        const byMode = timings.get(b) ?? {}
        byMode[mode] = summarize(results.get(b)!)
        timings.set(b, byMode)
        if (args.profile)
          await profileOnce(
            b.page,
            both,
            `${args.profile}${b === build ? '' : '.baseline'}.${mode}.cpuprofile`,
          )
      }
    }
    Object.assign(result, timings.get(build))
    if (baseline) {
      result.baseline = timings.get(baseline)
      const delta: Record<string, Record<string, number>> = {}
      for (const mode of modes) {
        const a = timings.get(build)![mode]!
        const b = timings.get(baseline)![mode]!
        delta[mode] = {}
        for (const key of Object.keys(a))
          if (typeof a[key] === 'number' && typeof b[key] === 'number')
            delta[mode][key] = (a[key] as number) - (b[key] as number)
      }
      result.delta = delta
      if (both) {
        for (const b of builds)
          await b.page.evaluate(() => localStorage.removeItem('loupe.debug.shapePreview'))
        const hashes = [await firstFrameHash(build), await firstFrameHash(baseline)]
        result.pixels = {
          identical: hashes[0] !== undefined && hashes[0] === hashes[1],
          build: hashes[0],
          baseline: hashes[1],
        }
      }
    }
    if (args.screenshot) await build.page.screenshot({ path: args.screenshot })
    console.log(JSON.stringify(result))
  } finally {
    await browser.close()
    for (const b of builds) await b.close()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
