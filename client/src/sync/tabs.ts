/**
 * Which tabs of this browser are still open. Each tab holds a Web Lock named after its id for
 * as long as it lives; another tab learns that it is gone (closed, crashed, reloaded) when it is
 * granted that lock. Without Web Locks (old browsers, Node) no tab is ever known to be gone.
 *
 * A tab keeps its id in sessionStorage, so a reload finds its own saved counts at once. A
 * duplicated tab starts with a copy of that sessionStorage: it finds the id's lock held and
 * takes a new id (`onIdChange`), and so does a reload whose previous page still holds the lock
 * for a moment (that page is then simply a tab that is gone).
 */
export interface TabLiveness {
  readonly id: string
  /** Calls `fn(previousId)` when this tab had to take a new id. Returns an unsubscribe. */
  onIdChange(fn: (previousId: string) => void): () => void
  /**
   * Runs `fn` once the tab `tabId` is gone, holding its lock meanwhile so that no other tab runs
   * the same thing at the same time. Returns a cancel function (best effort).
   */
  whenGone(tabId: string, fn: () => void): () => void
  destroy(): void
}

const LOCK_PREFIX = 'loupe.tab:'
const SESSION_KEY = 'loupe.tab'

export function randomTabId(): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function sessionId(session: Storage | undefined): string {
  try {
    const known = session?.getItem(SESSION_KEY)
    if (known && /^[0-9a-f]{16}$/.test(known)) return known
    const id = randomTabId()
    session?.setItem(SESSION_KEY, id)
    return id
  } catch {
    return randomTabId()
  }
}

/** Web Locks liveness (`navigator.locks`), or a stand-in that never reports a tab gone. */
export function tabLiveness(
  locks: LockManager | undefined = globalThis.navigator?.locks,
  session: Storage | undefined = globalThis.sessionStorage,
): TabLiveness {
  let id = sessionId(session)
  const renamed = new Set<(previousId: string) => void>()
  if (!locks) {
    return {
      get id() {
        return id
      },
      onIdChange: () => () => {},
      whenGone: () => () => {},
      destroy: () => {},
    }
  }
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  const hold = (name: string) => locks.request(LOCK_PREFIX + name, () => held)
  void locks
    .request(LOCK_PREFIX + id, { ifAvailable: true }, (lock) => {
      if (lock) return held
      // a duplicate of a live tab (or the page this one reloads is still closing)
      const previous = id
      id = randomTabId()
      try {
        session?.setItem(SESSION_KEY, id)
      } catch {
        // the id then lives for this page only
      }
      void hold(id).catch(() => undefined)
      for (const fn of renamed) fn(previous)
      return undefined
    })
    .catch(() => undefined)
  const controllers = new Set<AbortController>()
  return {
    get id() {
      return id
    },
    onIdChange(fn) {
      renamed.add(fn)
      return () => renamed.delete(fn)
    },
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
      renamed.clear()
      release()
    },
  }
}
