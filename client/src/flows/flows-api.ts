import type { ApiClient } from '../app/api'

/** Shapes of the flow REST API (DESIGN.md §4); see sync-server/src/http/flows.ts. */
export interface FlowInfo {
  name: string
  description: string | null
  parameters: { properties?: Record<string, unknown>; required?: string[] } | null
}

export type ScheduleInput =
  { cron: string; timezone?: string } | { intervalSeconds: number; anchor?: string }

export interface Deployment {
  id: string
  name: string
  flow: string
  parameters: Record<string, unknown>
  schedule: { cron: string; timezone: string } | { intervalSeconds: number; anchor: string } | null
  paused: boolean
  missedRunPolicy: 'skip' | 'runOnce' | 'backfill'
  createdAt: string
  updatedAt: string
  nextRunAt: string | null
}

export interface FlowRunView {
  id: string
  flow: string
  deploymentId: string | null
  parameters: Record<string, unknown>
  state: string
  scheduledAt: string
  startedAt: string | null
  endedAt: string | null
  createdAt: string
  stateMessage: string | null
  attempt: number
  progress: { fraction: number; message?: string } | null
  error: string | null
  result?: unknown
}

export interface FlowLogLine {
  seq: number | null
  at: string
  level: 'debug' | 'info' | 'warning' | 'error'
  message: string
}

export interface FlowArtifactView {
  id: string
  key: string
  type: 'file' | 'markdown' | 'table' | 'link'
  description: string | null
  file?: { name: string; mimeType: string; size: number; url: string }
  data?: unknown
}

export const FINAL_RUN_STATES: ReadonlySet<string> = new Set([
  'Completed',
  'Cached',
  'Failed',
  'Cancelled',
  'Crashed',
])

const enc = encodeURIComponent

export class FlowsApi {
  constructor(readonly api: ApiClient) {}

  listFlows(): Promise<{ flows: FlowInfo[] }> {
    return this.api.request('GET', '/api/flows')
  }

  listDeployments(projectId: string): Promise<{ deployments: Deployment[] }> {
    return this.api.request('GET', `/api/deployments?projectId=${enc(projectId)}`)
  }

  createDeployment(body: {
    flow: string
    name?: string
    parameters: Record<string, unknown>
    schedule: ScheduleInput | null
    paused?: boolean
  }): Promise<{ deployment: Deployment }> {
    return this.api.request('POST', '/api/deployments', body)
  }

  updateDeployment(
    id: string,
    changes: { schedule?: ScheduleInput | null; paused?: boolean; name?: string },
  ): Promise<{ deployment: Deployment }> {
    return this.api.request('PATCH', `/api/deployments/${enc(id)}`, changes)
  }

  deleteDeployment(id: string): Promise<null> {
    return this.api.request('DELETE', `/api/deployments/${enc(id)}`)
  }

  runDeployment(id: string): Promise<{ run: FlowRunView }> {
    return this.api.request('POST', `/api/deployments/${enc(id)}/run`)
  }

  startRun(flow: string, parameters: Record<string, unknown>): Promise<{ run: FlowRunView }> {
    return this.api.request('POST', '/api/flow-runs', { flow, parameters })
  }

  /** Starts an `export` run (viewer and up): `POST /api/projects/:id/export`. */
  exportOnServer(
    projectId: string,
    body: { format: string; includeImages?: boolean },
  ): Promise<{ run: FlowRunView }> {
    return this.api.request('POST', `/api/projects/${enc(projectId)}/export`, body)
  }

  listRuns(
    projectId: string,
    options: { limit?: number; cursor?: string | null } = {},
  ): Promise<{ runs: FlowRunView[]; nextCursor: string | null }> {
    const cursor = options.cursor ? `&cursor=${enc(options.cursor)}` : ''
    return this.api.request(
      'GET',
      `/api/flow-runs?projectId=${enc(projectId)}&limit=${options.limit ?? 20}${cursor}`,
    )
  }

  getRun(id: string): Promise<FlowRunView> {
    return this.api.request('GET', `/api/flow-runs/${enc(id)}`)
  }

  logs(id: string): Promise<{ logs: FlowLogLine[] }> {
    return this.api.request('GET', `/api/flow-runs/${enc(id)}/logs`)
  }

  artifacts(id: string): Promise<{ artifacts: FlowArtifactView[] }> {
    return this.api.request('GET', `/api/flow-runs/${enc(id)}/artifacts`)
  }

  cancel(id: string): Promise<{ run: FlowRunView }> {
    return this.api.request('POST', `/api/flow-runs/${enc(id)}/cancel`)
  }

  /** A link that downloads a file artifact (the token rides along, as for `<img>` blobs). */
  downloadUrl(url: string): string {
    const sep = url.includes('?') ? '&' : '?'
    return `${this.api.baseUrl}${url}${sep}token=${enc(this.api.authToken)}`
  }

  /** Server-sent `run` events of every run of the project. */
  projectEventsUrl(projectId: string): string {
    return `${this.api.baseUrl}/api/projects/${enc(projectId)}/flow-events?token=${enc(this.api.authToken)}`
  }

  runEventsUrl(runId: string): string {
    return `${this.api.baseUrl}/api/flow-runs/${enc(runId)}/events?token=${enc(this.api.authToken)}`
  }
}

/** Clicks a download link (the browser saves the file under the server's name). */
export function startDownload(href: string): void {
  const a = document.createElement('a')
  a.href = href
  a.download = ''
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
}
