/// <reference lib="dom" />
// The bench page. run.ts calls window.loupeBench.* through Playwright and prints the results.

import {
  Renderer,
  fitToView,
  handlesFor,
  pan,
  zoomAt,
  type Camera,
} from '../../../client/src/canvas/index'
import createREGL from 'regl'
import { Canvas2dRenderer } from './canvas2d-renderer'
import { cameraPath } from './camera-path'
import { openJob, writeJob } from './idb-job'
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

/**
 * A renderer whose `frame(camera)` sets the camera and resolves with that frame's time: the
 * renderer's own animation frame (renderNow, CPU) plus a 1-pixel read that waits for the GPU
 * to finish it.
 */
function measuredRenderer() {
  let measure: ((ms: number) => void) | null = null
  const renderer: Renderer = new Renderer(stage, {
    pixelRatio: 1,
    clamp: false,
    onFrame: (stats) => {
      if (!measure) return
      const done = measure
      measure = null
      const f0 = now()
      renderer.finish()
      done(stats.lastFrameMs + now() - f0)
    },
  })
  const frame = (camera: Camera) =>
    new Promise<number>((resolve) => {
      measure = resolve
      renderer.setCamera(camera)
    })
  return { renderer, frame }
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
  const { renderer, frame } = measuredRenderer()
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
  // Navigation, as in the app: each step sets the camera and the renderer draws it in its next
  // animation frame. While the view stays inside the cached annotation framebuffer's margin,
  // frames transform the cached layer; when it leaves it or the scale drifts past 2×, the
  // shapes are redrawn at the new camera in steps over the next frames ("stepped" frames,
  // which also transform the cached layer) and swapped in when complete.
  await waitForSettle(renderer)
  const rebuildsBefore = renderer.stats.chunkRebuilds
  const cachedBefore = renderer.stats.cachedFrames
  const steppedBefore = renderer.stats.steppedRedraws
  const frames: number[] = []
  const cachedFrameTimes: number[] = []
  const steppedFrameTimes: number[] = []
  const redrawFrameTimes: number[] = []
  const began = now()
  for (const c of path) {
    const before = { ...renderer.stats }
    const ms = await frame(c)
    frames.push(ms)
    const stats = renderer.stats
    if (
      stats.annotationRedraws - stats.steppedRedraws >
      before.annotationRedraws - before.steppedRedraws
    )
      redrawFrameTimes.push(ms)
    else if (stats.steppedFrames > before.steppedFrames) steppedFrameTimes.push(ms)
    else cachedFrameTimes.push(ms)
    if (now() - began > budgetMs) break
  }
  const steppedRedraws = renderer.stats.steppedRedraws - steppedBefore
  const cachedFrames = renderer.stats.cachedFrames - cachedBefore
  // Settling: a camera change served from the cache, then no change for settleMs: the renderer
  // redraws the shapes by itself, in steps over its next frames (time to the sharp frame).
  renderer.setCamera(pan(renderer.camera, 8, 8))
  renderer.renderNow()
  const redrawsBeforeSettle = renderer.stats.annotationRedraws
  const settleStart = now()
  while (renderer.stats.annotationRedraws === redrawsBeforeSettle && now() - settleStart < 10_000)
    await nextFrame()
  const autoSettled = renderer.stats.annotationRedraws > redrawsBeforeSettle
  const autoSettleMs = now() - settleStart
  // The settle redraw itself (a full redraw at the new camera), timed at the end of each phase:
  // draw 8 px away, move to the phase's camera (a cached frame), then settle.
  const settleTimes: number[] = []
  const settleDraws: string[] = []
  for (const c of path.filter((_, i) => i % 12 === 11)) {
    renderer.setCamera(pan(c, -8, -8))
    renderer.settle()
    renderer.renderNow()
    renderer.setCamera(c)
    renderer.renderNow()
    renderer.finish()
    const f0 = now()
    renderer.settle()
    renderer.renderNow()
    renderer.finish()
    settleTimes.push(now() - f0)
    const d = renderer.stats.lastRedraw
    settleDraws.push(`${d.chunksDrawn}/${d.chunksDrawn + d.chunksSkipped}:${d.indices}`)
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
  // Picking: the hit index is built on the first query, then updated per edited shape.
  const probe = renderer.imageToScreen(selected.points[0]! - 1, selected.points[1]!)
  const h0 = now()
  renderer.hitTest(...probe)
  const hitIndexBuildMs = now() - h0
  // One edited shape rebuilds one chunk, and re-indexes one shape for picking.
  const editBefore = renderer.stats.chunkRebuilds
  const e0 = now()
  renderer.updateShape({ ...selected, points: selected.points.map((v) => v + 5) })
  renderer.renderNow()
  renderer.finish()
  const editMs = now() - e0
  const h1 = now()
  renderer.hitTest(...probe)
  const hitAfterEditMs = now() - h1
  const result: FrameResult = {
    renderer: 'regl',
    frames,
    extra: {
      firstPaintMs: round(firstPaintMs),
      cachedFrames,
      steppedFrames: steppedFrameTimes.length,
      steppedRedraws,
      redrawFrames: redrawFrameTimes.length,
      cachedFrameP50Ms: round(percentile(cachedFrameTimes, 50)),
      cachedFrameP95Ms: round(percentile(cachedFrameTimes, 95)),
      steppedFrameP50Ms: round(percentile(steppedFrameTimes, 50)),
      steppedFrameP95Ms: round(percentile(steppedFrameTimes, 95)),
      redrawFrameP50Ms: round(percentile(redrawFrameTimes, 50)),
      autoSettled,
      autoSettleMs: round(autoSettleMs),
      settleRedrawP50Ms: round(percentile(settleTimes, 50)),
      settleRedrawMs: settleTimes.map(round).join(' '),
      settleRedrawChunksAndIndices: settleDraws.join(' '),
      chunkRebuildsWhilePanning,
      annotationRedrawsOnOverlay,
      overlayP50Ms: round(percentile(overlayFrames, 50)),
      editOneShapeMs: round(editMs),
      chunksRebuiltByEdit: renderer.stats.chunkRebuilds - editBefore,
      hitIndexBuildMs: round(hitIndexBuildMs),
      hitTestAfterEditMs: round(hitAfterEditMs),
      ...glInfo(renderer.canvas),
    },
  }
  renderer.destroy()
  return result
}

/**
 * What a frame costs here before any shape: the regl renderer navigating the same path with no
 * shapes (image tiles + cached-layer composite + overlay), with neither image nor shapes, and a
 * bare WebGL frame (clear + one screen-sized textured quad + 1-pixel read). On SwiftShader the
 * last one is the platform's floor for any layered renderer.
 */
async function runFloor(image: ImageBitmap, w: number, h: number) {
  const start = fitToView({ width: w, height: h }, view)
  const path = cameraPath(start, view).slice(0, 60)
  const rendererFrames = async (withImage: boolean) => {
    const { renderer, frame } = measuredRenderer()
    if (withImage) await renderer.setImage(image, w, h)
    renderer.setCamera(start)
    // Every view once, slowly, so the tiles the path needs are loaded before timing.
    for (const c of path) {
      renderer.setCamera(c)
      renderer.renderNow()
      await new Promise((r) => setTimeout(r, 60))
    }
    const frames: number[] = []
    for (const c of path) frames.push(await frame(c))
    renderer.destroy()
    return frames
  }
  const imageOnly = await rendererFrames(true)
  const empty = await rendererFrames(false)
  // A bare WebGL frame of the same size.
  const canvas = document.createElement('canvas')
  canvas.width = view.width
  canvas.height = view.height
  canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%'
  stage.appendChild(canvas)
  const regl = createREGL({ canvas })
  const texture = regl.texture({ width: view.width, height: view.height })
  const quad = regl({
    vert: 'attribute vec2 p; varying vec2 uv; void main() { uv = p * 0.5 + 0.5; gl_Position = vec4(p, 0, 1); }',
    frag: 'precision mediump float; uniform sampler2D t; varying vec2 uv; void main() { gl_FragColor = texture2D(t, uv); }',
    attributes: { p: [-1, -1, 1, -1, -1, 1, 1, 1] },
    uniforms: { t: texture },
    primitive: 'triangle strip',
    count: 4,
  })
  const pixel = new Uint8Array(4)
  const bare: number[] = []
  for (let i = 0; i < 60; i++) {
    await nextFrame()
    const f0 = now()
    regl.poll()
    regl.clear({ color: [0.1, 0.1, 0.1, 1] })
    quad()
    regl._gl.readPixels(0, 0, 1, 1, regl._gl.RGBA, regl._gl.UNSIGNED_BYTE, pixel)
    bare.push(now() - f0)
  }
  regl.destroy()
  canvas.remove()
  const stat = (v: number[]) => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)) })
  return { imageNoShapes: stat(imageOnly), noImageNoShapes: stat(empty), bareWebGl: stat(bare) }
}

/** Waits until the renderer has no transformed (unsettled) annotation layer pending. */
async function waitForSettle(renderer: Renderer) {
  renderer.settle()
  renderer.renderNow()
  renderer.finish()
  await nextFrame()
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

/** Every pixel of the renderer's current frame (read before it is presented). */
function readFrame(renderer: Renderer): Uint8Array {
  const gl = renderer.canvas.getContext('webgl')!
  const out = new Uint8Array(gl.drawingBufferWidth * gl.drawingBufferHeight * 4)
  gl.readPixels(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight, gl.RGBA, gl.UNSIGNED_BYTE, out)
  return out
}

/**
 * Navigates the mixed scene (transformed cached frames), lets it settle by itself, and compares
 * the settled frame with a fresh renderer drawn straight at the final camera: bytes that differ.
 */
async function settledMatchesFresh() {
  const w = 2400
  const h = 1600
  const shapes = makeMixedScene(w, h)
  const start = fitToView({ width: w, height: h }, view)
  const path = cameraPath(start, view, 4)
  const a = new Renderer(stage, { pixelRatio: 1, clamp: false })
  a.setShapes(shapes)
  a.setCamera(start)
  a.renderNow()
  for (const c of path) {
    a.setCamera(c)
    a.renderNow()
    await nextFrame()
  }
  const cached = a.stats.cachedFrames
  await new Promise((r) => setTimeout(r, 300))
  a.renderNow()
  const settled = readFrame(a)
  const final = a.camera
  a.destroy()
  const b = new Renderer(stage, { pixelRatio: 1, clamp: false })
  b.setShapes(shapes)
  b.setCamera(final)
  b.renderNow()
  const fresh = readFrame(b)
  b.destroy()
  let differing = 0
  for (let i = 0; i < fresh.length; i++) if (fresh[i] !== settled[i]) differing++
  return { cachedFrames: cached, bytes: fresh.length, differingBytes: differing }
}

/**
 * A redraw spread over frames (a tiny redrawBudget, so it takes many) must end in the same
 * pixels as one drawn in one go: navigate out of the cached margin, keep rendering until the
 * stepped redraw is swapped in, and compare with a fresh renderer at that camera.
 */
async function steppedMatchesOneGo() {
  const w = 2400
  const h = 1600
  const shapes = makeMixedScene(w, h)
  const start = fitToView({ width: w, height: h }, view)
  const a = new Renderer(stage, { pixelRatio: 1, clamp: false, redrawBudget: 500, settleMs: 1e9 })
  a.setShapes(shapes)
  a.setCamera(start)
  a.renderNow()
  const far = zoomAt(pan(start, -700, -300), 1.3, 640, 400)
  a.setCamera(far)
  let frames = 0
  while (a.stats.steppedRedraws === 0 && frames < 1000) {
    a.renderNow()
    frames++
  }
  a.renderNow()
  const stepped = readFrame(a)
  a.destroy()
  const b = new Renderer(stage, { pixelRatio: 1, clamp: false })
  b.setShapes(shapes)
  b.setCamera(far)
  b.renderNow()
  const fresh = readFrame(b)
  b.destroy()
  let differing = 0
  for (let i = 0; i < fresh.length; i++) if (fresh[i] !== stepped[i]) differing++
  return { steppedFrames: frames, bytes: fresh.length, differingBytes: differing }
}

/**
 * The mixed scene zoomed and panned: `settle` false leaves the transformed cached layer on
 * screen (as during navigation), true redraws it at the final camera.
 */
async function showNavigation(settle: boolean) {
  const w = 2400
  const h = 1600
  const renderer = new Renderer(stage, { pixelRatio: 1, settleMs: 1e9 })
  await renderer.setImage(makeImage(w, h), w, h)
  renderer.setShapes(makeMixedScene(w, h))
  renderer.fit()
  renderer.zoomAt(3, 200, 150)
  renderer.renderNow()
  renderer.settle()
  renderer.renderNow()
  for (let i = 0; i < 20; i++) await nextFrame()
  // One gesture: zoom in 1.8× about a point and pan, all inside the cached margin.
  renderer.zoomAt(1.8, 500, 300)
  renderer.panBy(120, 60)
  if (settle) renderer.settle()
  for (let i = 0; i < 10; i++) await nextFrame()
  renderer.renderNow()
  return { ...renderer.stats }
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
  const floor = await runFloor(image, s, s)
  image.close()
  return { results, floor }
}

declare global {
  interface Window {
    loupeBench: {
      runAll: typeof runAll
      showMixedScene: typeof showMixedScene
      showNavigation: typeof showNavigation
      settledMatchesFresh: typeof settledMatchesFresh
      steppedMatchesOneGo: typeof steppedMatchesOneGo
      writeJob: typeof writeJob
      openJob: () => ReturnType<typeof openJob>
    }
  }
}
window.loupeBench = {
  runAll,
  showMixedScene,
  showNavigation,
  settledMatchesFresh,
  steppedMatchesOneGo,
  writeJob,
  openJob: () => openJob(stage),
}
;(window as unknown as Record<string, unknown>).__exp = {
  Renderer,
  makePolygons,
  makeImage,
  fitToView,
}
