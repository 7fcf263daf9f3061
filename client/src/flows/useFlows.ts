import { useCallback, useEffect, useMemo, useState } from 'react'
import { useApi } from '../app/context'
import { FlowsApi, FINAL_RUN_STATES } from './flows-api'
import type { Deployment, FlowInfo, FlowRunView } from './flows-api'

export function useFlowsApi(): FlowsApi {
  const api = useApi()
  return useMemo(() => new FlowsApi(api), [api])
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** The flows the server runs (for the deployment form). */
export function useFlowList(flows: FlowsApi): FlowInfo[] {
  const [list, setList] = useState<FlowInfo[]>([])
  useEffect(() => {
    let live = true
    flows.listFlows().then(
      (r) => live && setList(r.flows),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [flows])
  return list
}

/** The project's deployments, with a reload after every change. */
export function useDeployments(flows: FlowsApi, projectId: string) {
  const [deployments, setDeployments] = useState<Deployment[]>([])
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(() => {
    flows.listDeployments(projectId).then(
      (r) => {
        setDeployments(r.deployments)
        setError(null)
      },
      (e: unknown) => setError(message(e)),
    )
  }, [flows, projectId])
  useEffect(reload, [reload])
  return { deployments, error, reload }
}

/**
 * The project's recent runs, kept live by the project's server-sent events (state and progress);
 * upcoming scheduled runs are left out (each deployment shows its next run).
 */
export function useProjectRuns(flows: FlowsApi, projectId: string) {
  const [runs, setRuns] = useState<Map<string, FlowRunView>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const merge = useCallback((list: readonly FlowRunView[]) => {
    const now = Date.now()
    setRuns((current) => {
      const next = new Map(current)
      for (const run of list) {
        if (run.state === 'Scheduled' && Date.parse(run.scheduledAt) > now) continue
        // A final state is never left: a progress event or a listing read before the run ended
        // that arrives after its end must not show it running again.
        const known = next.get(run.id)
        if (known && FINAL_RUN_STATES.has(known.state) && !FINAL_RUN_STATES.has(run.state)) continue
        next.set(run.id, run)
      }
      return next
    })
  }, [])
  const reload = useCallback(() => {
    flows.listRuns(projectId, { limit: 30 }).then(
      (r) => {
        merge(r.runs)
        setError(null)
      },
      (e: unknown) => setError(message(e)),
    )
  }, [flows, projectId, merge])
  useEffect(reload, [reload])
  useEffect(() => {
    if (typeof EventSource === 'undefined') return
    const source = new EventSource(flows.projectEventsUrl(projectId))
    source.addEventListener('run', (event) => {
      merge([JSON.parse((event as MessageEvent<string>).data) as FlowRunView])
    })
    return () => source.close()
  }, [flows, projectId, merge])
  const visible = [...runs.values()]
    .sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt) || b.id.localeCompare(a.id))
    .slice(0, 30)
  return { runs: visible, error, reload, merge }
}
