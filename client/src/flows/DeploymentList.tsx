import { useState } from 'react'
import type { Deployment, FlowRunView, FlowsApi, ScheduleInput } from './flows-api'
import { ScheduleFields } from './ScheduleFields'
import { describeSchedule, draftFromSchedule, scheduleFromDraft } from './schedule'
import type { ScheduleDraft } from './schedule'

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—')

/** Deployments: schedule, next run, and run now / pause / resume / edit schedule / delete. */
export function DeploymentList({
  flows,
  deployments,
  onChanged,
  onStarted,
}: {
  flows: FlowsApi
  deployments: Deployment[]
  onChanged: () => void
  onStarted: (run: FlowRunView) => void
}) {
  const [error, setError] = useState<string | null>(null)
  const act = (work: Promise<unknown>) =>
    work.then(
      () => {
        setError(null)
        onChanged()
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  if (deployments.length === 0) {
    return <p className="muted">No deployments yet: create one to run a flow on a schedule.</p>
  }
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul className="deployments" data-testid="deployments">
        {deployments.map((d) => (
          <DeploymentRow
            key={d.id}
            deployment={d}
            onRunNow={() =>
              act(
                flows.runDeployment(d.id).then(({ run }) => {
                  onStarted(run)
                }),
              )
            }
            onPause={() => act(flows.updateDeployment(d.id, { paused: !d.paused }))}
            onDelete={() => act(flows.deleteDeployment(d.id))}
            onSchedule={(schedule) => act(flows.updateDeployment(d.id, { schedule }))}
          />
        ))}
      </ul>
    </>
  )
}

function DeploymentRow({
  deployment: d,
  onRunNow,
  onPause,
  onDelete,
  onSchedule,
}: {
  deployment: Deployment
  onRunNow: () => void
  onPause: () => void
  onDelete: () => void
  onSchedule: (schedule: ScheduleInput | null) => void
}) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(() => draftFromSchedule(d.schedule))
  const [error, setError] = useState<string | null>(null)
  return (
    <li className="deployment" data-testid="deployment" data-deployment-id={d.id}>
      <div className="deployment-main">
        <strong>{d.name}</strong> <span className="type-chip">{d.flow}</span>{' '}
        {d.paused && <span className="state">Paused</span>}
        <div className="muted small">
          {describeSchedule(d.schedule)} · next run {d.paused ? '—' : when(d.nextRunAt)}
        </div>
      </div>
      <div className="row deployment-actions">
        <button type="button" onClick={onRunNow}>
          Run now
        </button>
        <button type="button" className="secondary" onClick={onPause}>
          {d.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="secondary" onClick={() => setEditing(!editing)}>
          Edit schedule
        </button>
        <button
          type="button"
          className="secondary danger"
          onClick={() => {
            if (window.confirm(`Delete the deployment ${d.name}?`)) onDelete()
          }}
        >
          Delete
        </button>
      </div>
      {editing && (
        <div className="deployment-edit row">
          <ScheduleFields draft={draft} onChange={setDraft} />
          <button
            type="button"
            onClick={() => {
              const result = toSchedule(draft)
              if (result === undefined) return setError('Check the schedule')
              setError(null)
              setEditing(false)
              onSchedule(result)
            }}
          >
            Save schedule
          </button>
          {error && <span className="error">{error}</span>}
        </div>
      )}
    </li>
  )
}

function toSchedule(draft: ScheduleDraft): ScheduleInput | null | undefined {
  const result = scheduleFromDraft(draft)
  return result.ok ? result.schedule : undefined
}
