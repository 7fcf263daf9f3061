import { hostClearTimeout, hostSetTimeout } from './platform'
import type { AbortSignalLike } from './platform'

/** Time as epoch milliseconds plus timers, injected so tests drive time by hand. */
export interface Clock {
  now(): number
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = hostSetTimeout(fn, Math.max(0, ms))
    return () => hostClearTimeout(handle)
  },
}

/** Resolves after `ms` on `clock`, or rejects with the signal's reason once it aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      cancel()
      reject(signal?.reason)
    }
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

interface FakeTimer {
  at: number
  seq: number
  fn: () => void
}

/**
 * A clock that only moves when told. `advance` fires due timers in time order and lets promise
 * callbacks settle between them, so code awaiting a timer runs before the next one fires.
 */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #timers: FakeTimer[] = []

  constructor(start: number | string = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'string' ? Date.parse(start) : start
  }

  now(): number {
    return this.#now
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn }
    this.#timers.push(timer)
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer)
    }
  }

  get pendingTimers(): number {
    return this.#timers.length
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms
    await settle()
    for (;;) {
      const next = this.#timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!next) break
      this.#timers = this.#timers.filter((t) => t !== next)
      this.#now = Math.max(this.#now, next.at)
      next.fn()
      await settle()
    }
    this.#now = end
    await settle()
  }

  /** Sets the time (forward only) without firing timers in between one by one. */
  async set(at: number | string): Promise<void> {
    const target = typeof at === 'string' ? Date.parse(at) : at
    await this.advance(Math.max(0, target - this.#now))
  }
}

/** Lets pending promise callbacks (including chains of awaits on async stores) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve()
}
