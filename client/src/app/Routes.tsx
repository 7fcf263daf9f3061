import { useEffect } from 'react'
import { ProjectPage } from '../project/ProjectPage'
import { ProjectsPage } from '../project/ProjectsPage'
import { useSession } from '../sync/hooks'
import { JobRoute } from './JobRoute'
import { navigate, parseRoute, useHash } from './router'
import { Shell } from './Shell'

/** Picks the screen from the URL hash. A project token lands on its project. */
export function Routes({ onSignOut }: { onSignOut: () => void }) {
  const route = parseRoute(useHash())
  const session = useSession()
  const landOnProject = route.name === 'projects' && session.role !== 'admin' && !!session.projectId

  useEffect(() => {
    if (landOnProject && location.hash === '') {
      navigate({ name: 'project', projectId: session.projectId }, { replace: true })
    }
  }, [landOnProject, session.projectId])

  switch (route.name) {
    case 'projects':
      return <ProjectsPage onSignOut={onSignOut} />
    case 'project':
      return <ProjectPage key={route.projectId} projectId={route.projectId} onSignOut={onSignOut} />
    case 'job':
      return (
        <JobRoute
          key={`${route.projectId}/${route.jobId}`}
          projectId={route.projectId}
          jobId={route.jobId}
          onSignOut={onSignOut}
        />
      )
    case 'not-found':
      return (
        <Shell crumbs={[{ label: 'Not found' }]} onSignOut={onSignOut}>
          <p>
            Nothing at <code>{route.hash}</code>. <a href="#/">Back to projects</a>
          </p>
        </Shell>
      )
  }
}
