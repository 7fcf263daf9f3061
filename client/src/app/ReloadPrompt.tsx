import { useContext, useEffect, useSyncExternalStore } from 'react'
import { useRegisterSW } from 'virtual:pwa-register/react'
import { HubContext } from '../sync/hooks'

const noop = () => () => {}

/**
 * The service worker's update prompt (`registerType: 'prompt'`): a new version waits until the
 * user agrees to reload. Work is never dropped: every change is already in IndexedDB and
 * changes waiting for the server are sent after the reload.
 */
export function ReloadPrompt() {
  const hub = useContext(HubContext)?.hub
  const pending = useSyncExternalStore(hub ? (fn) => hub.subscribe(fn) : noop, () =>
    hub ? hub.status.pending : 0,
  )
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisterError(error: unknown) {
      console.warn('service worker registration failed', error)
    },
  })

  // "Ready offline" is news, not a question: it goes away by itself.
  useEffect(() => {
    if (!offlineReady) return
    const timer = setTimeout(() => setOfflineReady(false), 6000)
    return () => clearTimeout(timer)
  }, [offlineReady, setOfflineReady])

  if (needRefresh) {
    return (
      <div
        className="reload-prompt"
        role="dialog"
        aria-label="Update available"
        data-testid="reload-prompt"
      >
        <p>
          <strong>A new version of Loupe is ready.</strong>
        </p>
        <p className="muted">
          Your work is saved on this device, so reloading loses nothing
          {pending > 0
            ? `; the ${pending} ${pending === 1 ? 'change' : 'changes'} still waiting for the server will be sent after the reload.`
            : '.'}{' '}
          Reload now or keep working and update later.
        </p>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
          <button type="button" onClick={() => void updateServiceWorker(true)}>
            Reload to update
          </button>
        </div>
      </div>
    )
  }
  if (offlineReady) {
    return (
      <div className="toast" role="status" data-testid="offline-ready">
        <span>Ready to work offline: Loupe now opens without a network.</span>
        <button type="button" className="link" onClick={() => setOfflineReady(false)}>
          OK
        </button>
      </div>
    )
  }
  return null
}
