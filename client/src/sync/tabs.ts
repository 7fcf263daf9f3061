/**
 * Which tabs of this browser are still open. Each tab holds a Web Lock named after its id for
 * as long as it lives; another tab learns that it is gone (closed, crashed, reloaded) when it is
 * granted that lock. Without Web Locks (old browsers, Node) no tab is ever known to be gone.
 */
export interface TabLiveness {
  /** This tab's id (random per page load, unlike sessionStorage which a duplicated tab copies). */
  readonly id: string
  /**
   * Runs `fn` once the tab `tabId` is gone, holding its lock meanwhile so that no other tab runs
   * the same thing at the same time. Returns a cancel function (best effort).
   */
  whenGone(tabId: string, fn: () => void): () => void
  destroy(): void
}

const LOCK_PREFIX = 'loupe.tab:'

export function randomTabId(): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Web Locks liveness (`navigator.locks`), or a stand-in that never reports a tab gone. */
export function tabLiveness(
  locks: LockManager | undefined = globalThis.navigator?.locks,
  id = randomTabId(),
): TabLiveness {
  if (!locks) {
    return { id, whenGone: () => () => {}, destroy: () => {} }
  }
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  void locks.request(LOCK_PREFIX + id, () => held).catch(() => undefined)
  const controllers = new Set<AbortController>()
  return {
    id,
    whenGone(tabId, fn) {
      const controller = new AbortController()
      controllers.add(controller)
      locks
        .request(LOCK_PREFIX + tabId, { signal: controller.signal }, () => {
          controllers.delete(controller)
          fn()
        })
        .catch(() => controllers.delete(controller))
      return () => {
        controller.abort()
        controllers.delete(controller)
      }
    },
    destroy() {
      for (const controller of controllers) controller.abort()
      controllers.clear()
      release()
    },
  }
}
