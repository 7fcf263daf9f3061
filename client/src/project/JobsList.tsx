import { JOB_STATES } from '@loupe/model'
import type { JobState, ProjectDocument } from '@loupe/model'
import { useState } from 'react'
import { permissions } from '../app/session'
import { useSession } from '../sync/hooks'

const STATE_NAMES: Record<JobState, string> = {
  new: 'New',
  in_progress: 'In progress',
  done: 'Done',
  reviewed: 'Reviewed',
}

/** The project's jobs: state, assignee, image count, open. Managers edit state and assignee. */
export function JobsList({ projectId, project }: { projectId: string; project: ProjectDocument }) {
  const { role } = useSession()
  const editable = permissions(role).manage && !project.readOnly
  const [error, setError] = useState<string | null>(null)
  const jobs = project.listJobs()
  const counts = new Map<string, number>()
  for (const image of project.listImages()) {
    counts.set(image.jobId, (counts.get(image.jobId) ?? 0) + 1)
  }

  const update = (jobId: string, patch: { state?: JobState; assignee?: string }) => {
    try {
      project.updateJob(jobId, patch)
      setError(null)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }

  return (
    <section className="card" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">
        Jobs <span className="count">{jobs.length}</span>
      </h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {jobs.length === 0 ? (
        <p className="muted">Jobs appear when images are added (100 images per job).</p>
      ) : (
        <div className="table-scroll">
          <table className="jobs" data-testid="jobs-list">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Assignee</th>
                <th scope="col" className="num">
                  Images
                </th>
                <th scope="col">
                  <span className="visually-hidden">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} data-testid="job-row" data-job-id={job.id}>
                  <th scope="row">{job.name}</th>
                  <td>
                    {editable ? (
                      <select
                        value={job.state}
                        aria-label={`State of ${job.name}`}
                        onChange={(e) => update(job.id, { state: e.target.value as JobState })}
                      >
                        {JOB_STATES.map((s) => (
                          <option key={s} value={s}>
                            {STATE_NAMES[s]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className={`state state-${job.state}`}>{STATE_NAMES[job.state]}</span>
                    )}
                  </td>
                  <td>
                    {editable ? (
                      <AssigneeInput
                        value={job.assignee}
                        label={`Assignee of ${job.name}`}
                        onCommit={(assignee) => update(job.id, { assignee })}
                      />
                    ) : (
                      job.assignee || <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num">{counts.get(job.id) ?? 0}</td>
                  <td className="open">
                    <a className="button-link" href={`#/project/${projectId}/job/${job.id}`}>
                      Open
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function AssigneeInput({
  value,
  label,
  onCommit,
}: {
  value: string
  label: string
  onCommit: (value: string) => void
}) {
  const [draft, setDraft] = useState<string | null>(null)
  return (
    <input
      className="assignee"
      value={draft ?? value}
      placeholder="Unassigned"
      aria-label={label}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        if (draft !== null && draft.trim() !== value) onCommit(draft.trim())
        setDraft(null)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur()
        if (e.key === 'Escape') setDraft(null)
      }}
    />
  )
}
