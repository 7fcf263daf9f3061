import type { FlowRegistry } from './define'
import type { Deployment, MissedRunPolicy, Schedule } from './deployment'
import { FlowError } from './errors'
import { newId } from './platform'
import { validateSchedule } from './schedule'
import { plannedRuns } from './scheduler'
import type { SchedulerOptions } from './scheduler'
import type { FlowRun, FlowStore } from './store'

export interface DeploymentInput {
  id?: string
  name?: string
  flow: string
  parameters?: unknown
  schedule: Schedule | null
  paused?: boolean
  missedRunPolicy?: MissedRunPolicy
  tags?: readonly string[]
}

export type DeploymentChanges = Partial<
  Pick<Deployment, 'name' | 'parameters' | 'schedule' | 'paused' | 'missedRunPolicy' | 'tags'>
>

/**
 * Creates a deployment and its first upcoming runs in one store step. The flow must be known and
 * the parameters valid for it; schedule times start after `now` (nothing is "missed" before).
 */
export async function createDeployment(
  store: FlowStore,
  flows: FlowRegistry,
  input: DeploymentInput,
  now: number,
  options: SchedulerOptions = {},
): Promise<Deployment> {
  const definition = flows.require(input.flow)
  const parameters = definition.parse(input.parameters ?? {})
  if (input.schedule) validateSchedule(input.schedule)
  const deployment: Deployment = {
    id: input.id ?? newId(),
    name: input.name ?? input.flow,
    flow: input.flow,
    parameters,
    schedule: input.schedule,
    paused: input.paused ?? false,
    missedRunPolicy: input.missedRunPolicy ?? 'runOnce',
    tags: input.tags ?? definition.options.tags ?? [],
    scheduledThrough: now,
    createdAt: now,
    updatedAt: now,
  }
  return replaceRuns(store, deployment, now, options)
}

/**
 * Edits a deployment. A change of schedule, parameters or pause replaces the deployment's future
 * Scheduled runs in the same store transaction (runs at the same times keep their idempotency
 * key, so a time in both schedules is never run twice). Resuming starts the schedule from `now`:
 * times that passed while paused are not missed runs.
 */
export async function updateDeployment(
  store: FlowStore,
  flows: FlowRegistry,
  id: string,
  changes: DeploymentChanges,
  now: number,
  options: SchedulerOptions = {},
): Promise<Deployment> {
  const current = await store.getDeployment(id)
  if (!current) throw new FlowError('not_found', `no deployment ${id}`)
  const definition = flows.require(current.flow)
  const parameters =
    changes.parameters !== undefined ? definition.parse(changes.parameters) : current.parameters
  if (changes.schedule) validateSchedule(changes.schedule)
  // Strictly increasing: a scheduler pass planned from the old version must not match the new one.
  const updatedAt = Math.max(now, current.updatedAt + 1)
  const next: Deployment = { ...current, ...changes, parameters, updatedAt }
  const replan =
    changes.schedule !== undefined ||
    changes.parameters !== undefined ||
    changes.tags !== undefined ||
    (changes.paused !== undefined && changes.paused !== current.paused)
  if (!replan) {
    await store.putDeployment(next)
    return next
  }
  return replaceRuns(store, { ...next, scheduledThrough: now }, now, options)
}

async function replaceRuns(
  store: FlowStore,
  deployment: Deployment,
  now: number,
  options: SchedulerOptions,
): Promise<Deployment> {
  const plan = plannedRuns(deployment, now, options)
  const saved = { ...deployment, scheduledThrough: plan.scheduledThrough }
  await store.scheduleRuns({
    deploymentId: deployment.id,
    deployment: saved,
    at: now,
    replaceAfter: now,
    runs: plan.runs,
    scheduledThrough: plan.scheduledThrough,
  })
  return saved
}

/** A run of the deployment now, outside its schedule ("run now"). */
export async function runDeploymentNow(
  store: FlowStore,
  deployment: Deployment,
  now: number,
): Promise<FlowRun> {
  const { run } = await store.createRun(
    {
      kind: 'flow',
      name: deployment.flow,
      deploymentId: deployment.id,
      parameters: deployment.parameters,
      tags: deployment.tags,
      state: 'Scheduled',
      scheduledAt: now,
    },
    now,
  )
  return run
}
