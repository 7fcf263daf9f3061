/// <reference lib="dom" />
// The bench page. run.ts calls window.loupeBench.* through Playwright and prints the results.

import { Renderer, fitToView, handlesFor, type Camera } from '../../../client/src/canvas/index'
import { Canvas2dRenderer } from './canvas2d-renderer'
import { cameraPath } from './camera-path'
import { makeImage, makeMixedScene, makePolygons } from './scene'
import { SvgRenderer } from './svg-renderer'

export interface FrameResult {
  renderer: 'regl' | 'canvas2d' | 'svg'
  frames: number[]
  extra: Record<string, number | string | boolean>
}

const stage = document.getElementById('stage')!
const view = { width: stage.clientWidth, height: stage.clientHeight }
const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r))
const now = () => performance.now()

/** A small copy of the image for the baselines (cheaper for them than the full image). */
async function smallCopy(image: ImageBitmap, size: number) {
  return createImageBitmap(image, {
    resizeWidth: size,
    resizeHeight: size,
    resizeQuality: 'medium',
  })
}

async function runRegl(
  image: ImageBitmap,
  w: number,
  h: number,
  count: number,
  verts: number,
  budgetMs: number,
) {
  const shapes = makePolygons(count, verts, w, h)
  const renderer = new Renderer(stage, { pixelRatio: 1, clamp: false })
  await renderer.setImage(image, w, h)
  const start = fitToView({ width: w, height: h }, view)
  renderer.setCamera(start)
  const t0 = now()
  renderer.setShapes(shapes)
  renderer.renderNow()
  renderer.finish()
  const firstPaintMs = now() - t0
  console.info(`regl first paint ${Math.round(firstPaintMs)} ms`)
  const path = cameraPath(start, view)
  // Warm-up: visit every 4th view and wait, so the image tiles the path needs are loaded
  // (tile decode and upload happen asynchronously, between frames).
  for (const c of path.filter((_, i) => i % 4 === 3)) {
    renderer.setCamera(c)
    renderer.renderNow()
    await new Promise((r) => setTimeout(r, 100))
  }
  const rebuildsBefore = renderer.stats.chunkRebuilds
  const frames: number[] = []
  const began = now()
  for (const c of path) {
    const f0 = now()
    renderer.setCamera(c)
    renderer.renderNow()
    renderer.finish()
    frames.push(now() - f0)
    await nextFrame()
    if (now() - began > budgetMs) break
  }
  const chunkRebuildsWhilePanning = renderer.stats.chunkRebuilds - rebuildsBefore
  // Pointer-only changes: the overlay moves, the annotation layer must not be redrawn.
  const redrawsBefore = renderer.stats.annotationRedraws
  const overlayFrames: number[] = []
  const selected = shapes[0]!
  for (let i = 0; i < 10; i++) {
    const f0 = now()
    renderer.setOverlay({
      handles: handlesFor(selected, renderer.camera.scale),
      cursors: [{ id: 'b', name: 'Bea', color: '#ff4d4f', x: 2000 + i * 40, y: 3000 + i * 20 }],
    })
    renderer.renderNow()
    renderer.finish()
    overlayFrames.push(now() - f0)
  }
  const annotationRedrawsOnOverlay = renderer.stats.annotationRedraws - redrawsBefore
  // One edited shape rebuilds one chunk.
  const editBefore = renderer.stats.chunkRebuilds
  const e0 = now()
  renderer.updateShape({ ...selected, points: selected.points.map((v) => v + 5) })
  renderer.renderNow()
  renderer.finish()
  const editMs = now() - e0
  const result: FrameResult = {
    renderer: 'regl',
    frames,
    extra: {
      firstPaintMs: round(firstPaintMs),
      chunkRebuildsWhilePanning,
      annotationRedrawsOnOverlay,
      overlayP50Ms: round(percentile(overlayFrames, 50)),
      editOneShapeMs: round(editMs),
      chunksRebuiltByEdit: renderer.stats.chunkRebuilds - editBefore,
      ...glInfo(renderer.canvas),
    },
  }
  renderer.destroy()
  return result
}

async function runCanvas2d(
  image: ImageBitmap,
  w: number,
  h: number,
  count: number,
  verts: number,
  budgetMs: number,
) {
  const shapes = makePolygons(count, verts, w, h)
  const small = await smallCopy(image, 2048)
  const r = new Canvas2dRenderer(stage, small, w, h, shapes)
  const start = fitToView({ width: w, height: h }, view)
  const frames = await timed(cameraPath(start, view), budgetMs, (c) => {
    r.setCamera(c)
    r.draw()
    r.finish()
  })
  r.destroy()
  return {
    renderer: 'canvas2d',
    frames,
    extra: { imageDrawnAt: '2048px copy' },
  } satisfies FrameResult
}

async function runSvg(
  image: ImageBitmap,
  w: number,
  h: number,
  count: number,
  verts: number,
  budgetMs: number,
) {
  const shapes = makePolygons(count, verts, w, h)
  const small = await smallCopy(image, 2048)
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 2048
  canvas.getContext('2d')!.drawImage(small, 0, 0)
  const blob = await new Promise<Blob>((res) => canvas.toBlob((b) => res(b!), 'image/jpeg', 0.9))
  const url = URL.createObjectURL(blob)
  const r = new SvgRenderer(stage, url, w, h, shapes)
  const start = fitToView({ width: w, height: h }, view)
  r.setCamera(start)
  for (let i = 0; i < 3; i++) await nextFrame()
  // Empty-frame floor: the rAF interval with nothing changing (shows vsync is off).
  const idle: number[] = []
  let last = await nextFrame()
  for (let i = 0; i < 10; i++) {
    const t = await nextFrame()
    idle.push(t - last)
    last = t
  }
  // Each frame: apply the camera, force style + layout, then wait for the next animation frame;
  // the browser paints and rasterises the changed frame in between, so the interval covers it.
  const frames: number[] = []
  const began = now()
  for (const c of cameraPath(start, view)) {
    const f0 = now()
    r.setCamera(c)
    r.forceLayout()
    await nextFrame()
    frames.push(now() - f0)
    if (now() - began > budgetMs) break
  }
  r.destroy()
  URL.revokeObjectURL(url)
  return {
    renderer: 'svg',
    frames,
    extra: { idleFrameMs: round(percentile(idle, 50)), imageDrawnAt: '2048px copy' },
  } satisfies FrameResult
}

async function timed(path: Camera[], budgetMs: number, draw: (c: Camera) => void) {
  for (const c of path.slice(0, 3)) draw(c)
  const frames: number[] = []
  const began = now()
  for (const c of path) {
    const f0 = now()
    draw(c)
    frames.push(now() - f0)
    await nextFrame()
    if (now() - began > budgetMs) break
  }
  return frames
}

/** The renderer's own context (getContext returns the one regl created). */
function glInfo(canvas: HTMLCanvasElement) {
  const gl = canvas.getContext('webgl')
  if (!gl) return { glRenderer: 'unknown', maxTextureSize: 0 }
  const ext = gl.getExtension('WEBGL_debug_renderer_info')
  return {
    glRenderer: String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
    maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}

/** Draws the mixed scene with selection handles, a drawing preview and remote cursors. */
async function showMixedScene(zoom: number) {
  const w = 2400
  const h = 1600
  const image = makeImage(w, h)
  const shapes = makeMixedScene(w, h)
  const renderer = new Renderer(stage, { pixelRatio: 1 })
  await renderer.setImage(image, w, h)
  renderer.setShapes(shapes)
  renderer.fit()
  if (zoom !== 1) renderer.zoomAt(zoom, 200, 200)
  const selected = shapes.find((s) => s.id === 'big-rect')!
  renderer.setOverlay({
    handles: handlesFor(selected, renderer.camera.scale),
    handleColor: selected.color,
    preview: {
      type: 'polygon',
      points: [1500, 300, 1700, 260, 1760, 420, 1600, 470],
      color: '#73d13d',
    },
    cursors: [
      { id: 'a', name: 'Ana', color: '#ff4d4f', x: 1300, y: 700 },
      { id: 'b', name: 'Bo (reviewer)', color: '#40a9ff', x: 600, y: 1100 },
    ],
  })
  for (let i = 0; i < 20; i++) await nextFrame()
  renderer.renderNow()
  return {
    stats: { ...renderer.stats },
    hit: renderer.hitTest(...renderer.imageToScreen(270, 180))?.id ?? null,
  }
}

async function runAll(opts: {
  imageSize: number
  shapes: number
  vertices: number
  budgetMs: number
}) {
  const image = makeImage(opts.imageSize, opts.imageSize)
  const s = opts.imageSize
  const results: FrameResult[] = []
  console.info(`image ready ${Math.round(now())} ms`)
  results.push(await runRegl(image, s, s, opts.shapes, opts.vertices, opts.budgetMs))
  console.info(`regl done: p50 ${percentile(results[0]!.frames, 50)} ms`)
  results.push(await runCanvas2d(image, s, s, opts.shapes, opts.vertices, opts.budgetMs))
  console.info(`canvas2d done: p50 ${percentile(results[1]!.frames, 50)} ms`)
  results.push(await runSvg(image, s, s, opts.shapes, opts.vertices, opts.budgetMs))
  image.close()
  return results
}

declare global {
  interface Window {
    loupeBench: { runAll: typeof runAll; showMixedScene: typeof showMixedScene }
  }
}
window.loupeBench = { runAll, showMixedScene }
;(window as unknown as Record<string, unknown>).__exp = {
  Renderer,
  makePolygons,
  makeImage,
  fitToView,
}
