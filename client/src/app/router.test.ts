import { describe, expect, it } from 'vitest'
import { parseRoute, routeHash } from './router'

describe('parseRoute', () => {
  it('reads every screen and round-trips', () => {
    for (const hash of ['#/', '#/project/p_1', '#/project/p1/job/J-2']) {
      expect(routeHash(parseRoute(hash))).toBe(hash)
    }
    expect(parseRoute('')).toEqual({ name: 'projects' })
    expect(parseRoute('#/project/p1/job/j1')).toEqual({ name: 'job', projectId: 'p1', jobId: 'j1' })
  })
  it('rejects unknown or unsafe paths', () => {
    expect(parseRoute('#/project/../x').name).toBe('not-found')
    expect(parseRoute('#/nope').name).toBe('not-found')
  })
})
