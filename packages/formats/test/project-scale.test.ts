import { describe, expect, it } from 'vitest'
import { JobDocument, ProjectDocument } from '@loupe/model'
import type { Dataset, DatasetAnnotation } from '../src/dataset'
import { planImport, projectToDataset } from '../src/project'
import { applyPlan, makeProject, PROJECT_ID } from '../src/project/__fixtures__/projects'

// Correctness at scale (timings are printed, never asserted; figures in the README/report).
describe('project glue at 50,000 shapes', () => {
  it('a 50,000-shape project exports and imports again, skipping every shape', async () => {
    const images = Array.from({ length: 500 }, (_, i) => ({ name: `im${i}.jpg` }))
    const t = await makeProject({
      labels: [
        { name: 'a', attributes: [{ name: 'n', type: 'number', values: [] }] },
        { name: 'b' },
      ],
      images,
    })
    const a = t.project.listLabels()[0]!
    const b = t.project.listLabels()[1]!
    const data: Dataset = {
      labels: [
        { name: 'a', attributes: [{ name: 'n', type: 'number', values: [] }] },
        { name: 'b', attributes: [] },
      ],
      images: images.map(({ name }, i) => ({
        name,
        width: 100,
        height: 80,
        subset: 'default',
        tags: [],
        annotations: Array.from({ length: 100 }, (_, k): DatasetAnnotation =>
          k % 2
            ? { type: 'rectangle', label: 'a', points: [k, i, k + 5, i + 5], attributes: { n: k } }
            : { type: 'polygon', label: 'b', points: [k, i, k + 5, i, k, i + 5], attributes: {} },
        ),
      })),
    }
    let start = performance.now()
    const plan = await planImport(data, {
      projectId: PROJECT_ID,
      projectDoc: t.projectDoc,
      jobDocs: t.jobDocs,
    })
    const importMs = performance.now() - start
    expect(plan.summary.shapesAdded).toBe(50_000)
    applyPlan(t, plan)
    start = performance.now()
    const exported = await projectToDataset(
      ProjectDocument.open(t.projectDoc),
      [...t.jobDocs.values()].map((doc) =>
        JobDocument.open(doc, ProjectDocument.open(t.projectDoc)),
      ),
    )
    const exportMs = performance.now() - start
    const count = exported.images.reduce((n, i) => n + i.annotations.length, 0)
    expect(count).toBe(50_000)
    expect(exported.images[7]!.annotations[1]).toMatchObject({
      label: 'a',
      points: [1, 7, 6, 12],
      attributes: { n: 1 },
    })
    start = performance.now()
    const again = await planImport(exported, {
      projectId: PROJECT_ID,
      projectDoc: t.projectDoc,
      jobDocs: t.jobDocs,
    })
    const reimportMs = performance.now() - start
    expect(again.summary).toMatchObject({ shapesAdded: 0, shapesSkipped: 50_000 })
    expect(again.updates).toEqual([])
    expect([a.id, b.id]).toHaveLength(2)
    console.log(
      `50k shapes: plan import ${importMs.toFixed(0)} ms, export ${exportMs.toFixed(0)} ms, re-import (all skipped) ${reimportMs.toFixed(0)} ms`,
    )
  }, 300_000)
})
