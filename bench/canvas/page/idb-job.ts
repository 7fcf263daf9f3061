/// <reference lib="dom" />
// "Open a job of N shapes from IndexedDB to first paint": write a job document through
// y-indexeddb, then (after a page reload, so nothing is in memory) load it back, read its
// shapes through @loupe/model, hand them to the renderer and time until the first frame with
// them is finished. Shapes only, no image (image decode is measured by the tile layer).

import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { JobDocument, ProjectDocument, type LabelLookup } from '@loupe/model'
import { Renderer, fitToView, type RenderShape } from '../../../client/src/canvas/index'
import { PALETTE, makePolygons } from './scene'

const DB = 'loupe-bench-job'
const SIZE = 10000

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

async function persisted(doc: Y.Doc): Promise<IndexeddbPersistence> {
  const p = new IndexeddbPersistence(DB, doc)
  await p.whenSynced
  return p
}

/** Writes a job of `count` polygons into IndexedDB (replacing an earlier one). */
export async function writeJob(count: number, vertices: number) {
  const t0 = performance.now()
  const { project, jobId } = benchProject()
  await (await persisted(new Y.Doc())).clearData()
  const doc = new Y.Doc()
  const p = await persisted(doc)
  const job = JobDocument.create(doc, { projectId: 'bench', jobId }, project)
  const polygons = makePolygons(count, vertices, SIZE, SIZE)
  doc.transact(() => {
    polygons.forEach((s, i) =>
      job.addShape({
        imageId: 'img1',
        labelId: `l${i % PALETTE.length}`,
        type: 'polygon',
        points: s.points.map((v) => Math.round(v * 10) / 10),
        zOrder: i,
      }),
    )
  })
  await new Promise((r) => setTimeout(r, 500))
  await p.destroy()
  return { bytes: Y.encodeStateAsUpdate(doc).length, writeMs: performance.now() - t0 }
}

/** Loads the job from IndexedDB and times each step up to the renderer's first frame. */
export async function openJob(stage: HTMLElement) {
  const t0 = performance.now()
  const { project } = benchProject()
  const lookup: LabelLookup = project
  const doc = new Y.Doc()
  const p = await persisted(doc)
  const loadedMs = performance.now() - t0
  const job = JobDocument.open(doc, lookup)
  const colors = new Map(project.listLabels().map((l) => [l.id, l.color]))
  const shapes: RenderShape[] = job.listShapes('img1').map((s) => ({
    id: s.id,
    type: s.type,
    points: s.points,
    color: colors.get(s.labelId) ?? '#ffffff',
  }))
  const shapesMs = performance.now() - t0
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
  const firstPaintMs = performance.now() - t0
  renderer.destroy()
  await p.destroy()
  return {
    shapes: shapes.length,
    idbLoadMs: loadedMs,
    readShapesMs: shapesMs - loadedMs,
    firstPaintMs,
  }
}
