import { useCallback, useEffect, useState } from 'react'
import type { FormEvent } from 'react'
import { ApiError } from '../app/api'
import type { ProjectSummary } from '../app/api'
import { useApi } from '../app/context'
import { navigate } from '../app/router'
import { permissions } from '../app/session'
import { Shell } from '../app/Shell'
import { useSession } from '../sync/hooks'
import './project.css'

const CACHE_KEY = 'loupe.projects'

function cachedProjects(): ProjectSummary[] | null {
  try {
    return JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null') as ProjectSummary[] | null
  } catch {
    return null
  }
}

/** The projects this token may see (remembered for offline use); the admin creates new ones. */
export function ProjectsPage({ onSignOut }: { onSignOut: () => void }) {
  const api = useApi()
  const { role } = useSession()
  const [projects, setProjects] = useState<ProjectSummary[] | null>(cachedProjects)
  const [stale, setStale] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [name, setName] = useState('')
  const [creating, setCreating] = useState(false)

  const load = useCallback(() => {
    api.listProjects().then(
      (result) => {
        setProjects(result.projects)
        setStale(false)
        localStorage.setItem(CACHE_KEY, JSON.stringify(result.projects))
      },
      (e: unknown) => {
        if (e instanceof ApiError) setError(e.message)
        else setStale(true) // offline: keep showing the remembered list
      },
    )
  }, [api])

  useEffect(load, [load])

  const create = (event: FormEvent) => {
    event.preventDefault()
    if (!name.trim()) return
    setCreating(true)
    api.createProject(name.trim()).then(
      ({ id }) => {
        setName('')
        setCreating(false)
        navigate({ name: 'project', projectId: id })
      },
      (e: unknown) => {
        setCreating(false)
        setError(
          e instanceof ApiError && e.status === 403
            ? 'Only the admin can create projects.'
            : e instanceof Error
              ? `Could not create the project: ${e.message}`
              : String(e),
        )
      },
    )
  }

  return (
    <Shell crumbs={[{ label: 'Projects' }]} onSignOut={onSignOut}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {permissions(role).createProjects && (
        <form onSubmit={create} className="card create-project">
          <label htmlFor="new-project" className="field-label">
            New project
          </label>
          <div className="row">
            <input
              id="new-project"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. Street scenes — batch 3"
              maxLength={200}
            />
            <button type="submit" disabled={creating || !name.trim()}>
              {creating ? 'Creating…' : 'Create project'}
            </button>
          </div>
        </form>
      )}
      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading">
          Projects {stale && <span className="muted">· offline, showing the last list seen</span>}
        </h2>
        {projects === null ? (
          <p className="muted">{stale ? 'Offline, and no project list seen yet.' : 'Loading…'}</p>
        ) : projects.length === 0 ? (
          <div className="empty card">
            <p>No projects yet.</p>
            {permissions(role).createProjects && (
              <p className="muted">Create the first one above.</p>
            )}
          </div>
        ) : (
          <ul className="project-grid" data-testid="projects-list">
            {projects.map((p) => (
              <li key={p.id}>
                <a className="project-card" href={`#/project/${p.id}`}>
                  <span className="project-initial" aria-hidden>
                    {[...p.name][0]?.toUpperCase()}
                  </span>
                  <span className="project-card-body">
                    <strong>{p.name}</strong>
                    <span className="muted">
                      Created {new Date(p.createdAt).toLocaleDateString()}
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Shell>
  )
}
