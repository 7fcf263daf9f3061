// The flow part of the OpenAPI document (DESIGN.md §4, §6): flows, deployments, runs.

const json = (schema: object) => ({ 'application/json': { schema } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const error = (description: string) => ({ description, content: json(ref('Error')) })
const AUTH_ERRORS = {
  '401': error('No token, or an invalid, expired or revoked one'),
  '403': error('Not a manager of the project the parameters name (viewer for export runs)'),
}
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } })
const query = (name: string, schema: object, description?: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  ...(description ? { description } : {}),
})
const linkToken = query('token', { type: 'string' }, 'The token, for links and EventSource')

export const runEnvelope = {
  type: 'object',
  required: ['run'],
  properties: { run: ref('FlowRun') },
}
const deploymentEnvelope = {
  type: 'object',
  required: ['deployment'],
  properties: { deployment: ref('Deployment') },
}
const sse = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: { type: 'string' } } },
})

export const flowPaths = {
  '/api/flows': {
    get: {
      summary: 'The flows this server runs, with the JSON Schema of their parameters',
      responses: {
        '200': {
          description: 'Flows',
          content: json({
            type: 'object',
            properties: { flows: { type: 'array', items: ref('Flow') } },
          }),
        },
        '401': AUTH_ERRORS['401'],
      },
    },
  },
  '/api/deployments': {
    get: {
      summary: 'Deployments the token may manage',
      parameters: [query('projectId', { type: 'string' })],
      responses: {
        '200': {
          description: 'Deployments',
          content: json({
            type: 'object',
            properties: { deployments: { type: 'array', items: ref('Deployment') } },
          }),
        },
        '401': AUTH_ERRORS['401'],
      },
    },
    post: {
      summary: 'Create a deployment: a flow, parameters and a schedule (manager)',
      description:
        'Parameters are validated with the flow’s schema (400 `invalid_parameters` naming the ' +
        'path). Upcoming runs are created ahead with an idempotency key of (deployment, time).',
      requestBody: { required: true, content: json(ref('DeploymentInput')) },
      responses: {
        '201': { description: 'Created', content: json(deploymentEnvelope) },
        '400': error('invalid_body, invalid_parameters, invalid_schedule or unknown_flow'),
        ...AUTH_ERRORS,
      },
    },
  },
  '/api/deployments/{id}': {
    get: {
      summary: 'One deployment',
      parameters: [path('id')],
      responses: {
        '200': { description: 'The deployment', content: json(deploymentEnvelope) },
        ...AUTH_ERRORS,
        '404': error('No such deployment'),
      },
    },
    patch: {
      summary: 'Edit schedule, parameters, pause/resume, missed-run policy',
      description: 'A schedule change replaces the future runs in one transaction.',
      parameters: [path('id')],
      requestBody: { required: true, content: json(ref('DeploymentPatch')) },
      responses: {
        '200': { description: 'The deployment', content: json(deploymentEnvelope) },
        '400': error('Invalid body, parameters or schedule'),
        ...AUTH_ERRORS,
        '404': error('No such deployment'),
      },
    },
    delete: {
      summary: 'Delete a deployment and its runs not started yet',
      parameters: [path('id')],
      responses: {
        '204': { description: 'Deleted' },
        ...AUTH_ERRORS,
        '404': error('No such deployment'),
      },
    },
  },
  '/api/deployments/{id}/run': {
    post: {
      summary: 'Run the deployment now, outside its schedule',
      parameters: [path('id')],
      responses: {
        '202': { description: 'The new run', content: json(runEnvelope) },
        ...AUTH_ERRORS,
        '404': error('No such deployment'),
      },
    },
  },
  '/api/flow-runs': {
    get: {
      summary: 'Top-level runs the token may see, newest first, cursor-paginated',
      parameters: [
        query('state', { type: 'string' }, 'State names, comma-separated (e.g. `Running,Late`)'),
        query('flow', { type: 'string' }),
        query('deployment', { type: 'string' }),
        query('projectId', { type: 'string' }),
        query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }),
        query('cursor', { type: 'string' }, 'nextCursor of the previous page'),
      ],
      responses: {
        '200': {
          description: 'A page of runs',
          content: json({
            type: 'object',
            required: ['runs', 'nextCursor'],
            properties: {
              runs: { type: 'array', items: ref('FlowRun') },
              nextCursor: { type: ['string', 'null'] },
            },
          }),
        },
        '400': error('Invalid query'),
        '401': AUTH_ERRORS['401'],
      },
    },
    post: {
      summary: 'Start a run of a flow now (manager of the project its parameters name)',
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          required: ['flow'],
          properties: { flow: { type: 'string' }, parameters: { type: 'object' } },
        }),
      },
      responses: {
        '202': { description: 'The run', content: json(runEnvelope) },
        '400': error('invalid_parameters (naming the path) or unknown_flow'),
        ...AUTH_ERRORS,
      },
    },
  },
  '/api/flow-runs/{id}': {
    get: {
      summary: 'One run, with its result once finished',
      parameters: [path('id')],
      responses: {
        '200': {
          description: 'The run',
          content: json({
            allOf: [ref('FlowRun'), { type: 'object', properties: { result: {} } }],
          }),
        },
        ...AUTH_ERRORS,
        '404': error('No such run'),
      },
    },
  },
  '/api/flow-runs/{id}/logs': {
    get: {
      summary: 'Log lines of the run and its tasks, in order',
      parameters: [
        path('id'),
        query('after', { type: 'integer' }, 'Only lines after this seq'),
        query('limit', { type: 'integer', maximum: 5000 }),
      ],
      responses: {
        '200': {
          description: 'Logs',
          content: json({
            type: 'object',
            properties: { logs: { type: 'array', items: ref('FlowLog') } },
          }),
        },
        ...AUTH_ERRORS,
        '404': error('No such run'),
      },
    },
  },
  '/api/flow-runs/{id}/artifacts': {
    get: {
      summary: 'Artifacts of the run: files (with a download url), markdown, tables, links',
      parameters: [path('id')],
      responses: {
        '200': {
          description: 'Artifacts',
          content: json({
            type: 'object',
            properties: { artifacts: { type: 'array', items: ref('FlowArtifact') } },
          }),
        },
        ...AUTH_ERRORS,
        '404': error('No such run'),
      },
    },
  },
  '/api/flow-runs/{id}/artifact': {
    get: {
      summary: 'Download a file artifact of the run (`?id=` or `?key=`, else the first file)',
      security: [{ bearer: [] }, { queryToken: [] }],
      parameters: [
        path('id'),
        query('id', { type: 'string' }),
        query('key', { type: 'string' }),
        linkToken,
      ],
      responses: {
        '200': {
          description: 'The file (`Content-Disposition: attachment`)',
          content: { 'application/octet-stream': { schema: { type: 'string' } } },
        },
        ...AUTH_ERRORS,
        '404': error('No such run or file artifact (yet)'),
        '410': error('`artifact_gone`: the file was deleted by backup retention'),
      },
    },
  },
  '/api/flow-runs/{id}/cancel': {
    post: {
      summary: 'Cancel a run: not started → Cancelled; running → Cancelling, then Cancelled',
      parameters: [path('id')],
      responses: {
        '200': { description: 'The run', content: json(runEnvelope) },
        ...AUTH_ERRORS,
        '404': error('No such run'),
        '409': error('`not_cancellable`: the run is already over'),
      },
    },
  },
  '/api/flow-runs/{id}/events': {
    get: {
      summary: 'Live progress of a run (server-sent events)',
      description:
        'Events: `run` (the run, on every state or progress change), `log`, `artifact`, `ping`. ' +
        'Ends after the run’s final state.',
      security: [{ bearer: [] }, { queryToken: [] }],
      parameters: [path('id'), linkToken],
      responses: { '200': sse('The event stream'), ...AUTH_ERRORS, '404': error('No such run') },
    },
  },
  '/api/projects/{id}/flow-events': {
    get: {
      summary: 'Live `run` events of every run of the project the token may see (SSE)',
      security: [{ bearer: [] }, { queryToken: [] }],
      parameters: [path('id'), linkToken],
      responses: {
        '200': sse('The event stream'),
        ...AUTH_ERRORS,
        '404': error('No such project'),
      },
    },
  },
  '/api/projects/{id}/models': {
    post: {
      summary: 'Upload an ONNX model for auto-annotate (raw body, manager)',
      parameters: [path('id')],
      requestBody: {
        required: true,
        content: { 'application/octet-stream': { schema: { type: 'string' } } },
      },
      responses: {
        '201': {
          description: 'Stored; pass `{ model: { sha256 } }` to auto-annotate',
          content: json({
            type: 'object',
            properties: {
              model: { type: 'object', properties: { sha256: { type: 'string' } } },
              size: { type: 'integer' },
            },
          }),
        },
        '400': error('Empty body'),
        ...AUTH_ERRORS,
        '413': error('Larger than 1 GiB'),
      },
    },
  },
}

const schedule = {
  oneOf: [
    {
      type: 'object',
      required: ['cron'],
      properties: {
        cron: { type: 'string', description: '5 fields, or 6 with seconds first' },
        timezone: { type: 'string', default: 'UTC', description: 'IANA time zone' },
      },
    },
    {
      type: 'object',
      required: ['intervalSeconds'],
      properties: {
        intervalSeconds: { type: 'number', minimum: 1 },
        anchor: { type: 'string', format: 'date-time', description: 'Phase; default: creation' },
      },
    },
    { type: 'null' },
  ],
}
const policy = { enum: ['skip', 'runOnce', 'backfill'], default: 'runOnce' }
const time = { type: 'string', format: 'date-time' }
const nullableTime = { type: ['string', 'null'], format: 'date-time' }

export const flowSchemas = {
  Flow: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      description: { type: ['string', 'null'] },
      parameters: { description: 'JSON Schema of the parameters' },
      retries: { type: 'integer' },
      timeoutSeconds: { type: ['number', 'null'] },
    },
  },
  FlowRun: {
    type: 'object',
    required: ['id', 'flow', 'deploymentId', 'parameters', 'state', 'scheduledAt'],
    properties: {
      id: { type: 'string' },
      flow: { type: 'string' },
      deploymentId: { type: ['string', 'null'] },
      parameters: { type: 'object' },
      state: {
        enum: [
          'Scheduled',
          'Late',
          'AwaitingRetry',
          'Pending',
          'Running',
          'Retrying',
          'Cancelling',
          'Completed',
          'Cached',
          'Failed',
          'Cancelled',
          'Crashed',
        ],
      },
      scheduledAt: time,
      startedAt: nullableTime,
      endedAt: nullableTime,
      createdAt: time,
      stateMessage: { type: ['string', 'null'] },
      attempt: { type: 'integer' },
      progress: {
        type: ['object', 'null'],
        properties: { fraction: { type: 'number' }, message: { type: 'string' } },
      },
      error: { type: ['string', 'null'] },
    },
  },
  Deployment: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      flow: { type: 'string' },
      parameters: { type: 'object' },
      schedule,
      paused: { type: 'boolean' },
      missedRunPolicy: policy,
      createdAt: time,
      updatedAt: time,
      nextRunAt: nullableTime,
    },
  },
  DeploymentInput: {
    type: 'object',
    required: ['flow'],
    additionalProperties: false,
    properties: {
      flow: { type: 'string' },
      name: { type: 'string' },
      parameters: { type: 'object' },
      schedule,
      paused: { type: 'boolean', default: false },
      missedRunPolicy: policy,
    },
  },
  DeploymentPatch: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      parameters: { type: 'object' },
      schedule,
      paused: { type: 'boolean' },
      missedRunPolicy: policy,
    },
  },
  FlowLog: {
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      runId: { type: 'string' },
      at: time,
      level: { enum: ['debug', 'info', 'warning', 'error'] },
      message: { type: 'string' },
    },
  },
  FlowArtifact: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      runId: { type: 'string' },
      key: { type: 'string' },
      type: { enum: ['file', 'markdown', 'table', 'link'] },
      description: { type: ['string', 'null'] },
      createdAt: time,
      file: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          mimeType: { type: 'string' },
          size: { type: 'integer' },
          url: { type: 'string' },
        },
      },
      data: { description: 'markdown: { markdown }; table: { rows }; link: { url, text }' },
    },
  },
}
