export interface BackoffOptions {
  baseMs?: number
  maxMs?: number
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so many clients do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  { baseMs = 2000, maxMs = 5 * 60_000 }: BackoffOptions = {},
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp / 2 + (exp / 2) * random())
}

/** Whether an upload failure is worth retrying: network errors, 408, 429 and 5xx. */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500
}
