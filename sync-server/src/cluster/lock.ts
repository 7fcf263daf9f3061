/** A held lock; `release` is idempotent and never throws. */
export interface HeldLock {
  release(): Promise<void>
}

/**
 * Mutual exclusion between instances with expiry: a holder that dies without releasing frees the
 * lock after `ttlMs`. Used so that one instance at a time compacts a room (correctness does not
 * depend on it: the store's compaction is itself atomic and merges only what it deletes).
 */
export interface ClusterLock {
  /** Null when someone else holds `name`. */
  tryAcquire(name: string, ttlMs: number): Promise<HeldLock | null>
}

/** A single instance: the room's own queue already serializes its compactions. */
export class LocalLock implements ClusterLock {
  readonly #held = new Set<string>()

  async tryAcquire(name: string): Promise<HeldLock | null> {
    if (this.#held.has(name)) return null
    this.#held.add(name)
    let released = false
    return {
      release: async () => {
        if (released) return
        released = true
        this.#held.delete(name)
      },
    }
  }
}
