import { DeploymentForm } from './DeploymentForm'
import { DeploymentList } from './DeploymentList'
import { RunList } from './RunList'
import { useDeployments, useFlowList, useFlowsApi, useProjectRuns } from './useFlows'
import './flows.css'

/**
 * The project's "Flows" section (managers): new deployment, deployments (run now, pause, resume,
 * edit schedule, delete) and recent runs with live state and progress, logs and downloads.
 */
export function FlowsPanel({ projectId }: { projectId: string }) {
  const flows = useFlowsApi()
  const available = useFlowList(flows)
  const deployments = useDeployments(flows, projectId)
  const runs = useProjectRuns(flows, projectId)
  return (
    <section className="card flows-panel" aria-labelledby="flows-heading" data-testid="flows-panel">
      <h2 id="flows-heading">
        Flows <span className="count">{deployments.deployments.length}</span>
      </h2>
      <h3>New deployment</h3>
      <DeploymentForm
        flows={flows}
        projectId={projectId}
        available={available}
        onCreated={deployments.reload}
      />
      <h3>Deployments</h3>
      {deployments.error && (
        <p role="alert" className="error">
          {deployments.error}
        </p>
      )}
      <DeploymentList
        flows={flows}
        deployments={deployments.deployments}
        onChanged={() => {
          deployments.reload()
          runs.reload()
        }}
        onStarted={(run) => runs.merge([run])}
      />
      <h3>Runs</h3>
      {runs.error && (
        <p role="alert" className="error">
          {runs.error}
        </p>
      )}
      <RunList flows={flows} runs={runs.runs} />
    </section>
  )
}
