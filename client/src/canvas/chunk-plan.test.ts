import { describe, expect, it } from 'vitest'
import { planChunks, type Chunk } from './chunk-plan'
import type { RenderShape } from './types'

const make = (i: number): RenderShape => ({
  id: `s${i}`,
  type: 'rectangle',
  points: [i, i, i + 1, i + 1],
  color: '#00ff00',
})

const ids = (chunks: Chunk[]) => chunks.flatMap((c) => c.shapes.map((s) => s.id))

describe('planChunks', () => {
  const shapes = Array.from({ length: 10 }, (_, i) => make(i))

  it('splits a fresh list into chunks in draw order', () => {
    const plan = planChunks([], shapes, 4)
    expect(plan.chunks.map((c) => c.shapes.length)).toEqual([4, 4, 2])
    expect(ids(plan.chunks)).toEqual(shapes.map((s) => s.id))
    expect(plan.dirty.size).toBe(3)
  })

  it('rebuilds only the chunk holding an edited shape', () => {
    const first = planChunks([], shapes, 4)
    const edited = shapes.map((s, i) => (i === 5 ? { ...s, points: [0, 0, 9, 9] } : s))
    const plan = planChunks(first.chunks, edited, 4)
    expect(plan.dirty.size).toBe(1)
    expect([...plan.dirty][0]!.shapes.map((s) => s.id)).toContain('s5')
    expect(plan.removed).toEqual([])
  })

  it('appends and deletes touching only the affected chunks', () => {
    const first = planChunks([], shapes, 4)
    const more = [...shapes, make(10)]
    const appended = planChunks(first.chunks, more, 4)
    expect(appended.dirty.size).toBe(1)
    expect(ids(appended.chunks)).toEqual(more.map((s) => s.id))
    const deleted = planChunks(appended.chunks, more.slice(1), 4)
    expect(deleted.dirty.size).toBe(1)
    expect(ids(deleted.chunks)[0]).toBe('s1')
  })

  it('keeps draw order when shapes are reordered', () => {
    const first = planChunks([], shapes, 4)
    const moved = [...shapes.slice(1), shapes[0]!]
    const plan = planChunks(first.chunks, moved, 4)
    expect(ids(plan.chunks)).toEqual(moved.map((s) => s.id))
    const all = planChunks(plan.chunks, [], 4)
    expect(all.chunks).toEqual([])
    expect(all.removed.length).toBe(plan.chunks.length)
  })
})
