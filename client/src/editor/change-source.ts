// A version counter and its listeners: what React reads through useSyncExternalStore to know
// that the editor (or a document it watches) changed.

export class ChangeSource {
  /** Bumped on every change React should see (the useSyncExternalStore snapshot). */
  version = 0
  private readonly listeners = new Set<() => void>()

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  getVersion = (): number => this.version

  changed(): void {
    this.version++
    for (const fn of this.listeners) fn()
  }
}
