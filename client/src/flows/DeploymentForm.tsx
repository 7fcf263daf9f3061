import { useState } from 'react'
import type { FlowInfo, FlowsApi } from './flows-api'
import { ScheduleFields } from './ScheduleFields'
import { defaultDraft, scheduleFromDraft } from './schedule'

interface ParamProperty {
  type?: string
  enum?: string[]
  default?: unknown
}

const FLOW_HINTS: Record<string, string> = {
  export: 'Writes the project in a dataset format to a zip',
  backup: 'Snapshots every document of the project; keeps the newest N',
  report: 'Counts per label, annotator and job',
  'auto-annotate': 'Runs an ONNX model over images without annotations',
}

/** The flow-specific parameters the form offers (the rest keep the flow's defaults). */
function paramsOf(flow: FlowInfo | undefined) {
  return (flow?.parameters?.properties ?? {}) as Record<string, ParamProperty>
}

/** "New deployment": a flow, its parameters, and a schedule (interval or cron + time zone). */
export function DeploymentForm({
  flows,
  projectId,
  available,
  onCreated,
}: {
  flows: FlowsApi
  projectId: string
  available: FlowInfo[]
  onCreated: () => void
}) {
  const choices = available.filter((f) => FLOW_HINTS[f.name] !== undefined)
  const [flowName, setFlowName] = useState('report')
  const [draft, setDraft] = useState(defaultDraft)
  const [values, setValues] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const flow = choices.find((f) => f.name === flowName)
  const props = paramsOf(flow)

  const parameters = (): Record<string, unknown> => {
    const out: Record<string, unknown> = { projectId }
    if (flowName === 'export') out.format = values.format || props.format?.enum?.[0] || 'coco'
    if (flowName === 'backup' && values.retention) out.retention = Number(values.retention)
    if (flowName === 'auto-annotate') {
      const model = (values.model ?? '').trim()
      out.model = /^[0-9a-f]{64}$/.test(model)
        ? { sha256: model }
        : /^https?:/.test(model)
          ? { url: model }
          : { path: model }
      if (values.classes?.trim()) out.classes = values.classes.split(',').map((c) => c.trim())
    }
    return out
  }

  const submit = () => {
    const schedule = scheduleFromDraft(draft)
    if (!schedule.ok) return setError(schedule.error)
    setBusy(true)
    setError(null)
    flows
      .createDeployment({
        flow: flowName,
        parameters: parameters(),
        schedule: schedule.schedule,
        ...(values.name?.trim() ? { name: values.name.trim() } : {}),
      })
      .then(
        () => {
          setValues({})
          onCreated()
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => setBusy(false))
  }

  const field = (key: string) => ({
    value: values[key] ?? '',
    onChange: (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value }),
  })

  return (
    <form
      className="deployment-form"
      data-testid="deployment-form"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <div className="row">
        <select
          value={flowName}
          aria-label="Flow"
          onChange={(e) => {
            setFlowName(e.target.value)
            setValues({})
          }}
        >
          {choices.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
        <input placeholder="Name (optional)" aria-label="Deployment name" {...field('name')} />
      </div>
      <p className="muted hint">{FLOW_HINTS[flowName]}</p>
      {flowName === 'export' && (
        <select aria-label="Export format" {...field('format')}>
          {(props.format?.enum ?? ['coco']).map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      )}
      {flowName === 'backup' && (
        <input
          type="number"
          min={1}
          placeholder="Keep the newest 7"
          aria-label="Backups to keep"
          {...field('retention')}
        />
      )}
      {flowName === 'auto-annotate' && (
        <div className="row">
          <input
            className="grow"
            placeholder="Model: sha256 of an upload, https:// URL, or file in the models folder"
            aria-label="Model"
            {...field('model')}
          />
          <input
            placeholder="Classes → labels (comma-separated)"
            aria-label="Classes"
            {...field('classes')}
          />
        </div>
      )}
      <ScheduleFields draft={draft} onChange={setDraft} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy || !flow}>
          Create deployment
        </button>
      </div>
    </form>
  )
}
