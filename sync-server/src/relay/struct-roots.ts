import * as Y from 'yjs'
import type { DecodedUpdate } from './protocol'

/**
 * Where a struct lives: under a named root type, garbage-collected content (which Yjs drops on
 * integration, so it writes nothing), or unknown (depends on something the room does not have).
 */
export type StructRoot =
  { kind: 'root'; name: string } | { kind: 'collected' } | { kind: 'unknown' }

const COLLECTED: StructRoot = { kind: 'collected' }
const UNKNOWN: StructRoot = { kind: 'unknown' }

/**
 * Finds the root type of structs in an update that has not been applied yet. A struct names its
 * parent as a root name, as the ID of the item holding its parent type, or not at all (then it
 * has the parent of its origin). Those items are looked up in the room document or earlier in
 * the same update, following the chain up to a root name. Iterative and memoised: updates can
 * hold long chains, and a forged update can hold cycles.
 */
export class StructRoots {
  readonly #memo = new Map<Y.Item | Y.GC, StructRoot>()
  readonly #typeRoots = new Map<Y.AbstractType<unknown>, StructRoot>()
  readonly #byClient = new Map<number, Array<Y.Item | Y.GC>>()

  constructor(
    readonly doc: Y.Doc,
    update: DecodedUpdate,
  ) {
    for (const struct of update.structs) {
      if (struct instanceof Y.Skip) continue
      let list = this.#byClient.get(struct.id.client)
      if (!list) this.#byClient.set(struct.id.client, (list = []))
      list.push(struct)
    }
    for (const list of this.#byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock)
  }

  /** Root of a struct of the update (or of the room document). */
  rootOf(struct: Y.Item | Y.GC): StructRoot {
    const visited: Array<Y.Item | Y.GC> = []
    const seen = new Set<Y.Item | Y.GC>()
    let current: Y.Item | Y.GC | null = struct
    let result: StructRoot = UNKNOWN
    while (current !== null) {
      const known = this.#memo.get(current)
      if (known) {
        result = known
        break
      }
      if (seen.has(current)) break
      seen.add(current)
      visited.push(current)
      if (current instanceof Y.GC) {
        result = COLLECTED
        break
      }
      const parent: Y.Item['parent'] = current.parent
      if (parent instanceof Y.AbstractType) {
        result = this.#rootOfType(parent)
        break
      }
      if (typeof parent === 'string') {
        result = { kind: 'root', name: parent }
        break
      }
      const next: Y.ID | null = parent ?? current.origin ?? current.rightOrigin
      current = next === null ? null : this.lookup(next)
    }
    for (const struct of visited) this.#memo.set(struct, result)
    return result
  }

  /** True when every clock of the range is written by a struct of this update. */
  coveredByUpdate(client: number, clock: number, len: number): boolean {
    let at = clock
    while (at < clock + len) {
      const struct = this.#findInUpdate(client, at)
      if (!struct) return false
      at = struct.id.clock + struct.length
    }
    return true
  }

  /** The struct holding `id`: from the room document when it has it, else from the update. */
  lookup(id: Y.ID): Y.Item | Y.GC | null {
    if (id.clock < Y.getState(this.doc.store, id.client)) {
      return Y.getItem(this.doc.store, id) as Y.Item | Y.GC
    }
    return this.#findInUpdate(id.client, id.clock)
  }

  #findInUpdate(client: number, clock: number): Y.Item | Y.GC | null {
    const list = this.#byClient.get(client)
    if (!list) return null
    let low = 0
    let high = list.length - 1
    while (low <= high) {
      const mid = (low + high) >> 1
      const struct = list[mid]!
      if (clock < struct.id.clock) high = mid - 1
      else if (clock >= struct.id.clock + struct.length) low = mid + 1
      else return struct
    }
    return null
  }

  #rootOfType(type: Y.AbstractType<unknown>): StructRoot {
    let top = type
    while (top._item !== null) {
      const parent = top._item.parent
      if (!(parent instanceof Y.AbstractType)) return UNKNOWN
      top = parent
    }
    let root = this.#typeRoots.get(top)
    if (!root) {
      try {
        root = { kind: 'root', name: Y.findRootTypeKey(top) }
      } catch {
        root = UNKNOWN
      }
      this.#typeRoots.set(top, root)
    }
    return root
  }
}
