import { useSyncExternalStore } from 'react'
import { dismissStorageProblem, storageStatus } from './storage-errors'
import './sync.css'

/** Storage failures (quota) in a banner at the top of every screen until dismissed. */
export function StorageBanner() {
  const { problems } = useSyncExternalStore(storageStatus.subscribe, storageStatus.get)
  if (problems.length === 0) return null
  return (
    <div className="banners">
      {problems.map((problem) => (
        <div
          key={problem.id}
          className="banner banner-error"
          role="alert"
          data-testid="storage-error"
        >
          <strong>{problem.kind === 'quota' ? 'Storage full' : 'Storage problem'}</strong>
          <span>{problem.message}</span>
          <button
            type="button"
            className="secondary"
            onClick={() => dismissStorageProblem(problem.id)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  )
}
