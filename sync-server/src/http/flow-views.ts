import { z } from 'zod'
import {
  FlowError,
  ScheduleError,
  TERMINAL_STATES,
  encodeCursor,
  occurrencesBetween,
} from '@loupe/flows'
import type {
  Artifact,
  Deployment,
  FlowRun,
  FlowStore,
  LogEntry,
  RunFilter,
  Schedule,
} from '@loupe/flows'
import { requireProjectRole, roleAtLeast } from '../auth/tokens'
import type { Principal, Role } from '../auth/tokens'
import { isFileArtifactData } from '../flows/artifact-files'
import { ApiError, ApiErrorCode } from './errors'

/** Error codes of the flow routes (next to ApiErrorCode). */
export const FlowApiErrorCode = {
  invalidParameters: 'invalid_parameters',
  invalidSchedule: 'invalid_schedule',
  unknownFlow: 'unknown_flow',
  notCancellable: 'not_cancellable',
  artifactGone: 'artifact_gone',
  flowsUnavailable: 'flows_unavailable',
} as const

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** The project a run or deployment works on: its `projectId` parameter (null: admin only). */
export function projectOf(parameters: unknown): string | null {
  const id = (parameters as { projectId?: unknown } | null)?.projectId
  return typeof id === 'string' ? id : null
}

/**
 * Flows are manager-level per project (DESIGN.md §4); an export is a read, so a viewer may start
 * one through `POST /api/projects/:id/export` and follow and download it.
 */
export const roleToRead = (flow: string): Role => (flow === 'export' ? 'viewer' : 'manager')

export function canSee(principal: Principal, parameters: unknown, role: Role): boolean {
  if (principal.role === 'admin') return true
  const projectId = projectOf(parameters)
  return projectId === principal.projectId && roleAtLeast(principal.role, role)
}

/** 403 unless the principal may act on runs of these parameters with `role`. */
export function requireFlowRole(principal: Principal, parameters: unknown, role: Role): void {
  if (principal.role === 'admin') return
  const projectId = projectOf(parameters)
  if (projectId === null) {
    throw new ApiError(403, 'forbidden', 'runs that name no project are for the admin')
  }
  requireProjectRole(principal, projectId, role)
}

export interface RunView {
  id: string
  flow: string
  deploymentId: string | null
  parameters: unknown
  state: string
  scheduledAt: string
  startedAt: string | null
  endedAt: string | null
  createdAt: string
  stateMessage: string | null
  attempt: number
  progress: { fraction: number; message?: string } | null
  error: string | null
}

export function runView(run: FlowRun): RunView {
  return {
    id: run.id,
    flow: run.name,
    deploymentId: run.deploymentId,
    parameters: run.parameters,
    state: run.state,
    scheduledAt: iso(run.scheduledAt)!,
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    createdAt: iso(run.createdAt)!,
    stateMessage: run.stateMessage,
    attempt: run.attempt,
    progress: run.progress,
    error: run.error,
  }
}

export const isOver = (run: FlowRun) => TERMINAL_STATES.has(run.state)

export function logView(entry: LogEntry) {
  return {
    seq: entry.seq ?? null,
    runId: entry.runId,
    at: iso(entry.at),
    level: entry.level,
    message: entry.message,
  }
}

export function artifactView(artifact: Artifact, runId: string) {
  const base = {
    id: artifact.id,
    runId: artifact.runId,
    key: artifact.key,
    type: artifact.type,
    description: artifact.description,
    createdAt: iso(artifact.createdAt),
  }
  if (artifact.type === 'file' && isFileArtifactData(artifact.data)) {
    const { name, mimeType, size } = artifact.data
    const url = `/api/flow-runs/${runId}/artifact?id=${encodeURIComponent(artifact.id)}`
    return { ...base, file: { name, mimeType, size, url } }
  }
  return { ...base, data: artifact.data }
}

export type ScheduleInput =
  { cron: string; timezone?: string } | { intervalSeconds: number; anchor?: string | number }

export const scheduleInput = z.union([
  z.strictObject({ cron: z.string().min(1).max(200), timezone: z.string().min(1).optional() }),
  z.strictObject({
    intervalSeconds: z
      .number()
      .min(1)
      .max(10 * 365 * 86_400),
    anchor: z.union([z.iso.datetime({ offset: true }), z.number().int()]).optional(),
  }),
])

export function toSchedule(
  input: z.infer<typeof scheduleInput> | null,
  now: number,
): Schedule | null {
  if (input === null) return null
  if ('cron' in input) return { kind: 'cron', cron: input.cron, timezone: input.timezone ?? 'UTC' }
  const anchor =
    input.anchor === undefined
      ? now
      : typeof input.anchor === 'number'
        ? input.anchor
        : Date.parse(input.anchor)
  return { kind: 'interval', intervalSeconds: input.intervalSeconds, anchor }
}

function scheduleView(schedule: Schedule | null) {
  if (!schedule) return null
  if (schedule.kind === 'cron') return { cron: schedule.cron, timezone: schedule.timezone }
  return { intervalSeconds: schedule.intervalSeconds, anchor: iso(schedule.anchor) }
}

/** The schedule's next time past what the scheduler already created (it plans an hour ahead). */
function nextOccurrence(d: Deployment): number | null {
  if (!d.schedule || d.paused) return null
  const after = Math.max(Date.now(), d.scheduledThrough ?? 0)
  return occurrencesBetween(d.schedule, after, after + 400 * 86_400_000, 1)[0] ?? null
}

export async function deploymentView(store: FlowStore, d: Deployment) {
  const next = await store.listRuns({
    deploymentId: d.id,
    states: ['Scheduled', 'Late'],
    parentId: null,
    order: 'asc',
    limit: 1,
  })
  return {
    id: d.id,
    name: d.name,
    flow: d.flow,
    parameters: d.parameters,
    schedule: scheduleView(d.schedule),
    paused: d.paused,
    missedRunPolicy: d.missedRunPolicy,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    nextRunAt: iso(next.runs[0]?.scheduledAt ?? nextOccurrence(d)),
  }
}

/**
 * A page of top-level runs the principal may see. Visibility is by the run's project, so pages
 * are filled by reading on; the cursor is the last run returned ((scheduledAt, id) order), which
 * runs inserted meanwhile cannot move.
 */
export async function visibleRuns(
  store: FlowStore,
  principal: Principal,
  filter: RunFilter & { projectId?: string },
  limit: number,
): Promise<{ runs: FlowRun[]; nextCursor: string | null }> {
  const { projectId, ...rest } = filter
  const out: FlowRun[] = []
  let cursor = filter.cursor
  const batch = Math.min(1000, Math.max(limit * 2, 50))
  for (;;) {
    const page = await store.listRuns({
      ...rest,
      parentId: null,
      limit: batch,
      ...(cursor ? { cursor } : {}),
    })
    for (const [i, run] of page.runs.entries()) {
      const fits =
        (projectId === undefined || projectOf(run.parameters) === projectId) &&
        canSee(principal, run.parameters, roleToRead(run.name))
      if (!fits) continue
      out.push(run)
      if (out.length === limit) {
        const more = i < page.runs.length - 1 || page.nextCursor !== null
        return { runs: out, nextCursor: more ? encodeCursor(run) : null }
      }
    }
    if (!page.nextCursor) return { runs: out, nextCursor: null }
    cursor = page.nextCursor
  }
}

/** FlowError / ScheduleError as the REST error shape (400 naming the path). */
export function asFlowApiError(error: unknown): unknown {
  if (error instanceof FlowError) {
    if (error.code === 'invalid_parameters') {
      return new ApiError(400, FlowApiErrorCode.invalidParameters, error.message, { cause: error })
    }
    if (error.code === 'unknown_flow') {
      return new ApiError(400, FlowApiErrorCode.unknownFlow, error.message, { cause: error })
    }
    if (error.code === 'not_found') return new ApiError(404, ApiErrorCode.notFound, error.message)
  }
  if (error instanceof ScheduleError) {
    return new ApiError(400, FlowApiErrorCode.invalidSchedule, error.message, { cause: error })
  }
  return error
}
