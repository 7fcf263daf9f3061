import { Hono } from 'hono'
import { z } from 'zod'
import {
  ALL_STATES,
  createDeployment,
  missedRunPolicySchema,
  runDeploymentNow,
  updateDeployment,
} from '@loupe/flows'
import type { DeploymentChanges, FlowRun } from '@loupe/flows'
import { isFileArtifactData } from '../flows/artifact-files'
import { MAX_MODEL_BYTES, storeModel } from '../flows/builtin/model-source'
import type { FlowService } from '../flows/service'
import type { AppDeps } from './app'
import { authenticate } from './auth'
import { readJsonBody } from './body'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode, notFound } from './errors'
import { projectFlowEvents, runEvents } from './flow-events'
import {
  FlowApiErrorCode,
  artifactView,
  asFlowApiError,
  deploymentView,
  logView,
  requireFlowRole,
  roleToRead,
  runView,
  scheduleInput,
  toSchedule,
  visibleRuns,
  canSee,
} from './flow-views'
import { authorizeProject } from './project-access'

const DeploymentBody = z.strictObject({
  flow: z.string().min(1),
  name: z.string().min(1).max(200).optional(),
  parameters: z.record(z.string(), z.unknown()).default({}),
  schedule: scheduleInput.nullable().default(null),
  paused: z.boolean().optional(),
  missedRunPolicy: missedRunPolicySchema.optional(),
})

const DeploymentPatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  schedule: scheduleInput.nullable().optional(),
  paused: z.boolean().optional(),
  missedRunPolicy: missedRunPolicySchema.optional(),
})

const RunBody = z.strictObject({
  flow: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).default({}),
})

const RunQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(ALL_STATES as [string, ...string[]])))
    .optional(),
  flow: z.string().optional(),
  deployment: z.string().optional(),
  projectId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
  token: z.string().optional(),
})

function service(deps: AppDeps): FlowService {
  if (!deps.flows) {
    throw new ApiError(
      503,
      FlowApiErrorCode.flowsUnavailable,
      'flows are not running on this server',
    )
  }
  return deps.flows
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw asFlowApiError(error)
  }
}

/**
 * Flows, deployments and runs (DESIGN.md §4, §6). Flows are manager-level per project: a run's or
 * deployment's project is its `projectId` parameter; the admin sees everything. Export runs are
 * readable by viewers (an export is a read).
 */
export function flowRoutes(deps: AppDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>()
  const auth = authenticate({ tokens: deps.tokens, meta: deps.meta })
  // EventSource and download links cannot send headers: these take `?token=` too.
  const linkAuth = authenticate({ tokens: deps.tokens, meta: deps.meta, allowQueryToken: true })

  const requireRun = async (id: string, principal: Parameters<typeof requireFlowRole>[0]) => {
    const run = await service(deps).store.getRun(id)
    if (!run || run.parentId !== null) throw notFound(`no flow run ${JSON.stringify(id)}`)
    requireFlowRole(principal, run.parameters, roleToRead(run.name))
    return run
  }
  const requireDeployment = async (
    id: string,
    principal: Parameters<typeof requireFlowRole>[0],
  ) => {
    const deployment = await service(deps).store.getDeployment(id)
    if (!deployment) throw notFound(`no deployment ${JSON.stringify(id)}`)
    requireFlowRole(principal, deployment.parameters, 'manager')
    return deployment
  }
  /** Parses parameters for `flow` (400 naming the path), then checks the caller's role on them. */
  const parseFor = (
    flow: string,
    parameters: unknown,
    principal: Parameters<typeof requireFlowRole>[0],
  ) => {
    const parsed = service(deps).flows.require(flow).parse(parameters)
    requireFlowRole(principal, parsed, 'manager')
    return parsed
  }

  routes.get('/flows', auth, (c) => {
    const flows = service(deps)
      .flows.list()
      .map((f) => ({
        name: f.name,
        description: f.options.description ?? null,
        parameters: f.options.parameters
          ? z.toJSONSchema(f.options.parameters, { io: 'input', unrepresentable: 'any' })
          : null,
        retries: f.options.retries ?? 0,
        timeoutSeconds: f.options.timeoutSeconds ?? null,
      }))
    return c.json({ flows })
  })

  routes.post('/deployments', auth, async (c) => {
    const body = await readJsonBody(c, DeploymentBody)
    const { store, flows } = service(deps)
    const deployment = await guarded(async () => {
      parseFor(body.flow, body.parameters, c.get('principal'))
      const now = Date.now()
      return createDeployment(
        store,
        flows,
        {
          flow: body.flow,
          parameters: body.parameters,
          schedule: toSchedule(body.schedule, now),
          ...(body.name ? { name: body.name } : {}),
          ...(body.paused !== undefined ? { paused: body.paused } : {}),
          ...(body.missedRunPolicy ? { missedRunPolicy: body.missedRunPolicy } : {}),
        },
        now,
      )
    })
    return c.json({ deployment: await deploymentView(store, deployment) }, 201)
  })

  routes.get('/deployments', auth, async (c) => {
    const { store } = service(deps)
    const principal = c.get('principal')
    const projectId = c.req.query('projectId')
    const all = await store.listDeployments()
    const visible = all.filter(
      (d) =>
        canSee(principal, d.parameters, 'manager') &&
        (projectId === undefined ||
          (d.parameters as { projectId?: unknown }).projectId === projectId),
    )
    return c.json({ deployments: await Promise.all(visible.map((d) => deploymentView(store, d))) })
  })

  routes.get('/deployments/:id', auth, async (c) => {
    const deployment = await requireDeployment(c.req.param('id'), c.get('principal'))
    return c.json({ deployment: await deploymentView(service(deps).store, deployment) })
  })

  routes.patch('/deployments/:id', auth, async (c) => {
    const { store, flows } = service(deps)
    const current = await requireDeployment(c.req.param('id'), c.get('principal'))
    const body = await readJsonBody(c, DeploymentPatch)
    const updated = await guarded(async () => {
      if (body.parameters !== undefined) parseFor(current.flow, body.parameters, c.get('principal'))
      const now = Date.now()
      const changes: DeploymentChanges = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.parameters !== undefined ? { parameters: body.parameters } : {}),
        ...(body.schedule !== undefined ? { schedule: toSchedule(body.schedule, now) } : {}),
        ...(body.paused !== undefined ? { paused: body.paused } : {}),
        ...(body.missedRunPolicy !== undefined ? { missedRunPolicy: body.missedRunPolicy } : {}),
      }
      return updateDeployment(store, flows, current.id, changes, now)
    })
    return c.json({ deployment: await deploymentView(store, updated) })
  })

  routes.delete('/deployments/:id', auth, async (c) => {
    const deployment = await requireDeployment(c.req.param('id'), c.get('principal'))
    await service(deps).store.deleteDeployment(deployment.id)
    return c.body(null, 204)
  })

  routes.post('/deployments/:id/run', auth, async (c) => {
    const deployment = await requireDeployment(c.req.param('id'), c.get('principal'))
    const run = await runDeploymentNow(service(deps).store, deployment, Date.now())
    void service(deps)
      .runner.claim()
      .catch(() => undefined)
    return c.json({ run: runView(run) }, 202)
  })

  routes.post('/flow-runs', auth, async (c) => {
    const body = await readJsonBody(c, RunBody)
    const flows = service(deps)
    const { run } = await guarded(async () => {
      parseFor(body.flow, body.parameters, c.get('principal'))
      return flows.runner.submit(flows.flows.require(body.flow), body.parameters)
    })
    void flows.runner.claim().catch(() => undefined)
    return c.json({ run: runView(run) }, 202)
  })

  routes.get('/flow-runs', auth, async (c) => {
    const query = RunQuery.parse(c.req.query())
    const page = await visibleRuns(
      service(deps).store,
      c.get('principal'),
      {
        ...(query.state ? { states: query.state as FlowRun['state'][] } : {}),
        ...(query.flow ? { name: query.flow } : {}),
        ...(query.deployment ? { deploymentId: query.deployment } : {}),
        ...(query.projectId ? { projectId: query.projectId } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
      query.limit,
    )
    return c.json({ runs: page.runs.map(runView), nextCursor: page.nextCursor })
  })

  routes.get('/flow-runs/:id', auth, async (c) => {
    const run = await requireRun(c.req.param('id'), c.get('principal'))
    return c.json({ ...runView(run), result: run.result === null ? null : JSON.parse(run.result) })
  })

  routes.get('/flow-runs/:id/logs', auth, async (c) => {
    const run = await requireRun(c.req.param('id'), c.get('principal'))
    const after = Number(c.req.query('after') ?? 0)
    const limit = Math.min(5000, Math.max(1, Number(c.req.query('limit') ?? 1000)))
    const logs = await service(deps).store.listLogs(run.id, {
      ...(Number.isFinite(after) && after > 0 ? { afterSeq: after } : {}),
      limit,
    })
    return c.json({ logs: logs.map(logView) })
  })

  routes.get('/flow-runs/:id/artifacts', auth, async (c) => {
    const run = await requireRun(c.req.param('id'), c.get('principal'))
    const artifacts = await service(deps).store.listArtifacts(run.id)
    return c.json({ artifacts: artifacts.map((a) => artifactView(a, run.id)) })
  })

  /** The run's file artifact: `?id=` or `?key=` picks one, else the first file. */
  routes.get('/flow-runs/:id/artifact', linkAuth, async (c) => {
    const run = await requireRun(c.req.param('id'), c.get('principal'))
    const { store, files } = service(deps)
    const id = c.req.query('id')
    const key = c.req.query('key')
    const artifact = (await store.listArtifacts(run.id)).find(
      (a) => a.type === 'file' && (id ? a.id === id : key ? a.key === key : true),
    )
    if (!artifact || !isFileArtifactData(artifact.data)) {
      throw notFound(`run ${run.id} has no such file artifact (state ${run.state})`)
    }
    const bytes = await files.read(artifact.data.ref)
    if (!bytes) {
      throw new ApiError(
        410,
        FlowApiErrorCode.artifactGone,
        `${artifact.data.name} was deleted (retention)`,
      )
    }
    const name = artifact.data.name.replace(/"/g, '')
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': artifact.data.mimeType,
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': `attachment; filename="${name}"`,
    })
  })

  routes.post('/flow-runs/:id/cancel', auth, async (c) => {
    const run = await requireRun(c.req.param('id'), c.get('principal'))
    const result = await service(deps).runner.cancel(run.id)
    if (!result.ok) {
      throw new ApiError(
        409,
        FlowApiErrorCode.notCancellable,
        `run ${run.id} is ${run.state}: ${result.message}`,
      )
    }
    return c.json({ run: runView(result.run) })
  })

  routes.get('/flow-runs/:id/events', linkAuth, async (c) => {
    const run = await requireRun(c.req.param('id'), c.get('principal'))
    return runEvents(c, service(deps), run)
  })

  routes.get('/projects/:id/flow-events', linkAuth, async (c) => {
    const principal = c.get('principal')
    const project = await authorizeProject(deps.meta, principal, c.req.param('id'), 'viewer')
    return projectFlowEvents(c, service(deps), project.id, principal)
  })

  /** Uploads an ONNX model for auto-annotate (raw body); its sha256 names it in parameters. */
  routes.post('/projects/:id/models', auth, async (c) => {
    await authorizeProject(deps.meta, c.get('principal'), c.req.param('id'), 'manager')
    const length = Number(c.req.header('content-length') ?? 0)
    if (length > MAX_MODEL_BYTES) {
      throw new ApiError(413, ApiErrorCode.payloadTooLarge, 'the model is larger than 1 GiB')
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    if (bytes.byteLength === 0) throw new ApiError(400, ApiErrorCode.badRequest, 'empty model')
    if (bytes.byteLength > MAX_MODEL_BYTES) {
      throw new ApiError(413, ApiErrorCode.payloadTooLarge, 'the model is larger than 1 GiB')
    }
    const sha256 = await storeModel(deps.config.artifactDir, bytes)
    return c.json({ model: { sha256 }, size: bytes.byteLength }, 201)
  })

  return routes
}
