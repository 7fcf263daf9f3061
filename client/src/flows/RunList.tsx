import { useEffect, useState } from 'react'
import { FINAL_RUN_STATES } from './flows-api'
import type { FlowArtifactView, FlowLogLine, FlowRunView, FlowsApi } from './flows-api'

const STATE_CLASS: Record<string, string> = {
  Completed: 'ok',
  Cached: 'ok',
  Failed: 'bad',
  Crashed: 'bad',
  Cancelled: 'off',
  Cancelling: 'off',
  Running: 'live',
  Retrying: 'live',
  Pending: 'live',
  Late: 'warn',
  AwaitingRetry: 'warn',
}

function duration(run: FlowRunView): string {
  if (!run.startedAt) return ''
  const end = run.endedAt ? Date.parse(run.endedAt) : Date.now()
  const s = Math.max(0, (end - Date.parse(run.startedAt)) / 1000)
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.round(s / 60)} min`
}

/** Recent runs: state, progress bar, duration; details with logs and artifact downloads. */
export function RunList({ flows, runs }: { flows: FlowsApi; runs: FlowRunView[] }) {
  const [open, setOpen] = useState<string | null>(null)
  if (runs.length === 0) return <p className="muted">No runs yet.</p>
  return (
    <ul className="runs" data-testid="flow-runs">
      {runs.map((run) => {
        const over = FINAL_RUN_STATES.has(run.state)
        const fraction = run.progress?.fraction ?? (run.state === 'Completed' ? 1 : 0)
        return (
          <li
            key={run.id}
            className="run"
            data-testid="flow-run"
            data-run-id={run.id}
            data-state={run.state}
          >
            <div className="run-line">
              <span className="run-flow">{run.flow}</span>
              <span
                className={`run-state run-${STATE_CLASS[run.state] ?? 'off'}`}
                data-testid="run-state"
              >
                {run.state}
              </span>
              <progress
                max={1}
                value={fraction}
                aria-label={`Progress of ${run.flow}`}
                data-testid="run-progress"
              />
              <span className="muted small grow">
                {run.progress?.message ?? ''} {run.error ? `· ${run.error}` : ''}
              </span>
              <span className="muted small">
                {new Date(run.startedAt ?? run.scheduledAt).toLocaleTimeString()} {duration(run)}
              </span>
              {!over && (
                <button
                  type="button"
                  className="secondary small-button"
                  onClick={() => void flows.cancel(run.id).catch(() => undefined)}
                >
                  Cancel
                </button>
              )}
              <button
                type="button"
                className="secondary small-button"
                aria-expanded={open === run.id}
                onClick={() => setOpen(open === run.id ? null : run.id)}
              >
                {open === run.id ? 'Hide' : 'Details'}
              </button>
            </div>
            {open === run.id && <RunDetails flows={flows} run={run} />}
          </li>
        )
      })}
    </ul>
  )
}

/** Logs and artifacts of one run, re-read when its state changes. */
function RunDetails({ flows, run }: { flows: FlowsApi; run: FlowRunView }) {
  const [logs, setLogs] = useState<FlowLogLine[]>([])
  const [artifacts, setArtifacts] = useState<FlowArtifactView[]>([])
  useEffect(() => {
    let live = true
    void flows.logs(run.id).then(
      (r) => live && setLogs(r.logs),
      () => undefined,
    )
    void flows.artifacts(run.id).then(
      (r) => live && setArtifacts(r.artifacts),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [flows, run.id, run.state])
  return (
    <div className="run-details" data-testid="run-details">
      {artifacts.length > 0 && (
        <ul className="artifacts">
          {artifacts.map((a) => (
            <li key={a.id}>
              {a.file ? (
                <a
                  className="button-link"
                  href={flows.downloadUrl(a.file.url)}
                  download={a.file.name}
                  data-testid="artifact-download"
                >
                  Download {a.file.name}
                </a>
              ) : a.type === 'markdown' ? (
                <details>
                  <summary>{a.key}</summary>
                  <pre className="artifact-markdown">
                    {(a.data as { markdown: string }).markdown}
                  </pre>
                </details>
              ) : (
                <span>
                  {a.key} ({a.type})
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <pre className="run-logs" data-testid="run-logs">
        {logs.length === 0
          ? 'No log lines.'
          : logs
              .map(
                (l) => `${new Date(l.at).toLocaleTimeString()} ${l.level.padEnd(7)} ${l.message}`,
              )
              .join('\n')}
      </pre>
    </div>
  )
}
