import { useEffect, useState } from 'react'
import { FINAL_RUN_STATES, startDownload } from './flows-api'
import type { FlowRunView } from './flows-api'
import { useFlowList, useFlowsApi } from './useFlows'
import './flows.css'

/**
 * "Export on server": starts an `export` flow run, shows its progress (server-sent events) and
 * downloads the zip when the run completes. The offline "Export…" dialog stays beside it.
 */
export function ServerExport({ projectId }: { projectId: string }) {
  const flows = useFlowsApi()
  const available = useFlowList(flows)
  const formats =
    (
      (available.find((f) => f.name === 'export')?.parameters?.properties?.format ?? {}) as {
        enum?: string[]
      }
    ).enum ?? []
  const [open, setOpen] = useState(false)
  const [format, setFormat] = useState('')
  const [run, setRun] = useState<FlowRunView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const chosen = format || formats[0] || 'coco'

  useEffect(() => {
    if (!run || FINAL_RUN_STATES.has(run.state)) return
    const source = new EventSource(flows.runEventsUrl(run.id))
    source.addEventListener('run', (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as FlowRunView
      setRun(next)
      if (FINAL_RUN_STATES.has(next.state)) {
        source.close()
        if (next.state === 'Completed') {
          startDownload(flows.downloadUrl(`/api/flow-runs/${next.id}/artifact?key=export`))
        }
      }
    })
    return () => source.close()
    // Only a new run opens a new stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flows, run?.id])

  const start = () => {
    setError(null)
    flows.exportOnServer(projectId, { format: chosen }).then(
      (r) => setRun(r.run),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  }
  const busy = run !== null && !FINAL_RUN_STATES.has(run.state)

  return (
    <div className="server-export" data-testid="server-export">
      <button
        type="button"
        className="secondary"
        onClick={() => setOpen(!open)}
        disabled={!navigator.onLine}
        title="Export on the server as a flow run; the zip downloads when it is ready"
      >
        Export on server
      </button>
      {open && (
        <div className="server-export-box card">
          <div className="row">
            <select
              value={chosen}
              aria-label="Server export format"
              onChange={(e) => setFormat(e.target.value)}
              disabled={busy}
            >
              {(formats.length > 0 ? formats : ['coco']).map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
            <button type="button" onClick={start} disabled={busy}>
              Start export
            </button>
            {busy && (
              <button
                type="button"
                className="secondary"
                onClick={() => void flows.cancel(run.id).catch(() => undefined)}
              >
                Cancel
              </button>
            )}
          </div>
          {run && (
            <div className="progress-line" data-testid="server-export-status">
              <progress max={1} value={run.progress?.fraction ?? 0} />
              <span>
                {run.state}
                {run.progress?.message ? ` · ${run.progress.message}` : ''}
                {run.error ? ` · ${run.error}` : ''}
              </span>
              {run.state === 'Completed' && (
                <a
                  href={flows.downloadUrl(`/api/flow-runs/${run.id}/artifact?key=export`)}
                  download
                >
                  Download again
                </a>
              )}
            </div>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  )
}
