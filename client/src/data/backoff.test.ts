import { describe, expect, it } from 'vitest'
import { backoffDelay, isRetryable } from './backoff'

describe('backoffDelay', () => {
  it('doubles, caps and jitters', () => {
    expect(backoffDelay(1, () => 0)).toBe(1000)
    expect(backoffDelay(1, () => 1)).toBe(2000)
    expect(backoffDelay(3, () => 1)).toBe(8000)
    expect(backoffDelay(30, () => 1)).toBe(300_000)
    expect(backoffDelay(30, () => 0)).toBe(150_000)
  })
  it('retries network and server errors only', () => {
    expect([0, 408, 429, 500, 503].every(isRetryable)).toBe(true)
    expect([400, 401, 403, 413, 415].some(isRetryable)).toBe(false)
  })
})
