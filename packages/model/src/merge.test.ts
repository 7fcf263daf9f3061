import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { replica, sampleProject, sync } from './__fixtures__/helpers'
import { JobDocument } from './job'
import { Origin } from './origins'
import type { ProjectDocument } from './project'

/** One job shared by `n` peers that have all synced once; peer i writes as user `u<i>`. */
function peers(n: number, project: ProjectDocument = sampleProject()) {
  const jobId = project.getImage('img1')!.jobId
  const first = JobDocument.create(new Y.Doc(), { projectId: 'p', jobId }, project, {
    userId: 'u0',
  })
  const shape = first.addShape({
    id: 's1',
    imageId: 'img1',
    labelId: 'car',
    type: 'polygon',
    points: [0, 0, 10, 0, 10, 10],
  })
  const jobs = [first]
  for (let i = 1; i < n; i++)
    jobs.push(JobDocument.open(replica(first.doc), project, { userId: `u${i}` }))
  return { jobs, docs: jobs.map((j) => j.doc), shape }
}

function deliver(from: Y.Doc, to: Y.Doc) {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), Origin.remote)
}

function snapshot(job: JobDocument) {
  return JSON.stringify(job.doc.getMap('shapes').toJSON())
}

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('per-field merge of one shape', () => {
  it('keeps both a concurrent move and a relabel', () => {
    const { jobs, docs } = peers(2)
    const [a, b] = jobs as [JobDocument, JobDocument]
    a.updateShape('s1', { points: [5, 5, 15, 5, 15, 15, 5, 15] })
    b.updateShape('s1', { labelId: 'truck' })
    sync(...docs)
    for (const job of jobs) {
      expect(job.getShape('s1')).toMatchObject({
        points: [5, 5, 15, 5, 15, 15, 5, 15],
        labelId: 'truck',
        attributes: { axles: 0 },
      })
    }
    expect(snapshot(a)).toBe(snapshot(b))
  })

  it('merges edits of different attributes, and picks one value for the same attribute', () => {
    const { jobs, docs } = peers(3)
    const [a, b, c] = jobs as [JobDocument, JobDocument, JobDocument]
    a.setAttribute('s1', 'color', 'blue')
    b.setAttribute('s1', 'parked', true)
    b.setAttribute('s1', 'plate', 'B')
    c.setAttribute('s1', 'plate', 'C')
    sync(...docs)
    const attributes = a.getShape('s1')!.attributes
    expect(attributes).toMatchObject({ color: 'blue', parked: true })
    expect(['B', 'C']).toContain(attributes.plate)
    for (const job of jobs) expect(job.getShape('s1')!.attributes).toEqual(attributes)
  })

  it('ends concurrent moves with one whole geometry, never mixed vertices (seeded schedules)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = random(seed)
      const { jobs, docs } = peers(3)
      const written: number[][] = []
      for (const job of jobs) {
        // Each peer moves the polygon a few times to a geometry of its own (different vertex counts).
        const moves = 1 + Math.floor(rand() * 3)
        for (let m = 0; m < moves; m++) {
          const n = 3 + Math.floor(rand() * 4)
          const points = Array.from({ length: n * 2 }, () => Math.round(rand() * 1000))
          written.push(job.updateShape('s1', { points }).points)
        }
      }
      // Deliver pairwise in a random order, then make sure everyone has everything.
      for (let k = 0; k < 4; k++) {
        const from = docs[Math.floor(rand() * docs.length)]!
        const to = docs[Math.floor(rand() * docs.length)]!
        if (from !== to) deliver(from, to)
      }
      sync(...docs)
      const final = jobs[0]!.getShape('s1')!.points
      expect(written, `seed ${seed}`).toContainEqual(final)
      for (const job of jobs) expect(snapshot(job), `seed ${seed}`).toBe(snapshot(jobs[0]!))
    }
  })

  it('resolves delete vs. edit the same way on every peer, in both delivery orders', () => {
    const results: string[] = []
    for (const order of ['delete-first', 'edit-first'] as const) {
      const { jobs, docs } = peers(3)
      const [a, b, c] = jobs as [JobDocument, JobDocument, JobDocument]
      a.deleteShape('s1')
      b.updateShape('s1', { points: [1, 1, 2, 2, 3, 1], occluded: true })
      b.setAttribute('s1', 'color', 'blue')
      if (order === 'delete-first') {
        deliver(a.doc, c.doc)
        deliver(b.doc, c.doc)
      } else {
        deliver(b.doc, c.doc)
        deliver(a.doc, c.doc)
      }
      deliver(c.doc, a.doc)
      deliver(c.doc, b.doc)
      sync(...docs)
      for (const job of jobs) {
        expect(job.getShape('s1')).toBeUndefined()
        expect(snapshot(job)).toBe(snapshot(a))
      }
      results.push(snapshot(a))
    }
    expect(results[0]).toBe(results[1])
  })

  it('keeps an edit made after the delete was seen from resurrecting the shape', () => {
    const { jobs, docs } = peers(2)
    const [a, b] = jobs as [JobDocument, JobDocument]
    a.deleteShape('s1')
    sync(...docs)
    expect(() => b.updateShape('s1', { occluded: true })).toThrow(/no such shape/)
    expect(b.getShape('s1')).toBeUndefined()
  })

  it('adds shapes concurrently on many peers without losing any', () => {
    const { jobs, docs } = peers(4)
    const ids = jobs.map(
      (job, i) =>
        job.addShape({
          imageId: 'img1',
          labelId: 'box',
          type: 'rectangle',
          points: [i, i, i + 1, i + 1],
        }).id,
    )
    sync(...docs)
    for (const job of jobs)
      expect(
        job
          .listShapes()
          .map((s) => s.id)
          .sort(),
      ).toEqual(['s1', ...ids].sort())
  })
})
