import { describe, expect, it } from 'vitest'
import { readinessRoutes } from './health'

describe('GET /ready', () => {
  it('answers 200 with the checks that ran', async () => {
    const app = readinessRoutes([
      { name: 'database', check: async () => {} },
      { name: 'redis', check: async () => {} },
    ])
    const res = await app.request('/ready')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, checks: ['database', 'redis'] })
  })

  it('answers 503 naming what failed', async () => {
    const app = readinessRoutes([
      { name: 'database', check: async () => {} },
      {
        name: 'redis',
        check: async () => {
          throw new Error('connect ECONNREFUSED')
        },
      },
    ])
    const res = await app.request('/ready')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      error: {
        code: 'not_ready',
        message: 'not ready: redis (connect ECONNREFUSED)',
        failed: ['redis'],
      },
    })
  })

  it('is ready with nothing to check', async () => {
    expect((await readinessRoutes([]).request('/ready')).status).toBe(200)
  })
})
