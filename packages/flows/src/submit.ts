import type { FlowDefinition } from './define'
import type { FlowRun, FlowStore, TransitionResult } from './store'

export interface SubmitOptions {
  now: number
  /** Default: now. */
  scheduledAt?: number
  /** A second submission with the same key returns the first run. */
  idempotencyKey?: string
  deploymentId?: string
}

/** Validates parameters (FlowError 'invalid_parameters' naming the path) and creates a run. */
export async function submitFlowRun<P>(
  store: FlowStore,
  definition: FlowDefinition<P, unknown>,
  params: unknown,
  options: SubmitOptions,
): Promise<{ run: FlowRun; created: boolean }> {
  const parameters = definition.parse(params)
  return store.createRun(
    {
      kind: 'flow',
      name: definition.name,
      parameters,
      tags: definition.options.tags ?? [],
      state: 'Scheduled',
      scheduledAt: options.scheduledAt ?? options.now,
      idempotencyKey: options.idempotencyKey ?? null,
      deploymentId: options.deploymentId ?? null,
    },
    options.now,
  )
}

/**
 * Cancels a run: one not started yet becomes Cancelled at once; a running one becomes Cancelling
 * and its runner (which sees it on its next heartbeat, or at once when local) aborts the work and
 * records Cancelled. Cancelling twice is answered as a duplicate.
 */
export async function cancelRun(
  store: FlowStore,
  runId: string,
  now: number,
  by?: string,
): Promise<TransitionResult> {
  const run = await store.getRun(runId)
  if (!run) return { ok: false, reason: 'not_found', message: `no run ${runId}`, run: null }
  const running = run.state === 'Running' || run.state === 'Retrying'
  const first = await store.transition(runId, {
    to: running || run.state === 'Cancelling' ? 'Cancelling' : 'Cancelled',
    from: running
      ? ['Running', 'Retrying', 'Cancelling']
      : ['Scheduled', 'Late', 'AwaitingRetry', 'Pending', 'Cancelled'],
    at: now,
    message: 'cancel requested',
    ...(by !== undefined ? { by } : {}),
  })
  return first
}
