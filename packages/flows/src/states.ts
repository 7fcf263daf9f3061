/**
 * Run states and the one rule table of legal transitions. Every store applies a transition through
 * `checkTransition` inside its own transaction, so the rules cannot drift between stores.
 */
export const StateType = {
  Scheduled: 'Scheduled',
  Late: 'Late',
  AwaitingRetry: 'AwaitingRetry',
  Pending: 'Pending',
  Running: 'Running',
  Retrying: 'Retrying',
  Cancelling: 'Cancelling',
  Completed: 'Completed',
  Cached: 'Cached',
  Failed: 'Failed',
  Cancelled: 'Cancelled',
  Crashed: 'Crashed',
} as const
export type StateType = (typeof StateType)[keyof typeof StateType]

export const ALL_STATES: readonly StateType[] = Object.values(StateType)

/** Final: a run in one of these never moves again. */
export const FINAL_STATES: ReadonlySet<StateType> = new Set<StateType>([
  'Completed',
  'Cached',
  'Failed',
  'Cancelled',
])

/**
 * Over unless retried: final states plus `Crashed`, whose only exit is `AwaitingRetry` (a run
 * found dead is first recorded as `Crashed`, then retried per its flow's policy if attempts are
 * left; without attempts left it stays `Crashed` for good).
 */
export const TERMINAL_STATES: ReadonlySet<StateType> = new Set<StateType>([
  ...FINAL_STATES,
  'Crashed',
])

/** Waiting for their time: what a runner may claim once `scheduledAt` has passed. */
export const CLAIMABLE_STATES: readonly StateType[] = ['Scheduled', 'Late', 'AwaitingRetry']

/** Held by a runner, which must keep heartbeating them. */
export const ACTIVE_STATES: readonly StateType[] = ['Pending', 'Running', 'Retrying', 'Cancelling']

const RUNNING_EXITS: readonly StateType[] = [
  'Completed',
  'Failed',
  'AwaitingRetry',
  'Cancelling',
  'Cancelled',
  'Crashed',
]

/** from → the states it may move to. Anything not listed is refused. */
export const TRANSITIONS: Readonly<Record<StateType, readonly StateType[]>> = {
  Scheduled: ['Pending', 'Late', 'Cancelled'],
  Late: ['Pending', 'Cancelled'],
  AwaitingRetry: ['Pending', 'Cancelled'],
  // A claimed run starts (Running on the first attempt, Retrying on later ones), is answered from
  // the cache, is cancelled before it starts, or its runner dies.
  Pending: ['Running', 'Retrying', 'Cached', 'Cancelled', 'Crashed'],
  Running: RUNNING_EXITS,
  Retrying: RUNNING_EXITS,
  Cancelling: ['Cancelled', 'Crashed'],
  Completed: [],
  Cached: [],
  Failed: [],
  Cancelled: [],
  Crashed: ['AwaitingRetry'],
}

export interface TransitionRequest {
  to: StateType
  /** Only apply when the run is currently in one of these states. */
  from?: readonly StateType[]
  /** Who asks (a runner id). A claim (→ Pending) records it; only the claimant repeats it. */
  by?: string
  /** Required for → AwaitingRetry (the stored time of the next attempt). */
  scheduledAt?: number
  message?: string
  /** Only apply when the run's last heartbeat is older than this (crash recovery). */
  staleBefore?: number
}

export interface RunStateView {
  state: StateType
  claimedBy: string | null
  heartbeatAt: number | null
}

export const TransitionRefusal = {
  Final: 'final',
  Illegal: 'illegal',
  Precondition: 'precondition',
  AlreadyClaimed: 'already_claimed',
  NotStale: 'not_stale',
  MissingTime: 'missing_time',
} as const
export type TransitionRefusal = (typeof TransitionRefusal)[keyof typeof TransitionRefusal]

export type TransitionCheck =
  | { kind: 'apply' }
  | { kind: 'duplicate' }
  | { kind: 'refuse'; reason: TransitionRefusal; message: string }

/**
 * Decides a transition request against a run's current state. A request for the state the run is
 * already in is a duplicate (answered without change), except a claim by someone else, which is
 * refused: a claimed run cannot be claimed again.
 */
export function checkTransition(run: RunStateView, request: TransitionRequest): TransitionCheck {
  const { state } = run
  const { to } = request
  if (state === to) {
    if (to === 'Pending' && run.claimedBy !== (request.by ?? null)) {
      return refuse('already_claimed', `run already claimed by ${run.claimedBy ?? 'nobody'}`)
    }
    return { kind: 'duplicate' }
  }
  if (request.from && !request.from.includes(state)) {
    return refuse('precondition', `run is ${state}, expected ${request.from.join(' | ')}`)
  }
  if (FINAL_STATES.has(state)) return refuse('final', `run is ${state}, a final state`)
  if (!TRANSITIONS[state].includes(to)) return refuse('illegal', `${state} → ${to} is not allowed`)
  if (request.staleBefore !== undefined && (run.heartbeatAt ?? 0) >= request.staleBefore) {
    return refuse('not_stale', 'run heartbeat is recent')
  }
  if (to === 'AwaitingRetry' && request.scheduledAt === undefined) {
    return refuse('missing_time', '→ AwaitingRetry needs scheduledAt')
  }
  return { kind: 'apply' }
}

function refuse(reason: TransitionRefusal, message: string): TransitionCheck {
  return { kind: 'refuse', reason, message }
}

export class TransitionError extends Error {
  override name = 'TransitionError'
  constructor(
    readonly reason: TransitionRefusal | 'not_found',
    message: string,
  ) {
    super(message)
  }
}
