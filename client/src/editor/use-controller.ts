import { useSyncExternalStore } from 'react'
import type { EditorController } from './controller'

const none = () => () => {}
const zero = () => 0

/** Re-renders when the controller (or the documents it watches) changes. */
export function useControllerVersion(controller: EditorController | null): number {
  return useSyncExternalStore(
    controller ? controller.subscribe : none,
    controller ? controller.getVersion : zero,
  )
}
