import { TERMINAL_STATES, checkTransition } from './states'
import type { StateType } from './states'
import type { FlowRun, NewRun, StoreTransitionRequest, TransitionResult } from './store'
import { newId } from './platform'

/**
 * Shared by every store so they behave alike: the run after an approved transition, or the
 * refusal. Stores call this inside their transaction, then write what it returns.
 */
export function decideTransition(
  run: FlowRun | null,
  runId: string,
  request: StoreTransitionRequest,
): TransitionResult {
  if (!run) return { ok: false, reason: 'not_found', message: `no run ${runId}`, run: null }
  const check = checkTransition(run, request)
  if (check.kind === 'refuse') {
    return { ok: false, reason: check.reason, message: check.message, run }
  }
  if (check.kind === 'duplicate') return { ok: true, changed: false, run }
  return { ok: true, changed: true, run: applyTransition(run, request) }
}

export function applyTransition(run: FlowRun, request: StoreTransitionRequest): FlowRun {
  const { to, at } = request
  const next: FlowRun = { ...run, state: to, stateMessage: request.message ?? null }
  if (to === 'Pending') {
    next.claimedBy = request.by ?? null
    next.heartbeatAt = at
  } else if (to === 'Running' || to === 'Retrying') {
    next.startedAt = run.startedAt ?? at
    next.heartbeatAt = at
  } else if (to === 'AwaitingRetry') {
    next.scheduledAt = request.scheduledAt ?? at
    next.claimedBy = null
    next.endedAt = null
  }
  if (TERMINAL_STATES.has(to)) next.endedAt = at
  const patch = request.patch
  if (patch) {
    if (patch.attempt !== undefined) next.attempt = patch.attempt
    if (patch.startedAt !== undefined) next.startedAt = patch.startedAt
    if (patch.result !== undefined) next.result = patch.result
    if (patch.error !== undefined) next.error = patch.error
  }
  return next
}

const STARTED: ReadonlySet<StateType> = new Set(['Running', 'Retrying'])

/** The record of a new run as every store creates it. */
export function materializeRun(input: NewRun, at: number): FlowRun {
  const id = input.id ?? newId()
  const started = STARTED.has(input.state)
  return {
    id,
    kind: input.kind,
    name: input.name,
    parentId: input.parentId ?? null,
    rootId: input.rootId ?? id,
    deploymentId: input.deploymentId ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    parameters: input.parameters ?? null,
    tags: input.tags ?? [],
    state: input.state,
    stateMessage: input.stateMessage ?? null,
    scheduledAt: input.scheduledAt,
    createdAt: at,
    startedAt: started ? at : null,
    endedAt: TERMINAL_STATES.has(input.state) ? at : null,
    attempt: input.attempt ?? (started ? 1 : 0),
    claimedBy: input.claimedBy ?? null,
    heartbeatAt: input.claimedBy || started ? at : null,
    result: input.result ?? null,
    error: null,
    progress: null,
  }
}
