import type { ProjectDocument } from '@loupe/model'
import { permissions } from '../app/session'
import { Shell } from '../app/Shell'
import { FlowsPanel } from '../flows/FlowsPanel'
import { ServerExport } from '../flows/ServerExport'
import { useProjectDocument, useSession } from '../sync/hooks'
import { DatasetActions } from './DatasetActions'
import { ImageUpload } from './ImageUpload'
import { JobsList } from './JobsList'
import { LabelsManager } from './LabelsManager'
import { OfflineButton } from './OfflineButton'
import { ShareLinks } from './ShareLinks'
import { useProjectVersion } from './useProjectVersion'
import './project.css'

/** A project: its images, jobs and labels, from the local copy of the project document. */
export function ProjectPage({
  projectId,
  onSignOut,
}: {
  projectId: string
  onSignOut: () => void
}) {
  const state = useProjectDocument(projectId)
  const project = state.project
  useProjectVersion(project)
  const name = project?.getMeta().name ?? 'Project'
  return (
    <Shell
      crumbs={[{ label: 'Projects', route: { name: 'projects' } }, { label: name }]}
      onSignOut={onSignOut}
    >
      {state.state !== 'ready' || !project ? (
        <div className="placeholder-state" role={state.state === 'error' ? 'alert' : undefined}>
          <p>{state.state === 'loading' ? 'Opening the project…' : state.message}</p>
          <a href="#/">Back to projects</a>
        </div>
      ) : (
        <ProjectContent projectId={projectId} project={project} />
      )}
    </Shell>
  )
}

function ProjectContent({ projectId, project }: { projectId: string; project: ProjectDocument }) {
  const { role } = useSession()
  const can = permissions(role)
  const meta = project.getMeta()
  const images = project.listImages()
  const jobs = project.listJobs()
  const labels = project.listLabels()
  return (
    <div className="project-page">
      <div className="project-head">
        <div>
          <h1>{meta.name}</h1>
          <p className="muted stats">
            {images.length} {images.length === 1 ? 'image' : 'images'} · {jobs.length}{' '}
            {jobs.length === 1 ? 'job' : 'jobs'} · {labels.length}{' '}
            {labels.length === 1 ? 'label' : 'labels'}
            {project.readOnly && ' · made by a newer Loupe: read-only'}
          </p>
        </div>
        <div className="project-actions">
          <DatasetActions
            projectId={projectId}
            project={project}
            canImport={can.annotate && !project.readOnly}
          />
          <ServerExport projectId={projectId} />
          {can.manage && <ShareLinks projectId={projectId} />}
          <OfflineButton projectId={projectId} project={project} />
        </div>
      </div>
      <div className="project-columns">
        <div className="project-main">
          {can.addImages && !project.readOnly && (
            <ImageUpload projectId={projectId} project={project} />
          )}
          <JobsList projectId={projectId} project={project} />
          {can.manage && <FlowsPanel projectId={projectId} />}
        </div>
        <LabelsManager project={project} editable={can.manage && !project.readOnly} />
      </div>
    </div>
  )
}
