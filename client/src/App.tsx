import { useMemo, useState } from 'react'
import { ApiClient } from './api'
import { ProjectList } from './ProjectList'
import { forgetToken, takeToken } from './token'

export function App() {
  const [token, setToken] = useState(() =>
    takeToken(window.location, window.history, window.localStorage),
  )
  const api = useMemo(() => (token ? new ApiClient(token) : null), [token])

  if (!api) {
    return (
      <main className="page">
        <h1>Loupe</h1>
        <p>
          Open Loupe with the link the server printed at start (<code>/?token=…</code>) or a share
          link from a project manager.
        </p>
      </main>
    )
  }
  return (
    <ProjectList
      api={api}
      onSignOut={() => {
        forgetToken(window.localStorage)
        setToken(null)
      }}
    />
  )
}
