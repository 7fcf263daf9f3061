// Tools are small state machines in the manner of tldraw's StateNode: a tool owns named states,
// exactly one is active, and each state handles the events it cares about and transitions.

import type { EditorController } from '../controller'
import type { ToolKey, ToolPointer } from '../types'

export abstract class StateNode {
  abstract readonly id: string

  constructor(
    readonly tool: Tool,
    readonly editor: EditorController,
  ) {}

  /** A line telling the user what this state waits for (shown over the canvas); none by default. */
  get hint(): string | null {
    return null
  }

  onEnter(_info?: unknown): void {}
  onExit(): void {}
  onPointerDown(_e: ToolPointer): void {}
  onPointerMove(_e: ToolPointer): void {}
  onPointerUp(_e: ToolPointer): void {}
  /** Returns whether the key was used (so the key map does not also act on it). */
  onKeyDown(_e: ToolKey): boolean {
    return false
  }
  /** Esc. Returns whether there was something to cancel. */
  onCancel(): boolean {
    return false
  }
  /** Enter (`edit.accept`): keeps a suggestion (SAM, wand, scissors). Returns whether it did. */
  onAccept(): boolean {
    return false
  }
}

type StateClass = new (tool: Tool, editor: EditorController) => StateNode

export class Tool {
  private readonly states = new Map<string, StateNode>()
  private active: StateNode

  constructor(
    readonly id: string,
    readonly editor: EditorController,
    states: StateClass[],
  ) {
    for (const S of states) {
      const state = new S(this, editor)
      this.states.set(state.id, state)
    }
    const first = this.states.values().next().value
    if (!first) throw new Error(`tool ${id} has no states`)
    this.active = first
  }

  get state(): string {
    return this.active.id
  }

  /** What the active state asks the user for next, if anything. */
  get hint(): string | null {
    return this.active.hint
  }

  /** Whether a gesture is under way (anything but the first, idle state). */
  get busy(): boolean {
    return this.active !== this.states.values().next().value
  }

  transition(id: string, info?: unknown): void {
    const next = this.states.get(id)
    if (!next) throw new Error(`tool ${this.id} has no state ${id}`)
    this.active.onExit()
    this.active = next
    next.onEnter(info)
    this.editor.changed()
  }

  /** Back to the idle state, dropping any gesture in progress. */
  reset(): void {
    const first = this.states.values().next().value as StateNode
    if (this.active !== first) this.transition(first.id)
    this.editor.setPreview(null)
  }

  pointerDown(e: ToolPointer): void {
    this.active.onPointerDown(e)
  }
  pointerMove(e: ToolPointer): void {
    this.active.onPointerMove(e)
  }
  pointerUp(e: ToolPointer): void {
    this.active.onPointerUp(e)
  }
  keyDown(e: ToolKey): boolean {
    return this.active.onKeyDown(e)
  }
  cancel(): boolean {
    return this.active.onCancel()
  }
  accept(): boolean {
    return this.active.onAccept()
  }
}
