// First paint of a big job from IndexedDB: builds the bench page with Vite, serves it from Node
// and drives headless Chromium (playwright-core). Every open follows a page reload (cold memory).
// Prints one JSON line:
//   before  y-indexeddb load + @loupe/model listShapes + renderer (what bench/canvas measures);
//   where   the same steps taken apart (open, read bytes, apply, model, paint);
//   store   LocalDocumentStore (log compacted to one entry) + model + renderer;
//   preview the stored plain shapes painted first; the document applied after that paint;
//   zoomFitted / zoomOneToOne  the renderer's first paint of the preview at the fitted zoom
//           (as the app draws it) and at 1:1 (a frame drawn before the camera is fitted);
// (bench/first-paint/app.ts measures the whole app: page open to the first frame with shapes)
// for a job stored as one update and as a 500-entry log (y-indexeddb keeps up to 500);
//   meshes  the renderer's setShapes + first frame of the shapes on a 4000 px image (the app's
//           chunking), meshes built on the main thread alone or shared with the mesh worker,
//           reloads alternating between the two; `samePixels`: both frames hash the same.
//
//   npx tsx bench/first-paint/run.ts [--shapes 10000] [--vertices 20] [--runs 3] [--canvas DIR]
//                                    [--only meshes]
// --canvas: take the renderer from DIR (e.g. a `git archive` of client/src/canvas at a commit)
// instead of the work tree, to measure while the renderer is being changed (one that has the
// mesh worker: the page uses it).
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium, type Page } from 'playwright-core'
import { build } from 'vite'

const { values: args } = parseArgs({
  options: {
    shapes: { type: 'string', default: '10000' },
    vertices: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    canvas: { type: 'string' },
    only: { type: 'string' },
  },
})

const pageRoot = fileURLToPath(new URL('./page', import.meta.url))
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' }

async function buildPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'loupe-first-paint-'))
  await build({
    root: pageRoot,
    configFile: false,
    logLevel: 'warn',
    resolve: args.canvas
      ? {
          alias: [
            {
              find: /^.*\/client\/src\/canvas\/index$/,
              replacement: resolve(`${args.canvas}/index.ts`),
            },
          ],
        }
      : {},
    build: { outDir, emptyOutDir: true, minify: true, target: 'es2022' },
  })
  return outDir
}

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const file = join(dir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // Cross-origin isolated, as the app is served (the mesh worker shares memory).
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({ server, url: `http://127.0.0.1:${port}/` })
    })
  })
}

const round = (v: number) => Math.round(v * 10) / 10
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Runs `fn` after a fresh reload, `runs` times; the median of each numeric field. */
async function measure<T extends Record<string, number | boolean>>(
  page: Page,
  runs: number,
  fn: () => Promise<T>,
): Promise<Record<string, number | boolean>> {
  const results: T[] = []
  for (let i = 0; i < runs; i++) {
    await page.reload()
    await page.waitForFunction(() => 'firstPaint' in window)
    results.push(await fn())
  }
  const out: Record<string, number | boolean> = {}
  for (const key of Object.keys(results[0]!)) {
    const values = results.map((r) => r[key]!)
    out[key] =
      typeof values[0] === 'number' ? round(median(values as number[])) : values.every(Boolean)
  }
  return out
}

async function main() {
  const dir = await buildPage()
  const { server, url } = await serve(dir)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  })
  const timer = setTimeout(() => {
    console.error('first-paint bench: timed out')
    void browser.close().finally(() => process.exit(2))
  }, 600_000)
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.on('pageerror', (e) => console.error('page error:', e.message))
    if (process.env.LOUPE_BENCH_CONSOLE) page.on('console', (m) => console.error('page:', m.text()))
    await page.goto(url)
    await page.waitForFunction(() => 'firstPaint' in window)
    const shapes = Number(args.shapes)
    const vertices = Number(args.vertices)
    const runs = Number(args.runs)
    const result: Record<string, unknown> = {
      bench: 'first-paint',
      case: 'open a job from IndexedDB to first paint',
      shapes,
      vertices,
      runs,
      goal: 'firstPaintMs <= 300',
      gpu: 'none (WebGL on SwiftShader, CPU)',
    }
    // Meshes built on the main thread alone vs shared with the worker, reloads interleaved.
    const meshRuns: Record<string, Array<Record<string, number | boolean>>> = {
      main: [],
      worker: [],
    }
    for (let i = 0; i < runs * 2; i++) {
      // worker, main, main, worker, ...: drift in the machine's load falls on both alike.
      const worker = i % 4 === 0 || i % 4 === 3
      await page.reload()
      await page.waitForFunction(() => 'firstPaint' in window)
      meshRuns[worker ? 'worker' : 'main']!.push(
        await page.evaluate(
          ([n, v, w]) =>
            window.firstPaint.paintMeshes(n as number, v as number, 4000, w as boolean),
          [shapes, vertices, worker],
        ),
      )
    }
    const summary = (rows: Array<Record<string, number | boolean>>) => {
      const out: Record<string, number | boolean> = {}
      for (const key of ['setShapesMs', 'drawMs', 'paintMs'])
        out[key] = round(median(rows.map((r) => r[key] as number)))
      out.isolated = rows.every((r) => r.isolated)
      return out
    }
    const hashes = new Set([...meshRuns.main!, ...meshRuns.worker!].map((r) => r.pixelHash))
    result.meshes = {
      main: summary(meshRuns.main!),
      worker: summary(meshRuns.worker!),
      samePixels: hashes.size === 1,
      // The worker had started and warmed up for every shared paint.
      workerReady: meshRuns.worker!.every((r) => r.workerReady),
    }
    for (const entries of args.only === 'meshes' ? [] : [1, 500]) {
      const label = entries === 1 ? 'oneUpdate' : 'log500'
      const written = await page.evaluate(
        ([n, v, e]) => window.firstPaint.write(n!, v!, e!),
        [shapes, vertices, entries],
      )
      const before = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.openYIndexeddb()),
      )
      const where = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.breakdown()),
      )
      const preview = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.openPreview(false)),
      )
      const previewReadFirst = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.openPreview(true)),
      )
      // the first store open finds the log and compacts it; later opens load one entry
      const firstStore = await measure(page, 1, () =>
        page.evaluate(() => window.firstPaint.openStore(true)),
      )
      const store = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.openStore(false)),
      )
      // Does a first paint at the fitted zoom (many tiny shapes → one quad each) cost less?
      const zoomFitted = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.paintAtZoom(true)),
      )
      const zoomOneToOne = await measure(page, runs, () =>
        page.evaluate(() => window.firstPaint.paintAtZoom(false)),
      )
      result[label] = {
        ...written,
        zoomFitted,
        zoomOneToOne,
        before,
        where,
        preview,
        previewReadFirst,
        storeFirstOpen: firstStore,
        store,
      }
    }
    console.log(JSON.stringify(result))
  } finally {
    clearTimeout(timer)
    await browser.close()
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
