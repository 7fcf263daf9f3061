/**
 * Which log entries of a room a replica holds: every entry up to `known`, plus the entries in
 * `ahead` (applied out of order: one of ours was stored while an earlier one of another instance
 * was still on its way). A non-empty `ahead` is a gap; if it lasts, the room catches up from
 * storage.
 */
export class SeqTracker {
  known: number
  readonly #ahead = new Set<number>()

  constructor(known = 0) {
    this.known = known
  }

  get hasGap(): boolean {
    return this.#ahead.size > 0
  }

  /** Records that entries `first..last` are applied. */
  mark(first: number, last: number): void {
    if (last <= this.known) return
    if (first <= this.known + 1) {
      this.known = last
    } else {
      for (let seq = first; seq <= last; seq++) this.#ahead.add(seq)
    }
    while (this.#ahead.delete(this.known + 1)) this.known++
    if (this.#ahead.size > 0)
      for (const seq of this.#ahead) if (seq <= this.known) this.#ahead.delete(seq)
  }

  /** Everything up to `known` is applied (a load or catch-up from storage). */
  reset(known: number): void {
    this.known = Math.max(this.known, known)
    for (const seq of this.#ahead) if (seq <= this.known) this.#ahead.delete(seq)
    while (this.#ahead.delete(this.known + 1)) this.known++
  }
}
