// Where a key press goes: the active tool's state first (Enter finishes a polygon, Backspace
// drops its last point), then the user's key map.

import { runAction } from './actions'
import type { EditorController } from './controller'
import type { KeyLike } from './keymap'

/** Returns whether the key was used (the caller then prevents the browser's default). */
export function dispatchKey(editor: EditorController, e: KeyLike): boolean {
  // The shortcuts dialog records keys itself.
  if (editor.shortcutsOpen) return false
  const modKey = e.ctrlKey || e.metaKey
  if (editor.currentTool.keyDown({ key: e.key, shiftKey: e.shiftKey, altKey: e.altKey, modKey }))
    return true
  const binding = editor.keys.match(e)
  if (!binding || binding.hold) return false
  if (binding.disabled) {
    editor.showError(binding.disabled)
    return true
  }
  // Enter with nothing to keep stays the browser's (a focused button is pressed).
  if (binding.id === 'edit.accept') return editor.currentTool.accept()
  runAction(editor, binding.id)
  return true
}
