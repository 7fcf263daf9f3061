import { useSyncExternalStore } from 'react'

/** The app's screens, addressed by the URL hash (`#/project/<id>/job/<jobId>`). */
export type Route =
  | { name: 'projects' }
  | { name: 'project'; projectId: string }
  | { name: 'job'; projectId: string; jobId: string }
  | { name: 'not-found'; hash: string }

const SEGMENT = '([A-Za-z0-9_-]{1,64})'
const PROJECT = new RegExp(`^#?/project/${SEGMENT}/?$`)
const JOB = new RegExp(`^#?/project/${SEGMENT}/job/${SEGMENT}/?$`)

export function parseRoute(hash: string): Route {
  if (hash === '' || hash === '#' || hash === '#/' || hash === '/') return { name: 'projects' }
  const job = JOB.exec(hash)
  if (job) return { name: 'job', projectId: job[1]!, jobId: job[2]! }
  const project = PROJECT.exec(hash)
  if (project) return { name: 'project', projectId: project[1]! }
  return { name: 'not-found', hash }
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'projects':
      return '#/'
    case 'project':
      return `#/project/${route.projectId}`
    case 'job':
      return `#/project/${route.projectId}/job/${route.jobId}`
    case 'not-found':
      return route.hash
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = routeHash(route)
  if (options.replace) {
    history.replaceState(null, '', location.pathname + location.search + hash)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  } else {
    location.hash = hash
  }
}

const subscribe = (fn: () => void) => {
  window.addEventListener('hashchange', fn)
  return () => window.removeEventListener('hashchange', fn)
}

/** The current hash, re-rendering on navigation. */
export function useHash(): string {
  return useSyncExternalStore(subscribe, () => location.hash)
}
