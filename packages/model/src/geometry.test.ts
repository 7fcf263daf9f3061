import { describe, expect, it } from 'vitest'
import { ModelError } from './errors'
import { validateGeometry, validatePoints, validateRle } from './geometry'
import type { ShapeType } from './schema'

function errorOf(fn: () => unknown): ModelError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModelError) return error
    throw error
  }
  throw new Error('expected a ModelError')
}

const skeleton = { nodes: ['a', 'b'], edges: [[0, 1]] as [number, number][] }

describe('validatePoints', () => {
  it('normalises rectangles so that x1 <= x2 and y1 <= y2', () => {
    expect(validatePoints('rectangle', [30, 40, 10, 20], 'p')).toEqual([10, 20, 30, 40])
  })

  it('names the path and the expectation for a short rectangle', () => {
    const error = errorOf(() => validatePoints('rectangle', [1, 2, 3], 'shapes.s1.points'))
    expect(error.code).toBe('invalid_geometry')
    expect(error.path).toBe('shapes.s1.points')
    expect(error.message).toBe('shapes.s1.points: expected 4 finite numbers for a rectangle')
  })

  it('rejects non-finite coordinates with the index in the path', () => {
    for (const bad of [NaN, Infinity, -Infinity, '3', null]) {
      const error = errorOf(() => validatePoints('polygon', [0, 0, 10, bad, 5, 5], 'p'))
      expect(error.path).toBe('p[3]')
    }
    expect(() => validatePoints('points', 'nope', 'p')).toThrow(ModelError)
  })

  it.each<[ShapeType, number[], boolean]>([
    ['ellipse', [5, 5, 2, 3], true],
    ['ellipse', [5, 5, 0, 3], false],
    ['ellipse', [5, 5, 2, -1], false],
    ['ellipse', [5, 5, 2], false],
    ['polygon', [0, 0, 1, 0, 1, 1], true],
    ['polygon', [0, 0, 1, 0], false],
    ['polygon', [0, 0, 1, 0, 1], false],
    ['polyline', [0, 0, 1, 1], true],
    ['polyline', [0, 0], false],
    ['points', [0, 0], true],
    ['points', [], false],
    ['points', [1, 2, 3], false],
    ['mask', [0, 0, 2, 2], true],
    ['mask', [0, 0, 2], false],
  ])('%s %j valid: %s', (type, points, valid) => {
    if (valid) expect(validatePoints(type, points, 'p')).toHaveLength(points.length)
    else expect(() => validatePoints(type, points, 'p')).toThrow(ModelError)
  })

  it('wants one x,y pair per skeleton node', () => {
    expect(validatePoints('skeleton', [1, 1, 2, 2], 'p', skeleton)).toEqual([1, 1, 2, 2])
    expect(errorOf(() => validatePoints('skeleton', [1, 1], 'p', skeleton)).message).toContain(
      'expected 2 x,y pairs',
    )
  })
})

describe('validateRle', () => {
  it('accepts counts that cover h*w exactly', () => {
    expect(validateRle({ size: [2, 3], counts: [1, 4, 1] }, 'm')).toEqual({
      size: [2, 3],
      counts: [1, 4, 1],
    })
  })

  it.each([
    [{ size: [2, 3], counts: [1, 4] }, 'm.counts'],
    [{ size: [2, 3], counts: [1, -1, 6] }, 'm.counts[1]'],
    [{ size: [2, 3], counts: [1.5, 4.5] }, 'm.counts[0]'],
    [{ size: [0, 3], counts: [] }, 'm.size'],
    [{ size: [2], counts: [2] }, 'm.size'],
    [{ counts: [6] }, 'm.size'],
    [null, 'm'],
  ])('rejects %j at %s', (rle, path) => {
    expect(errorOf(() => validateRle(rle, 'm')).path).toBe(path)
  })

  it('must match the integer bounding box it covers', () => {
    const rle = { size: [2, 3], counts: [6] }
    expect(validateRle(rle, 's.mask', [10, 20, 13, 22])).toBeTruthy()
    expect(errorOf(() => validateRle(rle, 's.mask', [10, 20, 12, 23])).path).toBe('s.mask.size')
    expect(errorOf(() => validateRle(rle, 's.mask', [10.5, 20, 13.5, 22])).path).toBe('s.points')
  })
})

describe('validateGeometry', () => {
  it('requires a mask RLE for masks and forbids it elsewhere', () => {
    const mask = { size: [1, 1], counts: [0, 1] }
    expect(validateGeometry({ type: 'mask', points: [0, 0, 1, 1], mask }, 's').mask).toEqual(mask)
    expect(errorOf(() => validateGeometry({ type: 'mask', points: [0, 0, 1, 1] }, 's')).path).toBe(
      's.mask',
    )
    expect(
      errorOf(() => validateGeometry({ type: 'rectangle', points: [0, 0, 1, 1], mask }, 's')).path,
    ).toBe('s.mask')
  })

  it('gives skeletons per-node visibility, all visible by default', () => {
    const g = validateGeometry({ type: 'skeleton', points: [0, 0, 1, 1] }, 's', skeleton)
    expect(g.visibility).toEqual(['visible', 'visible'])
    const h = validateGeometry(
      { type: 'skeleton', points: [0, 0, 1, 1], visibility: ['hidden', 'occluded'] },
      's',
      skeleton,
    )
    expect(h.visibility).toEqual(['hidden', 'occluded'])
    const bad = { type: 'skeleton' as const, points: [0, 0, 1, 1], visibility: ['visible'] }
    expect(errorOf(() => validateGeometry(bad, 's', skeleton)).path).toBe('s.visibility')
  })

  it('normalises rotation to [0, 360) and only lets rectangles and ellipses rotate', () => {
    expect(
      validateGeometry({ type: 'rectangle', points: [0, 0, 1, 1], rotation: -90 }, 's').rotation,
    ).toBe(270)
    expect(
      validateGeometry({ type: 'polygon', points: [0, 0, 1, 0, 1, 1], rotation: 360 }, 's')
        .rotation,
    ).toBe(0)
    const bad = { type: 'polygon' as const, points: [0, 0, 1, 0, 1, 1], rotation: 10 }
    expect(errorOf(() => validateGeometry(bad, 's')).path).toBe('s.rotation')
    const nan = { type: 'rectangle' as const, points: [0, 0, 1, 1], rotation: NaN }
    expect(errorOf(() => validateGeometry(nan, 's')).path).toBe('s.rotation')
  })
})
