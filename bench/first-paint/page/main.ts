/// <reference lib="dom" />
// The first-paint bench page. run.ts calls window.firstPaint.* through Playwright, reloading the
// page between a write and each open so that nothing is in memory.

import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { JobDocument, ProjectDocument, type LabelLookup } from '@loupe/model'
import {
  Renderer,
  fitToView,
  prepareMeshWorker,
  type RenderShape,
} from '../../../client/src/canvas/index'
import { sharedMeshWorker } from '../../../client/src/canvas/mesh-worker'
import { LocalDocumentStore, openLocalDatabase } from '../../../client/src/sync/local-store'
import {
  encodeSnapshot,
  readPreviewShapes,
  readShapeSnapshot,
  snapshotKey,
  type PreviewShape,
} from '../../../client/src/sync/shape-snapshot'
import { PALETTE, makePolygons } from '../../canvas/page/scene'

const DB = 'loupe:bench-first-paint'
const SIZE = 10000
const stage = document.getElementById('stage')!
const now = () => performance.now()

function benchProject(): { project: ProjectDocument; jobId: string } {
  const project = ProjectDocument.create(new Y.Doc(), {
    name: 'bench',
    labels: PALETTE.map((color, i) => ({ id: `l${i}`, name: `l${i}`, color, type: 'polygon' })),
  })
  project.addImages([
    { id: 'img1', name: 'a.png', sha256: 'a'.repeat(64), width: SIZE, height: SIZE },
  ])
  return { project, jobId: project.listJobs()[0]!.id }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('request failed'))
  })
}

/**
 * Writes a job of `count` polygons into the database, as `entries` stored updates (1: one
 * snapshot; more: a log, as y-indexeddb keeps up to 500 before it trims), and the plain preview.
 */
async function write(count: number, vertices: number, entries: number) {
  await request(indexedDB.deleteDatabase(DB)).catch(() => undefined)
  const { project, jobId } = benchProject()
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const job = JobDocument.create(doc, { projectId: 'bench', jobId }, project)
  const polygons = makePolygons(count, vertices, SIZE, SIZE)
  const per = Math.ceil(count / Math.max(1, entries - 1))
  for (let start = 0; start < count; start += entries === 1 ? count : per) {
    const end = entries === 1 ? count : Math.min(count, start + per)
    doc.transact(() => {
      for (let i = start; i < end; i++) {
        job.addShape({
          imageId: 'img1',
          labelId: `l${i % PALETTE.length}`,
          type: 'polygon',
          points: polygons[i]!.points.map((v) => Math.round(v * 10) / 10),
          zOrder: i,
        })
      }
    })
  }
  const stored = entries === 1 ? [Y.encodeStateAsUpdate(doc)] : updates
  const db = await openLocalDatabase(DB)
  const tx = db.transaction(['updates', 'custom'], 'readwrite')
  for (const u of stored) tx.objectStore('updates').add(u)
  tx.objectStore('custom').put(
    encodeSnapshot('img1', readPreviewShapes(doc, new Set(['img1']))),
    snapshotKey('img1'),
  )
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
  db.close()
  return { entries: stored.length, docBytes: stored.reduce((n, u) => n + u.length, 0) }
}

const colors = new Map(PALETTE.map((c, i) => [`l${i}`, c]))
const toRender = (s: { id: string; type: string; points: number[]; labelId: string }) =>
  ({
    id: s.id,
    type: s.type as RenderShape['type'],
    points: s.points,
    color: colors.get(s.labelId) ?? '#ffffff',
  }) satisfies RenderShape

function paint(shapes: RenderShape[]): Renderer {
  const renderer = new Renderer(stage, { pixelRatio: 1, clamp: false })
  renderer.setCamera(
    fitToView(
      { width: SIZE, height: SIZE },
      { width: stage.clientWidth, height: stage.clientHeight },
    ),
  )
  renderer.setShapes(shapes)
  renderer.renderNow()
  renderer.finish()
  return renderer
}

function readShapes(doc: Y.Doc, lookup: LabelLookup) {
  return JobDocument.open(doc, lookup).listShapes('img1').map(toRender)
}

/** Before: y-indexeddb load, the model's listShapes, the renderer (as bench/canvas does). */
async function openYIndexeddb() {
  const t0 = now()
  const { project } = benchProject()
  const doc = new Y.Doc()
  const p = new IndexeddbPersistence(DB, doc)
  await p.whenSynced
  const loaded = now()
  const shapes = readShapes(doc, project)
  const read = now()
  const renderer = paint(shapes)
  const firstPaintMs = now() - t0
  renderer.destroy()
  await p.destroy()
  return {
    shapes: shapes.length,
    loadMs: loaded - t0,
    readShapesMs: read - loaded,
    paintMs: now() - t0 - (read - t0),
    firstPaintMs,
  }
}

/** Where y-indexeddb's load goes: reading the bytes, applying them, the model, the renderer. */
async function breakdown() {
  const { project } = benchProject()
  const t0 = now()
  const db = await openLocalDatabase(DB)
  const opened = now()
  const values = await request(
    db.transaction('updates', 'readonly').objectStore('updates').getAll() as IDBRequest<
      Uint8Array[]
    >,
  )
  const read = now()
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const u of values) Y.applyUpdate(doc, u)
  })
  const applied = now()
  const shapes = readShapes(doc, project)
  const listed = now()
  paint(shapes).destroy()
  const painted = now()
  db.close()
  return {
    entries: values.length,
    openDbMs: opened - t0,
    readBytesMs: read - opened,
    applyUpdatesMs: applied - read,
    readShapesMs: listed - applied,
    paintMs: painted - listed,
  }
}

/** After (document path): LocalDocumentStore load (compacted log), model, renderer. */
async function openStore(waitForCompaction: boolean) {
  const t0 = now()
  const { project } = benchProject()
  const doc = new Y.Doc()
  const store = new LocalDocumentStore(DB, doc)
  await store.whenSynced
  const loaded = now()
  const shapes = readShapes(doc, project)
  const renderer = paint(shapes)
  const firstPaintMs = now() - t0
  renderer.destroy()
  if (waitForCompaction) await store.compact()
  await store.destroy()
  return {
    shapes: shapes.length,
    entries: store.loadStats.entries,
    loadMs: loaded - t0,
    readBytesMs: store.loadStats.readMs,
    applyMs: store.loadStats.applyMs,
    firstPaintMs,
  }
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))

/** After (preview path): the stored plain shapes painted first, the document applied after. */
async function openPreview(readFirst: boolean) {
  const t0 = now()
  const { project } = benchProject()
  const doc = new Y.Doc()
  let painted = () => {}
  const gate = new Promise<void>((resolve) => (painted = resolve))
  let preview: PreviewShape[] | null = null
  if (readFirst) preview = await readShapeSnapshot(DB, 'img1')
  const store = new LocalDocumentStore(DB, doc, { beforeApply: () => gate })
  if (!readFirst) preview = await readShapeSnapshot(store, 'img1')
  const readMs = now() - t0
  const renderer = paint((preview ?? []).map(toRender))
  const firstPaintMs = now() - t0
  await nextFrame()
  painted()
  await store.whenSynced
  const docLoadedMs = now() - t0
  const shapes = readShapes(doc, project)
  renderer.setShapes(shapes)
  renderer.renderNow()
  renderer.finish()
  const docPaintMs = now() - t0
  // the preview is what the document holds (written from it, nothing changed since)
  const same =
    preview !== null &&
    preview.length === shapes.length &&
    preview.every((p, i) => p.id === shapes[i]!.id && p.points.join() === shapes[i]!.points.join())
  renderer.destroy()
  await store.destroy()
  return {
    shapes: preview?.length ?? 0,
    readPreviewMs: readMs,
    firstPaintMs,
    docLoadedMs,
    docPaintMs,
    same,
  }
}

/**
 * The renderer's first paint of the stored preview at the fitted zoom (the whole 10,000 px image
 * on screen: most shapes a few px, drawn as one quad each) or at 1:1 (what a frame drawn before
 * the camera is fitted shows: the top-left corner, shapes at full detail).
 */
async function paintAtZoom(fitted: boolean) {
  const shapes = ((await readShapeSnapshot(DB, 'img1')) ?? []).map(toRender)
  const t0 = now()
  const renderer = new Renderer(stage, { pixelRatio: 1, clamp: false })
  const created = now()
  const view = { width: stage.clientWidth, height: stage.clientHeight }
  renderer.setCamera(
    fitted ? fitToView({ width: SIZE, height: SIZE }, view) : { scale: 1, tx: 0, ty: 0 },
  )
  renderer.setShapes(shapes)
  const built = now()
  renderer.renderNow()
  renderer.finish()
  const painted = now()
  const { chunksDrawn, chunksSkipped, smallShapes, indices } = renderer.stats.lastRedraw
  renderer.destroy()
  return {
    contextMs: created - t0,
    setShapesMs: built - created,
    drawMs: painted - built,
    paintMs: painted - t0,
    chunksDrawn,
    chunksSkipped,
    smallShapes,
    indices,
  }
}

/** As the editor does: the mesh worker starts with the page, long before the first paint. */
prepareMeshWorker()

/**
 * A first paint of `count` polygons on a `size` px image (chunked as the app chunks it), its
 * meshes built on the main thread alone or shared with the mesh worker; both meshes' frames
 * are read back (a hash of the pixels) to show they draw the same.
 */
async function paintMeshes(count: number, vertices: number, size: number, worker: boolean) {
  const shapes = makePolygons(count, vertices, size, size)
  // The app's opening leaves the worker time to start (and warm up): wait until it has.
  for (let waited = 0; worker && !sharedMeshWorker()?.ready && waited < 3000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10))
  const renderer = new Renderer(stage, { pixelRatio: 1, clamp: false, meshWorker: worker })
  renderer.setCamera(
    fitToView(
      { width: size, height: size },
      { width: stage.clientWidth, height: stage.clientHeight },
    ),
  )
  renderer.renderNow()
  renderer.finish()
  const t0 = now()
  renderer.setShapes(shapes)
  const built = now()
  renderer.renderNow()
  renderer.finish()
  const painted = now()
  const pixels = new Uint8Array(stage.clientWidth * stage.clientHeight * 4)
  const gl = renderer.canvas.getContext('webgl')!
  gl.readPixels(0, 0, stage.clientWidth, stage.clientHeight, gl.RGBA, gl.UNSIGNED_BYTE, pixels)
  let h = 0x811c9dc5
  for (let i = 0; i < pixels.length; i++) h = Math.imul(h ^ pixels[i]!, 0x01000193)
  renderer.destroy()
  return {
    isolated: crossOriginIsolated,
    workerReady: sharedMeshWorker()?.ready === true,
    setShapesMs: built - t0,
    drawMs: painted - built,
    paintMs: painted - t0,
    pixelHash: h >>> 0,
  }
}

declare global {
  interface Window {
    firstPaint: {
      write: typeof write
      openYIndexeddb: typeof openYIndexeddb
      breakdown: typeof breakdown
      openStore: typeof openStore
      openPreview: typeof openPreview
      paintAtZoom: typeof paintAtZoom
      paintMeshes: typeof paintMeshes
    }
  }
}
window.firstPaint = {
  write,
  openYIndexeddb,
  breakdown,
  openStore,
  openPreview,
  paintAtZoom,
  paintMeshes,
}
