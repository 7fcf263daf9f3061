import { flowPaths, flowSchemas, runEnvelope } from './openapi-flows'
import { SERVER_VERSION } from './version'

const json = (schema: object) => ({ 'application/json': { schema } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const error = (description: string) => ({ description, content: json(ref('Error')) })

/** The error responses every authenticated route can give. */
const AUTH_ERRORS = {
  '401': error('No token, or an invalid, expired or revoked one'),
  '403': error('A valid token without the right (another project, too low a role)'),
}
const projectId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
}

/** The OpenAPI 3.1 description of the REST API and the sync socket, served at `/api/openapi.json`. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Loupe API',
    version: SERVER_VERSION,
    description:
      'REST API of the Loupe server. Every error is `{ "error": { "code", "message" } }`. ' +
      'Tokens: the admin token, or a capability token (JWT) for one project and role ' +
      '(`viewer` < `annotator` < `manager`).',
  },
  security: [{ bearer: [] }],
  paths: {
    '/api/health': {
      get: {
        summary: 'Liveness and version',
        security: [],
        responses: {
          '200': {
            description: 'The server is up',
            content: json({
              type: 'object',
              properties: { ok: { const: true }, version: { type: 'string' } },
              required: ['ok', 'version'],
            }),
          },
        },
      },
    },
    '/api/ready': {
      get: {
        summary: 'Readiness: checks the database and, in cluster mode, Redis',
        security: [],
        responses: {
          '200': {
            description: 'Ready to serve',
            content: json({
              type: 'object',
              properties: {
                ok: { const: true },
                checks: { type: 'array', items: { enum: ['database', 'redis'] } },
              },
              required: ['ok', 'checks'],
            }),
          },
          '503': {
            description: 'Not ready; `error.failed` names the dependencies that failed',
            content: json({
              type: 'object',
              properties: {
                error: {
                  type: 'object',
                  properties: {
                    code: { const: 'not_ready' },
                    message: { type: 'string' },
                    failed: { type: 'array', items: { enum: ['database', 'redis'] } },
                  },
                  required: ['code', 'message', 'failed'],
                },
              },
              required: ['error'],
            }),
          },
        },
      },
    },
    '/api/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) },
        },
      },
    },
    '/api/projects': {
      post: {
        summary: 'Create a project (admin)',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200 },
              labels: {
                type: 'array',
                items: ref('LabelInput'),
                description: 'Initial labels, validated by the document model',
              },
            },
          }),
        },
        responses: {
          '201': {
            description: 'Created; `token` is a manager token for the project',
            content: json({
              type: 'object',
              required: ['id', 'token'],
              properties: { id: { type: 'string' }, token: { type: 'string' } },
            }),
          },
          '400': error('Invalid body (the message names the field)'),
          ...AUTH_ERRORS,
        },
      },
      get: {
        summary: 'Projects the token may see (admin: all; others: their project)',
        responses: {
          '200': {
            description: 'Project records',
            content: json({
              type: 'object',
              properties: { projects: { type: 'array', items: ref('Project') } },
            }),
          },
          ...AUTH_ERRORS,
        },
      },
    },
    '/api/projects/{id}': {
      get: {
        summary: 'A project with its document summary (any role on the project)',
        parameters: [projectId],
        responses: {
          '200': { description: 'The project', content: json(ref('ProjectDetail')) },
          ...AUTH_ERRORS,
          '404': error('No such project'),
        },
      },
    },
    '/api/projects/{id}/share': {
      post: {
        summary: 'Mint a share link (manager; never above the caller’s own role)',
        parameters: [projectId],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['role'],
            properties: {
              role: { enum: ['viewer', 'annotator', 'manager'] },
              expiresInSeconds: { type: 'integer', minimum: 1 },
            },
          }),
        },
        responses: {
          '201': { description: 'The link', content: json(ref('ShareLink')) },
          '400': error('Invalid body'),
          ...AUTH_ERRORS,
          '404': error('No such project'),
        },
      },
    },
    '/api/projects/{id}/share/{tokenId}': {
      delete: {
        summary: 'Revoke a token of the project (manager); it gets 401 from then on',
        parameters: [
          projectId,
          {
            name: 'tokenId',
            in: 'path',
            required: true,
            schema: { type: 'string', format: 'uuid' },
          },
        ],
        responses: {
          '204': { description: 'Revoked (idempotent)' },
          '400': error('Not a token id'),
          ...AUTH_ERRORS,
          '404': error('No such project'),
        },
      },
    },
    '/api/projects/{id}/images': {
      post: {
        summary: 'Upload images (annotator+): multipart, one part named `files` per image',
        description:
          'Files are checked by their bytes (PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF, HEIC), stored ' +
          'by SHA-256 and registered in the project document. An image the project already holds ' +
          '(same SHA-256) is not added twice. One bad file fails the request; nothing is stored.',
        parameters: [projectId],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  files: {
                    type: 'array',
                    items: { type: 'string', contentMediaType: 'application/octet-stream' },
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'One record per uploaded file, in order',
            content: json({
              type: 'object',
              properties: { images: { type: 'array', items: ref('Image') } },
            }),
          },
          '400': error('Malformed multipart body, unknown field, or no files'),
          ...AUTH_ERRORS,
          '404': error('No such project'),
          '413': error('A file (named in the message) or the request is too large'),
          '415': error('A file (named in the message) is not an accepted image'),
        },
      },
    },
    '/api/projects/{id}/import': {
      post: {
        summary: 'Import a dataset into the project (manager)',
        description:
          'Multipart: an optional field `format` (a format id; without it the format is detected ' +
          'from the files) and one file: a zip (folder layout of the format, images optional) or a ' +
          'single JSON/XML annotation file. Labels merge by name, images by file name or content ' +
          '(SHA-256); images the project lacks must be in the zip. Shapes identical to existing ' +
          'ones are skipped, so importing the same file twice changes nothing. All or nothing: a ' +
          'malformed file changes nothing and gets a 422 naming the file, the place in it and what ' +
          'was expected.',
        parameters: [projectId],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  format: { type: 'string', description: 'A format id, e.g. `coco`' },
                  file: { type: 'string', contentMediaType: 'application/octet-stream' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'What was imported', content: json(ref('ImportResult')) },
          '400': {
            description:
              'Malformed form, unknown format, or a format that cannot be detected ' +
              '(`unknown_format`) or is ambiguous (`ambiguous_format`); `error.candidates` lists ' +
              'the formats that recognised the files with their confidence',
            content: json(ref('Error')),
          },
          ...AUTH_ERRORS,
          '404': error('No such project'),
          '409': error('The project document is newer than this server (read-only)'),
          '413': error('The upload is too large'),
          '415': error('Not multipart/form-data'),
          '422': error('`invalid_format`: the message is `file: where: what was expected`'),
        },
      },
    },
    '/api/projects/{id}/export': {
      post: {
        summary:
          'Export the project (or some jobs) in a format: starts an `export` flow run (viewer)',
        description:
          'Answers 202 with the run (`Location: /api/flow-runs/{runId}`). Follow it with ' +
          '`GET /api/flow-runs/{runId}` or its `/events`; once `Completed`, ' +
          '`GET /api/flow-runs/{runId}/artifact` is the zip, the `report` artifact the export ' +
          'report (what the format cannot hold), also in the run’s `result.report`.',
        parameters: [projectId],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['format'],
            properties: {
              format: { type: 'string', description: 'A format id, e.g. `coco`, `yolo`' },
              jobIds: { type: 'array', items: { type: 'string' } },
              includeImages: { type: 'boolean', default: false },
            },
          }),
        },
        responses: {
          '202': { description: 'The export run', content: json(runEnvelope) },
          '400': error('Invalid body, unknown format or unknown job'),
          ...AUTH_ERRORS,
          '404': error('No such project'),
        },
      },
    },
    ...flowPaths,
    '/api/blobs/{sha256}': {
      get: {
        summary: 'Image bytes, for a token whose project holds the blob (admin: any)',
        security: [{ bearer: [] }, { queryToken: [] }],
        parameters: [
          {
            name: 'sha256',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          },
          { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'The bytes; `Cache-Control: private, max-age=31536000, immutable`, `ETag`',
            content: { 'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } } },
          },
          '304': { description: 'Not modified (If-None-Match matched the ETag)' },
          '400': error('Not a SHA-256'),
          ...AUTH_ERRORS,
          '404': error('Unknown blob, or not held by the token’s project'),
        },
      },
    },
    '/sync/{room}': {
      get: {
        summary: 'WebSocket: the y-websocket protocol for one document',
        description:
          'Upgrade to a WebSocket speaking y-websocket (sync step 1/2, updates, awareness) for ' +
          'the room `project/<projectId>` or `job/<projectId>/<jobId>`; the token comes as ' +
          '`?token=` (y-websocket `params`). With `loupe=1` the server also sends durable acks ' +
          '(type 100) and rejections (type 101). Closes with 4401 (no/invalid token) or 4403 ' +
          '(no right) before any document byte, 4413 for oversized frames, 1013 under overload. ' +
          'A plain HTTP GET without the upgrade gets 426.',
        security: [{ queryToken: [] }],
        parameters: [
          { name: 'room', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'token', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'loupe', in: 'query', required: false, schema: { enum: ['1'] } },
        ],
        responses: {
          '101': { description: 'Switching protocols to WebSocket' },
          '426': error('Not a WebSocket upgrade'),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'Admin token or a capability JWT' },
      queryToken: { type: 'apiKey', in: 'query', name: 'token' },
    },
    schemas: {
      ...flowSchemas,
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      Project: {
        type: 'object',
        required: ['id', 'name', 'createdAt'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      ProjectDetail: {
        allOf: [
          ref('Project'),
          {
            type: 'object',
            properties: {
              labels: { type: 'array', items: { type: 'object' } },
              imageCount: { type: 'integer' },
              jobs: { type: 'array', items: { type: 'object' } },
            },
          },
        ],
      },
      LabelInput: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
          type: { type: 'string' },
          attributes: { type: 'array', items: { type: 'object' } },
        },
      },
      ShareLink: {
        type: 'object',
        required: ['token', 'tokenId', 'url', 'role'],
        properties: {
          token: { type: 'string' },
          tokenId: { type: 'string', format: 'uuid' },
          url: { type: 'string', format: 'uri' },
          role: { enum: ['viewer', 'annotator', 'manager'] },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      ImportResult: {
        type: 'object',
        required: ['format', 'summary', 'report'],
        properties: {
          format: { type: 'string' },
          summary: {
            type: 'object',
            properties: Object.fromEntries(
              [
                'labelsAdded',
                'imagesAdded',
                'imagesMatched',
                'shapesAdded',
                'shapesSkipped',
                'tagsAdded',
                'jobsCreated',
              ].map((key) => [key, { type: 'integer', minimum: 0 }]),
            ),
          },
          report: {
            type: 'array',
            items: { type: 'string' },
            description: 'What could not be carried over or was adjusted, one line each',
          },
        },
      },
      Image: {
        type: 'object',
        required: ['id', 'name', 'sha256', 'width', 'height', 'jobId'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          width: { type: 'integer', minimum: 1 },
          height: { type: 'integer', minimum: 1 },
          jobId: { type: 'string' },
        },
      },
    },
  },
} as const
