import type { Deployment } from './deployment'
import { latestOccurrences, occurrencesBetween, scheduledRunKey } from './schedule'
import type { FlowRun, FlowStore, NewRun } from './store'

export interface SchedulerOptions {
  /** Future runs kept per deployment (default 10)… */
  aheadRuns?: number
  /** …no further ahead than this (default one hour). */
  aheadMs?: number
  /** A Scheduled run this long past its time becomes Late, and counts as missed (default 5 s). */
  lateAfterMs?: number
  /** `backfill` creates at most this many missed runs per deployment and tick (default 1000). */
  maxBackfill?: number
}

export interface ScheduleTickResult {
  created: number
  late: number
  /** Late runs cancelled by a skip/runOnce policy. */
  cancelled: number
}

const defaults = (o: SchedulerOptions) => ({
  aheadRuns: o.aheadRuns ?? 10,
  aheadMs: o.aheadMs ?? 3_600_000,
  lateAfterMs: o.lateAfterMs ?? 5_000,
  maxBackfill: o.maxBackfill ?? 1000,
})

function runAt(deployment: Deployment, scheduledAt: number): NewRun {
  return {
    kind: 'flow',
    name: deployment.flow,
    deploymentId: deployment.id,
    idempotencyKey: scheduledRunKey(deployment.id, scheduledAt),
    parameters: deployment.parameters,
    tags: deployment.tags,
    state: 'Scheduled',
    scheduledAt,
  }
}

/**
 * The runs a deployment needs at `now`, and how far its schedule has then been considered. Pure.
 * Occurrences already considered (up to `scheduledThrough`) are never produced again; a missed
 * stretch (occurrences older than `now - lateAfterMs` that were never created, i.e. downtime) is
 * handled by the policy: backfill creates them all (up to maxBackfill, the latest ones), runOnce
 * only the latest, skip none. Creation is idempotent by (deployment id, time) anyway.
 */
export function plannedRuns(
  deployment: Deployment,
  now: number,
  options: SchedulerOptions = {},
): { runs: NewRun[]; scheduledThrough: number } {
  const o = defaults(options)
  const schedule = deployment.schedule
  const from = deployment.scheduledThrough ?? now
  if (!schedule || deployment.paused) return { runs: [], scheduledThrough: from }
  const cutoff = now - o.lateAfterMs
  const times: number[] = []
  let through = from
  if (from < cutoff) {
    const policy = deployment.missedRunPolicy
    const keep = policy === 'backfill' ? o.maxBackfill : policy === 'runOnce' ? 1 : 0
    times.push(...latestOccurrences(schedule, from, cutoff, keep))
    through = cutoff
  }
  if (through < now) {
    times.push(...occurrencesBetween(schedule, through, now, 100_000))
    through = now
  }
  const alreadyAhead = occurrencesBetween(schedule, now, through, o.aheadRuns).length
  const room = o.aheadRuns - alreadyAhead
  if (room > 0) {
    const horizon = now + o.aheadMs
    const future = occurrencesBetween(schedule, through, horizon, room)
    times.push(...future)
    const last = future[future.length - 1]
    through = future.length === room && last !== undefined ? last : Math.max(through, horizon)
  }
  return { runs: times.map((t) => runAt(deployment, t)), scheduledThrough: through }
}

/**
 * One scheduler pass: tops up every active deployment's runs, marks overdue Scheduled runs Late,
 * then applies each deployment's missed-run policy to its Late runs (runOnce keeps the latest,
 * skip keeps none, backfill keeps all). Safe to repeat and to run after a restart.
 */
export async function scheduleDeployments(
  store: FlowStore,
  now: number,
  options: SchedulerOptions = {},
): Promise<ScheduleTickResult> {
  const o = defaults(options)
  const deployments = await store.listDeployments()
  let created = 0
  // Requests go out together (a store may commit them as one group), a chunk at a time.
  for (let i = 0; i < deployments.length; i += 250) {
    const results = await Promise.all(
      deployments.slice(i, i + 250).map((deployment) => {
        const plan = plannedRuns(deployment, now, o)
        if (plan.runs.length === 0 && plan.scheduledThrough === deployment.scheduledThrough) {
          return { created: 0 }
        }
        return store.scheduleRuns({
          deploymentId: deployment.id,
          at: now,
          runs: plan.runs,
          scheduledThrough: plan.scheduledThrough,
          ifUpdatedAt: deployment.updatedAt,
        })
      }),
    )
    for (const result of results) created += result.created
  }
  const late = await store.markLate(now - o.lateAfterMs, now)
  const cancelled = await applyMissedRunPolicies(store, deployments, now)
  return { created, late, cancelled }
}

async function applyMissedRunPolicies(
  store: FlowStore,
  deployments: readonly Deployment[],
  now: number,
): Promise<number> {
  const policies = new Map(deployments.map((d) => [d.id, d.missedRunPolicy]))
  const byDeployment = new Map<string, FlowRun[]>()
  let cursor: string | null = null
  do {
    const page = await store.listRuns({
      states: ['Late'],
      parentId: null,
      order: 'asc',
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    })
    for (const run of page.runs) {
      if (!run.deploymentId) continue
      const list = byDeployment.get(run.deploymentId) ?? []
      list.push(run)
      byDeployment.set(run.deploymentId, list)
    }
    cursor = page.nextCursor
  } while (cursor)
  let cancelled = 0
  for (const [deploymentId, runs] of byDeployment) {
    const policy = policies.get(deploymentId) ?? 'runOnce'
    if (policy === 'backfill') continue
    const drop = policy === 'skip' ? runs : runs.slice(0, -1)
    const results = await Promise.all(
      drop.map((run) =>
        store.transition(run.id, {
          to: 'Cancelled',
          from: ['Late'],
          at: now,
          message: `missed (${policy} policy)`,
        }),
      ),
    )
    for (const result of results) if (result.ok && result.changed) cancelled += 1
  }
  return cancelled
}
