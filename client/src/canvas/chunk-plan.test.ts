import { describe, expect, it } from 'vitest'
import { cellOf, planChunks, type Chunk } from './chunk-plan'
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

describe('planChunks by position', () => {
  const at = (id: string, x: number, y: number): RenderShape => ({
    id,
    type: 'rectangle',
    points: [x, y, x + 10, y + 10],
    color: '#00ff00',
  })

  it('buckets shapes by the cell of their centre, keeping draw order within a cell', () => {
    const shapes = [at('a', 10, 10), at('b', 2000, 10), at('c', 20, 30), at('d', 10, 1500)]
    const plan = planChunks([], shapes, 1024, 1024)
    expect(plan.chunks.map((c) => c.shapes.map((s) => s.id))).toEqual([['a', 'c'], ['b'], ['d']])
    expect(cellOf(shapes[0]!, 1024)).toBe(plan.chunks[0]!.cell)
  })

  it('moving a shape to another cell rebuilds the two chunks involved', () => {
    const shapes = [at('a', 10, 10), at('b', 2000, 10), at('c', 20, 30), at('d', 10, 1500)]
    const first = planChunks([], shapes, 1024, 1024)
    const moved = shapes.map((s) => (s.id === 'c' ? at('c', 2010, 20) : s))
    const plan = planChunks(first.chunks, moved, 1024, 1024)
    expect([...plan.dirty].map((c) => c.shapes.map((s) => s.id))).toEqual([['a'], ['b', 'c']])
    expect(plan.removed).toEqual([])
    const gone = planChunks(
      plan.chunks,
      moved.filter((s) => s.id !== 'd'),
      1024,
      1024,
    )
    expect(gone.removed.map((c) => c.shapes[0]!.id)).toEqual(['d'])
    expect(gone.dirty.size).toBe(0)
  })
})
