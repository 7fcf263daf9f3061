// Per-user view state of a job: which shapes this user hid or locked. DESIGN.md §2 has no such
// fields, so they stay out of the shared document (one person hiding a shape must not hide it
// for everyone); they are remembered per job in this browser when a Storage is given.

export class ViewState {
  readonly hidden = new Set<string>()
  readonly locked = new Set<string>()

  constructor(
    private readonly key: string | null = null,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = null,
  ) {
    if (!key || !storage) return
    try {
      const saved = JSON.parse(storage.getItem(key) ?? '{}') as {
        hidden?: unknown
        locked?: unknown
      }
      for (const id of Array.isArray(saved.hidden) ? saved.hidden : []) this.hidden.add(String(id))
      for (const id of Array.isArray(saved.locked) ? saved.locked : []) this.locked.add(String(id))
    } catch {
      // A damaged entry only loses view preferences.
    }
  }

  toggle(set: 'hidden' | 'locked', id: string, on = !this[set].has(id)): void {
    if (on) this[set].add(id)
    else this[set].delete(id)
    this.save()
  }

  private save(): void {
    if (!this.key || !this.storage) return
    try {
      this.storage.setItem(
        this.key,
        JSON.stringify({ hidden: [...this.hidden], locked: [...this.locked] }),
      )
    } catch {
      // Storage full or denied: the view state still holds for this session.
    }
  }
}
