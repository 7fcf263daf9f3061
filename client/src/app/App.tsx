import { useEffect, useMemo, useState } from 'react'
import { ImagesContext } from '../data/hooks'
import { createImageServices } from '../data/services'
import type { ImageServices } from '../data/services'
import { DocumentHub } from '../sync/hub'
import { HubContext } from '../sync/hooks'
import { loadLocalUser } from '../sync/identity'
import { ApiClient } from './api'
import { ApiContext } from './context'
import { Routes } from './Routes'
import { readSession } from './session'
import { forgetToken, takeToken } from './token'
import { Welcome } from './Welcome'
import { ReloadPrompt } from './ReloadPrompt'
import './app.css'

function syncUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`
}

/** The app: a token (from `?token=` or remembered), then every screen inside one document hub. */
export function App() {
  const [token, setToken] = useState(() =>
    takeToken(window.location, window.history, window.localStorage),
  )
  return (
    <>
      {token ? (
        <SignedIn
          key={token}
          token={token}
          onSignOut={() => {
            forgetToken(window.localStorage)
            setToken(null)
          }}
        />
      ) : (
        <>
          <Welcome />
          <ReloadPrompt />
        </>
      )}
    </>
  )
}

function SignedIn({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const session = useMemo(() => readSession(token), [token])
  const api = useMemo(() => new ApiClient(token), [token])
  const [services, setServices] = useState<{ hub: DocumentHub; images: ImageServices } | null>(null)

  useEffect(() => {
    const opened = new DocumentHub({
      wsUrl: syncUrl(window.location),
      token,
      user: loadLocalUser(window.localStorage),
      storage: window.localStorage,
      window,
    })
    opened.resumePending()
    const images = createImageServices({
      token,
      hub: opened,
      storage: window.localStorage,
      window,
    })
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the hub is the resource this effect owns
    setServices({ hub: opened, images })
    return () => {
      images.destroy()
      opened.destroy()
    }
  }, [token])

  const hub = services?.hub
  const hubValue = useMemo(() => (hub ? { hub, session } : null), [hub, session])
  if (!hubValue || !services) return null
  return (
    <ApiContext.Provider value={api}>
      <HubContext.Provider value={hubValue}>
        <ImagesContext.Provider value={services.images}>
          <Routes onSignOut={onSignOut} />
          <ReloadPrompt />
        </ImagesContext.Provider>
      </HubContext.Provider>
    </ApiContext.Provider>
  )
}
