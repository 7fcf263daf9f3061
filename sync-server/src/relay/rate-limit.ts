/** A token bucket: `capacity` tokens, refilled at `perSecond`; may go into debt. */
export class TokenBucket {
  #tokens: number
  #at: number

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now = performance.now(),
  ) {
    this.#tokens = capacity
    this.#at = now
  }

  /**
   * Takes `amount` tokens; returns 0 when the bucket still holds a non-negative balance, else the
   * milliseconds until it is back at zero (how long the caller should pause).
   */
  take(amount: number, now = performance.now()): number {
    this.#tokens = Math.min(
      this.capacity,
      this.#tokens + ((now - this.#at) / 1000) * this.perSecond,
    )
    this.#at = now
    this.#tokens -= amount
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.perSecond) * 1000)
  }
}

export interface RateLimitOptions {
  /** Sustained messages per second per connection, and the burst allowed above it. */
  messagesPerSecond: number
  messageBurst: number
  /** Sustained bytes per second per connection, and the burst allowed above it. */
  bytesPerSecond: number
  byteBurst: number
}

/**
 * Per-connection flood control. Over budget, the connection is paused (its socket stops being
 * read, so TCP pushes back on the sender) until the buckets refill: backpressure, never a close.
 */
export class ConnectionRateLimit {
  readonly #messages: TokenBucket
  readonly #bytes: TokenBucket

  constructor(options: RateLimitOptions) {
    this.#messages = new TokenBucket(options.messageBurst, options.messagesPerSecond)
    this.#bytes = new TokenBucket(options.byteBurst, options.bytesPerSecond)
  }

  /** Accounts one message; returns how long to pause reading (0: go on). */
  account(bytes: number): number {
    const now = performance.now()
    return Math.max(this.#messages.take(1, now), this.#bytes.take(bytes, now))
  }
}
