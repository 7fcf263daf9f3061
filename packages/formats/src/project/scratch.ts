// Scratch copies of documents: an import writes into copies, then hands out only the difference
// (`encodeStateAsUpdate(copy, stateVectorOfOriginal)`), so the originals are never touched.

import * as Y from 'yjs'

export class ScratchDoc {
  readonly doc: Y.Doc
  private readonly baseline: Uint8Array
  private changed = false

  /** A copy of `original` (or a new empty document when there is none). */
  constructor(original: Y.Doc | undefined) {
    this.doc = new Y.Doc({ gc: original?.gc ?? true })
    if (original) Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(original))
    this.baseline = original ? Y.encodeStateVector(original) : Y.encodeStateVector(this.doc)
    // Not 'update': encoding every transaction's update would cost as much as the writes.
    this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) {
        this.changed = true
      }
    })
  }

  /** Whether anything was written to the copy. */
  get dirty(): boolean {
    return this.changed
  }

  /** What the copy has that the original had not: one Yjs update. */
  diff(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, this.baseline)
  }
}
