import { useEffect } from 'react'
import type { EditorController } from './controller'
import { isTypingTarget } from './keymap'

/** Window key handling for the editor; keys typed into inputs are left alone. */
export function useKeyboard(controller: EditorController | null): void {
  useEffect(() => {
    // No keys while the document loads: nothing can be edited yet.
    if (!controller) return
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target)) return
      if (e.key === ' ') {
        // Space pans (see canvas navigation); keep the page from scrolling.
        e.preventDefault()
        return
      }
      if (controller.keyDown(e)) e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [controller])
}
