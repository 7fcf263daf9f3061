import { Hono } from 'hono'
import type { ReadinessCheck } from '../cluster/backend'

/** How long one readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 3_000

async function run(check: ReadinessCheck): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
      }),
    ])
    return null
  } catch (error) {
    return (error as Error).message || String(error)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * `GET /api/ready`: readiness (can this instance serve?), as opposed to `GET /api/health`
 * (liveness: is the process up?). Checks the database and, in cluster mode, Redis; 503 names
 * what failed, so a load balancer stops routing here until it recovers.
 */
export function readinessRoutes(checks: readonly ReadinessCheck[]): Hono {
  const app = new Hono()
  app.get('/ready', async (c) => {
    const results = await Promise.all(
      checks.map(async (check) => ({ name: check.name, error: await run(check) })),
    )
    const failed = results.filter((result) => result.error !== null)
    if (failed.length > 0) {
      return c.json(
        {
          error: {
            code: 'not_ready',
            message: `not ready: ${failed.map((f) => `${f.name} (${f.error})`).join(', ')}`,
            failed: failed.map((f) => f.name),
          },
        },
        503,
      )
    }
    return c.json({ ok: true, checks: results.map((result) => result.name) })
  })
  return app
}
