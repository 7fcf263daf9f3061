import * as Y from 'yjs'
import { DOCUMENT_MAPS } from './migrations'
import { Origin } from './origins'
import type { JobDocument } from './job'
import { ProjectDocument } from './project'

export interface LocalUndoOptions {
  /** Edits closer together than this (ms) merge into one undo step unless a gesture starts. Default 500. */
  captureTimeout?: number
}

/**
 * Undo/redo of this peer's own edits. Built on Y.UndoManager tracking only the `local` origin,
 * so updates from collaborators (`remote`), migrations, imports and server writes are never
 * undone. Call `beginGesture()` when a gesture (drag, draw, relabel) starts so each gesture is
 * one undo step.
 */
export class LocalUndoManager {
  readonly manager: Y.UndoManager

  constructor(document: ProjectDocument | JobDocument, options: LocalUndoOptions = {}) {
    const kind = document instanceof ProjectDocument ? 'project' : 'job'
    const scope = DOCUMENT_MAPS[kind].map((name) => document.doc.getMap(name))
    this.manager = new Y.UndoManager(scope, {
      trackedOrigins: new Set<unknown>([Origin.local]),
      captureTimeout: options.captureTimeout ?? 500,
    })
  }

  /** Starts a new undo step: the next local edit is not merged into the previous one. */
  beginGesture(): void {
    this.manager.stopCapturing()
  }

  /** Reverts this peer's last step; returns whether there was one. */
  undo(): boolean {
    return this.manager.undo() !== null
  }

  redo(): boolean {
    return this.manager.redo() !== null
  }

  canUndo(): boolean {
    return this.manager.canUndo()
  }

  canRedo(): boolean {
    return this.manager.canRedo()
  }

  clear(): void {
    this.manager.clear()
  }

  /** Calls `fn` when the undo or redo stack changes; returns an unsubscribe. */
  onChange(fn: () => void): () => void {
    const events = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const
    for (const event of events) this.manager.on(event, fn)
    return () => {
      for (const event of events) this.manager.off(event, fn)
    }
  }

  destroy(): void {
    this.manager.destroy()
  }
}

export function createLocalUndoManager(
  document: ProjectDocument | JobDocument,
  options?: LocalUndoOptions,
): LocalUndoManager {
  return new LocalUndoManager(document, options)
}
