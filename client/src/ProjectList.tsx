import { useCallback, useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { ApiError } from './api'
import type { ApiClient, ProjectSummary } from './api'

interface Props {
  api: ApiClient
  onSignOut: () => void
}

export function ProjectList({ api, onSignOut }: Props) {
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [name, setName] = useState('')

  const load = useCallback(() => {
    api.listProjects().then(
      (result) => setProjects(result.projects),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  }, [api])

  useEffect(load, [load])

  const create = (event: FormEvent) => {
    event.preventDefault()
    if (!name.trim()) return
    api.createProject(name.trim()).then(
      () => {
        setName('')
        load()
      },
      (e: unknown) =>
        setError(
          e instanceof ApiError && e.status === 403
            ? 'Only the admin can create projects.'
            : String(e),
        ),
    )
  }

  return (
    <main className="page">
      <header className="bar">
        <h1>Loupe</h1>
        <button onClick={onSignOut}>Forget token</button>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <section>
        <h2>Projects</h2>
        {projects === null ? (
          <p>Loading…</p>
        ) : projects.length === 0 ? (
          <p>No projects yet.</p>
        ) : (
          <ul className="projects">
            {projects.map((p) => (
              <li key={p.id}>
                <strong>{p.name}</strong>{' '}
                <span className="muted">created {new Date(p.createdAt).toLocaleString()}</span>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={create} className="create">
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="New project name"
            aria-label="New project name"
          />
          <button type="submit">Create project</button>
        </form>
      </section>
    </main>
  )
}
