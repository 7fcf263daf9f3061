import * as Y from 'yjs'
import type { DecodedUpdate } from './protocol'

export interface DeleteRange {
  client: number
  clock: number
  len: number
}

/** What a (decoded) update would change in a room document, computed without applying it. */
export interface UpdateEffect {
  /** Structs the room does not have yet (beyond its state vector). */
  newStructs: Array<Y.Item | Y.GC>
  /** Client ids that `newStructs` are written as. */
  writers: Set<number>
  /** Client ids of every struct in the update (the durable ack reports their clocks). */
  clients: Set<number>
  /** Room items, not deleted yet, that the update deletes. */
  deletedItems: Y.Item[]
  /** Deleted ranges the room has not seen (beyond its state vector). */
  unknownDeletes: DeleteRange[]
}

/** True when applying the update would change nothing (e.g. a reader's empty sync step 2). */
export function isNoop(effect: UpdateEffect): boolean {
  return (
    effect.newStructs.length === 0 &&
    effect.deletedItems.length === 0 &&
    effect.unknownDeletes.length === 0
  )
}

export function updateEffect(doc: Y.Doc, update: DecodedUpdate): UpdateEffect {
  const store = doc.store
  const effect: UpdateEffect = {
    newStructs: [],
    writers: new Set(),
    clients: new Set(),
    deletedItems: [],
    unknownDeletes: [],
  }
  for (const struct of update.structs) {
    if (struct instanceof Y.Skip) continue
    const client = struct.id.client
    effect.clients.add(client)
    if (struct.id.clock + struct.length > Y.getState(store, client)) {
      effect.newStructs.push(struct)
      effect.writers.add(client)
    }
  }
  for (const [client, ranges] of update.ds.clients) {
    const state = Y.getState(store, client)
    const structs = store.clients.get(client)
    for (const { clock, len } of ranges) {
      const end = clock + len
      if (end > state) {
        const from = Math.max(clock, state)
        effect.unknownDeletes.push({ client, clock: from, len: end - from })
      }
      if (clock >= state || structs === undefined) continue
      let index = Y.findIndexSS(structs, clock)
      for (; index < structs.length; index++) {
        const struct = structs[index]!
        if (struct.id.clock >= end) break
        if (struct instanceof Y.Item && !struct.deleted) effect.deletedItems.push(struct)
      }
    }
  }
  return effect
}
