import type { Random } from './random'

/** Seconds to wait before retry number `retry` (1 for the first retry). */
export type RetryDelayFn = (retry: number) => number

export type RetryDelay = number | readonly number[] | RetryDelayFn

export interface RetryOptions {
  /** How many times to retry after the first attempt fails (default 0). */
  retries?: number
  /** A fixed delay, one per retry (the last repeats), or a function of the retry number. */
  retryDelaySeconds?: RetryDelay
  /**
   * Spreads retries out: the delay d becomes a uniform draw in [d, d × (1 + factor)], so a retry
   * never comes earlier than configured. 0 (default) means no jitter.
   */
  retryJitterFactor?: number
}

/** base, 2·base, 4·base, … seconds (Prefect's `exponential_backoff(backoff_factor)`). */
export function exponentialBackoff(base: number): RetryDelayFn {
  if (!(base >= 0)) throw new RangeError('exponentialBackoff: base must be ≥ 0')
  return (retry) => base * 2 ** Math.max(0, retry - 1)
}

/** The delay before retry `retry` (1-based) in milliseconds, jitter included. */
export function retryDelayMs(options: RetryOptions, retry: number, random: Random): number {
  const spec = options.retryDelaySeconds ?? 0
  let seconds: number
  if (typeof spec === 'number') seconds = spec
  else if (typeof spec === 'function') seconds = spec(retry)
  else seconds = spec[Math.min(retry, spec.length) - 1] ?? 0
  const factor = options.retryJitterFactor ?? 0
  if (factor > 0) seconds *= 1 + factor * random()
  return Math.max(0, Math.round(seconds * 1000))
}
