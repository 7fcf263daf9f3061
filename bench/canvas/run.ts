// Canvas benchmark: builds the bench page with Vite into a temp dir, serves it from Node, and
// drives headless Chromium (playwright-core). One JSON line per renderer, then a ratio line.
//
//   npx tsx bench/canvas/run.ts [--shapes 20000] [--vertices 20] [--image 10000]
//                               [--screenshot /tmp/loupe-canvas.png]
//
// There is no GPU here: WebGL runs on SwiftShader (ANGLE's CPU implementation), so the regl
// figures are CPU-rasterised too. Frame time = apply a camera change and finish drawing:
//   regl     setCamera, then the renderer's own animation frame (renderNow) + 1-pixel
//            readPixels (waits for the GPU queue); a frame that has to redraw the shapes
//            during navigation draws part of the redraw (redrawBudget) and shows the cached
//            layer transformed meanwhile ("stepped" frames);
//   canvas2d setTransform + full redraw + 1-pixel getImageData, per frame;
//   svg      set the group transform + forced layout (getBoundingClientRect), then wait for
//            the next requestAnimationFrame, with vsync and the frame-rate limit off, so the
//            interval covers style, layout, paint and raster of that frame.
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { build } from 'vite'

const { values: args } = parseArgs({
  options: {
    shapes: { type: 'string', default: '20000' },
    vertices: { type: 'string', default: '20' },
    image: { type: 'string', default: '10000' },
    budget: { type: 'string', default: '45000' },
    screenshot: { type: 'string', default: join(tmpdir(), 'loupe-canvas.png') },
  },
})

const pageRoot = fileURLToPath(new URL('./page', import.meta.url))
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
}

async function buildPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'loupe-canvas-bench-'))
  await build({
    root: pageRoot,
    configFile: false,
    logLevel: 'warn',
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
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
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

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

const round = (v: number) => Math.round(v * 100) / 100

async function main() {
  const dir = await buildPage()
  const { server, url } = await serve(dir)
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
    ],
  })
  const timer = setTimeout(() => {
    console.error('canvas bench: timed out')
    void browser.close().finally(() => process.exit(2))
  }, 300_000)
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.on('pageerror', (e) => console.error('page error:', e.message))
    page.on('console', (m) => {
      if (m.type() === 'info' || (m.type() === 'error' && !m.text().includes('404')))
        console.error('page:', m.text())
    })
    await page.goto(url)
    await page.waitForFunction(() => 'loupeBench' in window)

    const shapes = Number(args.shapes)
    const vertices = Number(args.vertices)
    const { results, floor } = await page.evaluate((o) => window.loupeBench.runAll(o), {
      imageSize: Number(args.image),
      shapes,
      vertices,
      budgetMs: Number(args.budget),
    })
    const p95: Record<string, number> = {}
    const p50: Record<string, number> = {}
    // Other work on this machine slows every renderer alike; the ratios are the figures that
    // travel, the load average says how busy the CPU was.
    const load = round(loadavg()[0]!)
    for (const r of results) {
      p50[r.renderer] = round(percentile(r.frames, 50))
      p95[r.renderer] = round(percentile(r.frames, 95))
      console.log(
        JSON.stringify({
          bench: 'canvas',
          renderer: r.renderer,
          shapes,
          vertices,
          image: `${args.image}x${args.image}`,
          p50Ms: p50[r.renderer],
          p95Ms: p95[r.renderer],
          frames: r.frames.length,
          gpu: 'none (WebGL on SwiftShader, CPU)',
          loadAverage1m: load,
          ...r.extra,
        }),
      )
    }
    const ratio = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined && b > 0 ? round(a / b) : null
    const svgOverReglP95 = ratio(p95.svg, p95.regl)
    console.log(
      JSON.stringify({
        bench: 'canvas',
        case: 'regl vs canvas2d vs svg (frame time ratios; higher = regl faster)',
        reglP50Ms: p50.regl,
        reglP95Ms: p95.regl,
        canvas2dP50Ms: p50.canvas2d,
        canvas2dP95Ms: p95.canvas2d,
        svgP50Ms: p50.svg,
        svgP95Ms: p95.svg,
        canvas2dOverReglP50: ratio(p50.canvas2d, p50.regl),
        canvas2dOverReglP95: ratio(p95.canvas2d, p95.regl),
        svgOverReglP50: ratio(p50.svg, p50.regl),
        svgOverReglP95,
        goal: 'regl p95 <= 16.7 ms and >= 20x faster than svg',
        goalP95Met: (p95.regl ?? Infinity) <= 16.7,
        goal20xSvgMet: (svgOverReglP95 ?? 0) >= 20,
        loadAverage1m: load,
        cpus: cpus().length,
      }),
    )
    // The same frame loop with nothing to draw, and a bare WebGL frame: what any frame costs here.
    console.log(
      JSON.stringify({
        bench: 'canvas',
        case: 'frame floor (no shapes): regl renderer with image, without image, bare WebGL quad',
        ...floor,
        reglOverFloorP50: ratio(p50.regl, floor.imageNoShapes.p50),
        gpu: 'none (WebGL on SwiftShader, CPU)',
        loadAverage1m: load,
      }),
    )

    // Settled after navigation = drawn fresh at that camera, byte for byte.
    const identity = await page.evaluate(() => window.loupeBench.settledMatchesFresh())
    console.log(
      JSON.stringify({ bench: 'canvas', case: 'settled frame vs fresh redraw', ...identity }),
    )
    const stepped = await page.evaluate(() => window.loupeBench.steppedMatchesOneGo())
    console.log(
      JSON.stringify({ bench: 'canvas', case: 'stepped redraw vs one-go redraw', ...stepped }),
    )

    // Open a job of 10,000 shapes from IndexedDB to first paint (after a reload: cold memory).
    const jobShapes = 10_000
    const written = await page.evaluate((n) => window.loupeBench.writeJob(n, 20), jobShapes)
    await page.reload()
    await page.waitForFunction(() => 'loupeBench' in window)
    const opened = await page.evaluate(() => window.loupeBench.openJob())
    console.log(
      JSON.stringify({
        bench: 'canvas',
        case: 'open job from IndexedDB to first paint',
        shapes: opened.shapes,
        vertices: 20,
        docBytes: written.bytes,
        idbLoadMs: round(opened.idbLoadMs),
        readShapesMs: round(opened.readShapesMs),
        firstPaintMs: round(opened.firstPaintMs),
        goal: 'firstPaintMs <= 300',
        gpu: 'none (WebGL on SwiftShader, CPU)',
      }),
    )

    // The screenshot: a few hundred shapes of every type, handles, preview and cursors.
    if (args.screenshot) {
      await page.reload()
      await page.waitForFunction(() => 'loupeBench' in window)
      const scene = await page.evaluate(() => window.loupeBench.showMixedScene(1))
      await page.screenshot({ path: args.screenshot })
      const zoomed = args.screenshot.replace(/\.png$/, '') + '-zoomed.png'
      await page.reload()
      await page.waitForFunction(() => 'loupeBench' in window)
      await page.evaluate(() => window.loupeBench.showMixedScene(4))
      await page.screenshot({ path: zoomed })
      const base = args.screenshot.replace(/\.png$/, '')
      for (const settle of [false, true]) {
        await page.reload()
        await page.waitForFunction(() => 'loupeBench' in window)
        await page.evaluate((s) => window.loupeBench.showNavigation(s), settle)
        await page.screenshot({ path: `${base}-${settle ? 'settled' : 'navigating'}.png` })
      }
      console.error(`canvas bench: screenshots ${base}-navigating.png, ${base}-settled.png`)
      console.error(
        `canvas bench: screenshots ${args.screenshot}, ${zoomed} (hit at big-rect: ${scene.hit})`,
      )
    }
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
