import { useEffect, useRef, useState } from 'react'
import type { DragEvent } from 'react'
import type { ProjectDocument } from '@loupe/model'
import type { FormatId, ImportSummary } from '@loupe/formats'
import type { DetectResult, FormatInfo, ImportSource } from '../../../worker/src/formats-protocol'
import { useImageServices } from '../data/hooks'
import { isCancelled } from '../formats/client'
import type { TaskProgress } from '../formats/client'
import { describeFiles, filesFromDrop, filesFromInput, importSource } from '../formats/files'
import { runImport } from '../formats/import'
import type { ImportOutcome } from '../formats/import'
import { describeProgress } from '../formats/phases'
import { useFormatList, useFormatsClient } from '../formats/useFormatsClient'
import { useHub, useSession } from '../sync/hooks'
import { Dialog } from './Dialog'

type Detection =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; result: DetectResult }
  | { state: 'error'; message: string }

type Run =
  | { state: 'idle' }
  | { state: 'running'; progress: TaskProgress | null }
  | { state: 'done'; outcome: ImportOutcome }
  | { state: 'error'; message: string }
  | { state: 'cancelled' }

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Import annotations (a zip, annotation files or a folder) into the project, in the worker. */
export function ImportDialog(props: {
  projectId: string
  project: ProjectDocument
  onClose: () => void
}) {
  const hub = useHub()
  const { role } = useSession()
  const images = useImageServices()
  const client = useFormatsClient()
  const { formats } = useFormatList(client)
  const [source, setSource] = useState<ImportSource | null>(null)
  const [detection, setDetection] = useState<Detection>({ state: 'idle' })
  const [format, setFormat] = useState<FormatId | 'auto'>('auto')
  const [run, setRun] = useState<Run>({ state: 'idle' })
  const [dragging, setDragging] = useState(false)
  const abort = useRef<AbortController | null>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const folderRef = useRef<HTMLInputElement>(null)

  // Closing the dialog cancels what it runs.
  useEffect(() => () => abort.current?.abort(), [])

  const choose = (chosen: ImportSource) => {
    abort.current?.abort()
    const controller = new AbortController()
    abort.current = controller
    setSource(chosen)
    setFormat('auto')
    setRun({ state: 'idle' })
    setDetection({ state: 'running' })
    client()
      .run({ kind: 'detect', source: chosen }, { signal: controller.signal })
      .then(
        (result) => setDetection({ state: 'done', result }),
        (error: unknown) => {
          if (!controller.signal.aborted) setDetection({ state: 'error', message: message(error) })
        },
      )
  }

  const start = () => {
    if (!source) return
    abort.current?.abort()
    const controller = new AbortController()
    abort.current = controller
    setRun({ state: 'running', progress: null })
    runImport(
      { hub, images, client: client(), projectId: props.projectId, project: props.project, role },
      { source, format },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) setRun({ state: 'running', progress })
        },
      },
    ).then(
      (outcome) => setRun({ state: 'done', outcome }),
      (error: unknown) =>
        setRun(
          isCancelled(error) ? { state: 'cancelled' } : { state: 'error', message: message(error) },
        ),
    )
  }

  const cancel = () => abort.current?.abort()
  const close = () => {
    cancel()
    props.onClose()
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setDragging(false)
    if (run.state === 'running') return
    filesFromDrop(event.dataTransfer).then(
      (files) => files.length > 0 && choose(importSource(files)),
      (error: unknown) => setDetection({ state: 'error', message: message(error) }),
    )
  }

  const running = run.state === 'running'
  const detections = detection.state === 'done' ? detection.result.detections : []
  const best = detections[0]
  const canImport =
    !!source && !running && detection.state === 'done' && (format !== 'auto' || !!best)

  return (
    <Dialog title="Import annotations" testId="import-dialog" onClose={close}>
      {run.state === 'done' ? (
        <ImportDone
          outcome={run.outcome}
          onAgain={() => {
            setSource(null)
            setDetection({ state: 'idle' })
            setRun({ state: 'idle' })
          }}
          onClose={close}
        />
      ) : (
        <>
          <div
            className={dragging ? 'dropzone dragging' : 'dropzone'}
            data-testid="import-dropzone"
            onDragOver={(e) => {
              e.preventDefault()
              setDragging(true)
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <p>
              <strong>Drop a dataset here</strong>
              <span className="muted">
                {' '}
                — a zip, annotation files (JSON, XML, TXT) or a folder. Read on this device; works
                offline.
              </span>
            </p>
            <div className="row">
              <button
                type="button"
                className="secondary"
                disabled={running}
                onClick={() => fileRef.current?.click()}
              >
                Choose files…
              </button>
              <button
                type="button"
                className="secondary"
                disabled={running}
                onClick={() => folderRef.current?.click()}
              >
                Choose a folder…
              </button>
            </div>
            <input
              ref={fileRef}
              type="file"
              multiple
              hidden
              accept=".zip,.json,.xml,.txt,.yaml,.yml,.names,.data,image/*"
              aria-label="Dataset files"
              data-testid="import-file-input"
              onChange={(e) => {
                const files = filesFromInput(e.target.files ?? [])
                if (files.length > 0) choose(importSource(files))
                e.target.value = ''
              }}
            />
            <input
              ref={folderRef}
              type="file"
              hidden
              aria-label="Dataset folder"
              data-testid="import-folder-input"
              {...{ webkitdirectory: '' }}
              onChange={(e) => {
                const files = filesFromInput(e.target.files ?? [])
                if (files.length > 0) choose(importSource(files))
                e.target.value = ''
              }}
            />
          </div>

          {source && (
            <div className="modal-section" data-testid="import-source">
              <p>
                <strong>{describeFiles(source.files)}</strong>{' '}
                <DetectionLine detection={detection} />
              </p>
              <label className="field">
                <span className="field-label">Format</span>
                <select
                  value={format}
                  onChange={(e) => setFormat(e.target.value as FormatId | 'auto')}
                  disabled={running}
                  aria-label="Format"
                >
                  <option value="auto">
                    {best ? `Detected: ${best.name}` : 'Detect from the files'}
                  </option>
                  {(formats ?? []).map((f: FormatInfo) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}

          {run.state === 'error' && (
            <div className="modal-error">
              <p role="alert" className="error" data-testid="import-error">
                {run.message}
              </p>
              <p className="muted">Nothing was changed.</p>
            </div>
          )}
          {run.state === 'cancelled' && (
            <p className="muted" data-testid="import-cancelled">
              Import cancelled. Nothing was changed.
            </p>
          )}

          <footer className="modal-foot">
            {running ? (
              <>
                <div className="progress-line grow" data-testid="import-progress">
                  <span>{run.progress ? describeProgress(run.progress) : 'Starting…'}</span>
                  <progress
                    value={run.progress?.total ? run.progress.done : undefined}
                    max={run.progress?.total || 1}
                    aria-label="Import progress"
                  />
                </div>
                <button
                  type="button"
                  className="secondary"
                  onClick={cancel}
                  disabled={run.progress?.phase === 'apply'}
                  title={run.progress?.phase === 'apply' ? 'Saving: too late to cancel' : undefined}
                >
                  Cancel
                </button>
              </>
            ) : (
              <>
                <span className="grow" />
                <button type="button" className="secondary" onClick={close}>
                  Close
                </button>
                <button type="button" onClick={start} disabled={!canImport}>
                  Import
                </button>
              </>
            )}
          </footer>
        </>
      )}
    </Dialog>
  )
}

function DetectionLine({ detection }: { detection: Detection }) {
  switch (detection.state) {
    case 'running':
      return <span className="muted">Looking at the files…</span>
    case 'error':
      return (
        <span role="alert" className="error" data-testid="import-error">
          {detection.message}
        </span>
      )
    case 'done': {
      const { detections, files, images } = detection.result
      const counts = `${files} ${files === 1 ? 'file' : 'files'}${images ? `, ${images} ${images === 1 ? 'image' : 'images'}` : ''}`
      const [best, second] = detections
      if (!best) {
        return <span className="muted">({counts}): format not recognised, choose it below.</span>
      }
      const tie = second && second.confidence === best.confidence
      return (
        <span className="muted" data-testid="import-detected">
          ({counts}): looks like {best.name}
          {tie ? ` or ${second.name}: check the format below` : ''}.
        </span>
      )
    }
    default:
      return null
  }
}

const SUMMARY: [keyof ImportSummary, string, string][] = [
  ['labelsAdded', 'label added', 'labels added'],
  ['imagesAdded', 'image added', 'images added'],
  ['imagesMatched', 'image matched', 'images matched'],
  ['jobsCreated', 'job created', 'jobs created'],
  ['shapesAdded', 'shape added', 'shapes added'],
  ['shapesSkipped', 'shape skipped (already there)', 'shapes skipped (already there)'],
  ['tagsAdded', 'tag added', 'tags added'],
]

function ImportDone(props: { outcome: ImportOutcome; onAgain: () => void; onClose: () => void }) {
  const { outcome } = props
  return (
    <div data-testid="import-summary">
      <p>
        <strong>
          {outcome.changed
            ? `Imported from ${outcome.format.name}.`
            : `Nothing to change: the project already holds everything in these ${outcome.format.name} files.`}
        </strong>
      </p>
      <ul className="summary-list">
        {SUMMARY.map(([key, one, many]) => (
          <li key={key} data-testid={`import-${key}`}>
            <strong>{outcome.summary[key].toLocaleString('en')}</strong>{' '}
            {outcome.summary[key] === 1 ? one : many}
          </li>
        ))}
      </ul>
      {outcome.report.length > 0 && (
        <div className="report" data-testid="import-report">
          <h3>Report</h3>
          <ul>
            {outcome.report.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <footer className="modal-foot">
        <span className="grow" />
        <button type="button" className="secondary" onClick={props.onAgain}>
          Import more
        </button>
        <button type="button" onClick={props.onClose}>
          Done
        </button>
      </footer>
    </div>
  )
}
