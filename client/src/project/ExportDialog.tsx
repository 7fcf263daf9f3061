import { useEffect, useRef, useState } from 'react'
import type { ProjectDocument } from '@loupe/model'
import type { FormatId, SubsetMode } from '@loupe/formats'
import type { FormatInfo } from '../../../worker/src/formats-protocol'
import { useImageServices } from '../data/hooks'
import { isCancelled } from '../formats/client'
import type { TaskProgress } from '../formats/client'
import { runExport } from '../formats/export'
import type { ExportOutcome } from '../formats/export'
import { downloadBlob, formatBytes } from '../formats/files'
import { describeProgress } from '../formats/phases'
import { useFormatList, useFormatsClient } from '../formats/useFormatsClient'
import { useHub } from '../sync/hooks'
import { Dialog } from './Dialog'

type Run =
  | { state: 'idle' }
  | { state: 'running'; progress: TaskProgress | null }
  | { state: 'done'; outcome: ExportOutcome; url: string }
  | { state: 'error'; message: string }
  | { state: 'cancelled' }

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** What a format keeps and loses, in one line, from its capabilities. */
export function describeCapabilities(format: FormatInfo): string {
  const caps = format.capabilities
  const shapes = caps.shapes.length > 0 ? caps.shapes.join(', ') : 'no shapes'
  const converts = Object.entries(caps.converts ?? {}).map(([type, how]) => `${type} (${how})`)
  const flags: [boolean, string][] = [
    [caps.attributes, 'attributes'],
    [caps.tags, 'tags'],
    [caps.rotation, 'rotation'],
    [caps.occluded, 'occluded'],
    [caps.groups, 'groups'],
    [caps.subsets, 'subsets'],
    [caps.colors, 'label colors'],
  ]
  const kept = flags.filter(([has]) => has).map(([, name]) => name)
  const lost = flags.filter(([has]) => !has).map(([, name]) => name)
  return [
    `Holds ${shapes}${kept.length ? `; ${kept.join(', ')}` : ''}.`,
    converts.length ? `Converts ${converts.join(', ')}.` : '',
    lost.length ? `No ${lost.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ')
}

/** Export the project (or some jobs) in a format, as a zip made in the worker from local data. */
export function ExportDialog(props: {
  projectId: string
  project: ProjectDocument
  onClose: () => void
}) {
  const hub = useHub()
  const { blobs } = useImageServices()
  const client = useFormatsClient()
  const { formats, error: formatsError } = useFormatList(client)
  const jobs = props.project.listJobs()
  const [format, setFormat] = useState<FormatId>('coco')
  const [selected, setSelected] = useState<ReadonlySet<string>>(
    () => new Set(jobs.map((j) => j.id)),
  )
  const [includeImages, setIncludeImages] = useState(false)
  const [subsets, setSubsets] = useState<SubsetMode>('default')
  const [run, setRun] = useState<Run>({ state: 'idle' })
  const abort = useRef<AbortController | null>(null)
  const url = run.state === 'done' ? run.url : null

  useEffect(() => () => abort.current?.abort(), [])
  useEffect(() => (url ? () => URL.revokeObjectURL(url) : undefined), [url])

  const chosen = formats?.find((f) => f.id === format)
  const jobIds = jobs.filter((j) => selected.has(j.id)).map((j) => j.id)
  const running = run.state === 'running'

  const start = () => {
    abort.current?.abort()
    const controller = new AbortController()
    abort.current = controller
    setRun({ state: 'running', progress: null })
    runExport(
      { hub, blobs, client: client(), projectId: props.projectId, project: props.project },
      { format, jobIds, includeImages, subsets },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) setRun({ state: 'running', progress })
        },
      },
    ).then(
      (outcome) => {
        const href = downloadBlob(outcome.file, outcome.fileName)
        setRun({ state: 'done', outcome, url: href })
      },
      (error: unknown) =>
        setRun(
          isCancelled(error) ? { state: 'cancelled' } : { state: 'error', message: message(error) },
        ),
    )
  }

  const close = () => {
    abort.current?.abort()
    props.onClose()
  }

  const toggle = (jobId: string) => {
    const next = new Set(selected)
    if (next.has(jobId)) next.delete(jobId)
    else next.add(jobId)
    setSelected(next)
  }

  return (
    <Dialog title="Export annotations" testId="export-dialog" onClose={close}>
      <div className="modal-section export-form">
        <label className="field">
          <span className="field-label">Format</span>
          <select
            value={format}
            onChange={(e) => setFormat(e.target.value as FormatId)}
            disabled={running || !formats}
            aria-label="Format"
          >
            {(formats ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        {chosen && (
          <p className="muted capabilities" data-testid="export-capabilities">
            {describeCapabilities(chosen)}
          </p>
        )}
        {formatsError && (
          <p role="alert" className="error">
            {formatsError}
          </p>
        )}

        <fieldset className="jobs-choice" disabled={running}>
          <legend className="field-label">Jobs</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={selected.size === jobs.length && jobs.length > 0}
              ref={(el) => {
                if (el) el.indeterminate = selected.size > 0 && selected.size < jobs.length
              }}
              onChange={(e) =>
                setSelected(e.target.checked ? new Set(jobs.map((j) => j.id)) : new Set())
              }
            />
            All jobs ({jobs.length})
          </label>
          <div className="jobs-choice-list">
            {jobs.map((job) => (
              <label key={job.id} className="check">
                <input
                  type="checkbox"
                  checked={selected.has(job.id)}
                  onChange={() => toggle(job.id)}
                  aria-label={job.name}
                />
                {job.name}
              </label>
            ))}
          </div>
        </fieldset>

        <div className="row">
          <label className="field">
            <span className="field-label">Subsets</span>
            <select
              value={subsets}
              onChange={(e) => setSubsets(e.target.value as SubsetMode)}
              disabled={running}
              aria-label="Subsets"
            >
              <option value="default">One subset</option>
              <option value="job">One subset per job</option>
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={includeImages}
              disabled={running}
              onChange={(e) => setIncludeImages(e.target.checked)}
            />
            Include images
          </label>
        </div>
      </div>

      {run.state === 'done' && <ExportDone outcome={run.outcome} url={run.url} />}
      {run.state === 'error' && (
        <p role="alert" className="error modal-error" data-testid="export-error">
          {run.message}
        </p>
      )}
      {run.state === 'cancelled' && (
        <p className="muted" data-testid="export-cancelled">
          Export cancelled.
        </p>
      )}

      <footer className="modal-foot">
        {running ? (
          <>
            <div className="progress-line grow" data-testid="export-progress">
              <span>{run.progress ? describeProgress(run.progress) : 'Starting…'}</span>
              <progress
                value={run.progress?.total ? run.progress.done : undefined}
                max={run.progress?.total || 1}
                aria-label="Export progress"
              />
            </div>
            <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <span className="grow" />
            <button type="button" className="secondary" onClick={close}>
              Close
            </button>
            <button type="button" onClick={start} disabled={!chosen || jobIds.length === 0}>
              {run.state === 'done' ? 'Export again' : 'Export'}
            </button>
          </>
        )}
      </footer>
    </Dialog>
  )
}

function ExportDone({ outcome, url }: { outcome: ExportOutcome; url: string }) {
  const { report } = outcome
  return (
    <div className="modal-section" data-testid="export-summary">
      <p>
        ✓ <strong>{outcome.fileName}</strong> ({formatBytes(outcome.file.size)}):{' '}
        {report.images.toLocaleString('en')} {report.images === 1 ? 'image' : 'images'},{' '}
        {report.annotations.toLocaleString('en')}{' '}
        {report.annotations === 1 ? 'annotation' : 'annotations'}.{' '}
        <a href={url} download={outcome.fileName}>
          Download again
        </a>
      </p>
      <div className="report" data-testid="export-report">
        <h3>Export report</h3>
        {report.entries.length === 0 ? (
          <p className="muted">The format holds everything that was exported.</p>
        ) : (
          <ul>
            {report.entries.map((entry) => (
              <li key={`${entry.kind}:${entry.what}`}>
                <strong>
                  {entry.count.toLocaleString('en')} {entry.what}
                </strong>{' '}
                {entry.kind === 'dropped' ? 'left out' : 'converted'}: {entry.detail}
              </li>
            ))}
          </ul>
        )}
        {outcome.warnings.length > 0 && (
          <ul data-testid="export-warnings">
            {outcome.warnings.map((warning, i) => (
              <li key={i}>{warning}</li>
            ))}
          </ul>
        )}
        {outcome.missingImages.length > 0 && (
          <p className="muted">
            Not on this device: {outcome.missingImages.slice(0, 5).join(', ')}
            {outcome.missingImages.length > 5
              ? ` and ${outcome.missingImages.length - 5} more`
              : ''}
          </p>
        )}
      </div>
    </div>
  )
}
