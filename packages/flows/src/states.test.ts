import { describe, expect, it } from 'vitest'
import { ALL_STATES, FINAL_STATES, checkTransition } from './states'
import type { StateType } from './states'

// Written out independently of the table in states.ts: every legal edge, nothing else.
const LEGAL = new Set([
  'Scheduled→Pending',
  'Scheduled→Late',
  'Scheduled→Cancelled',
  'Late→Pending',
  'Late→Cancelled',
  'AwaitingRetry→Pending',
  'AwaitingRetry→Cancelled',
  'Pending→Running',
  'Pending→Retrying',
  'Pending→Cached',
  'Pending→Cancelled',
  'Pending→Crashed',
  ...['Running', 'Retrying'].flatMap((from) =>
    ['Completed', 'Failed', 'AwaitingRetry', 'Cancelling', 'Cancelled', 'Crashed'].map(
      (to) => `${from}→${to}`,
    ),
  ),
  'Cancelling→Cancelled',
  'Cancelling→Crashed',
  'Crashed→AwaitingRetry',
])

const view = (state: StateType, claimedBy: string | null = null) => ({
  state,
  claimedBy,
  heartbeatAt: 1000,
})

describe('transition rule table', () => {
  it('knows twelve states', () => {
    expect(ALL_STATES).toHaveLength(12)
  })

  for (const from of ALL_STATES) {
    for (const to of ALL_STATES) {
      const edge = `${from}→${to}`
      it(edge, () => {
        const result = checkTransition(view(from, 'r1'), { to, by: 'r1', scheduledAt: 5 })
        if (from === to) expect(result.kind).toBe('duplicate')
        else if (LEGAL.has(edge)) expect(result.kind).toBe('apply')
        else {
          expect(result).toMatchObject({
            kind: 'refuse',
            reason: FINAL_STATES.has(from) ? 'final' : 'illegal',
          })
        }
      })
    }
  }

  it('never leaves a final state', () => {
    for (const from of FINAL_STATES) {
      for (const to of ALL_STATES) {
        if (to !== from) expect(checkTransition(view(from), { to }).kind).toBe('refuse')
      }
    }
    expect([...FINAL_STATES].sort()).toEqual(['Cached', 'Cancelled', 'Completed', 'Failed'])
  })

  it('refuses a second claim by someone else, accepts a repeated claim by the claimant', () => {
    expect(checkTransition(view('Scheduled'), { to: 'Pending', by: 'a' }).kind).toBe('apply')
    expect(checkTransition(view('Pending', 'a'), { to: 'Pending', by: 'a' }).kind).toBe('duplicate')
    expect(checkTransition(view('Pending', 'a'), { to: 'Pending', by: 'b' })).toMatchObject({
      kind: 'refuse',
      reason: 'already_claimed',
    })
    expect(checkTransition(view('Pending', 'a'), { to: 'Pending' })).toMatchObject({
      reason: 'already_claimed',
    })
  })

  it('treats any other repeated request as an idempotent duplicate', () => {
    for (const state of ALL_STATES) {
      if (state === 'Pending') continue
      expect(checkTransition(view(state), { to: state }).kind).toBe('duplicate')
    }
  })

  it('honours from, staleBefore, and needs a time for AwaitingRetry', () => {
    expect(checkTransition(view('Running'), { to: 'Failed', from: ['Retrying'] })).toMatchObject({
      reason: 'precondition',
    })
    expect(checkTransition(view('Running'), { to: 'Crashed', staleBefore: 1000 })).toMatchObject({
      reason: 'not_stale',
    })
    expect(checkTransition(view('Running'), { to: 'Crashed', staleBefore: 1001 }).kind).toBe(
      'apply',
    )
    expect(checkTransition(view('Running'), { to: 'AwaitingRetry' })).toMatchObject({
      reason: 'missing_time',
    })
  })
})
