import { useSyncExternalStore } from 'react'
import type { EditorController } from './controller'

/** Re-renders when the controller (or the documents it watches) changes. */
export function useControllerVersion(controller: EditorController): number {
  return useSyncExternalStore(controller.subscribe, controller.getVersion)
}
