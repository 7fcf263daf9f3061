import { useSyncExternalStore } from 'react'
import { samService, type SamService } from './sam-service'

/** The app's SAM service; re-renders when its model, settings or suggestion change. */
export function useSam(): SamService {
  const service = samService()
  useSyncExternalStore(
    (fn) => service.subscribe(fn),
    () => service.version,
  )
  return service
}
