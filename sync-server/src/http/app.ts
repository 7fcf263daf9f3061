import { Hono } from 'hono'
import type { TokenService } from '../auth/tokens'
import type { ReadinessCheck } from '../cluster/backend'
import type { LoupeConfig } from '../config'
import type { FlowService } from '../flows/service'
import type { Logger } from '../logger'
import type { RoomAccess } from '../relay/room-access'
import type { BlobStore, MetaStore } from '../storage/types'
import { blobRoutes } from './blobs'
import type { ApiEnv } from './env'
import { ApiError, ApiErrorCode, errorHandler } from './errors'
import { flowRoutes } from './flows'
import { readinessRoutes } from './health'
import { imageRoutes } from './images'
import { importExportRoutes } from './import-export'
import { openApiDocument } from './openapi'
import { projectRoutes } from './projects'
import { shareRoutes } from './share'
import { serveClient } from './static'
import { SERVER_VERSION } from './version'

export interface AppDeps {
  config: LoupeConfig
  tokens: TokenService
  meta: MetaStore
  blobs: BlobStore
  rooms: RoomAccess
  logger: Logger
  /** What `GET /api/ready` checks (the database, Redis in cluster mode); none: always ready. */
  readiness?: readonly ReadinessCheck[]
  /** Flow runs and deployments; without it the flow routes answer 503. */
  flows?: FlowService
}

/** The HTTP side of the server: REST API under `/api`, the built client everywhere else. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono<ApiEnv>()
  app.onError(errorHandler(deps.logger))
  app.notFound((c) =>
    c.json(
      { error: { code: ApiErrorCode.notFound, message: `no route ${c.req.method} ${c.req.path}` } },
      404,
    ),
  )

  app.get('/api/health', (c) => c.json({ ok: true, version: SERVER_VERSION }))
  app.route('/api', readinessRoutes(deps.readiness ?? []))
  app.get('/api/openapi.json', (c) => c.json(openApiDocument))
  app.route('/api', projectRoutes(deps))
  app.route('/api', shareRoutes(deps))
  app.route('/api', imageRoutes(deps))
  app.route('/api', blobRoutes(deps))
  app.route('/api', importExportRoutes(deps))
  app.route('/api', flowRoutes(deps))
  // Upgrades never reach Hono (the relay takes them from the HTTP server); a plain GET does.
  app.get('/sync/:room{.+}', () => {
    throw new ApiError(
      426,
      ApiErrorCode.upgradeRequired,
      'this is a WebSocket endpoint (y-websocket)',
    )
  })

  if (deps.config.clientDir !== null) app.get('*', serveClient(deps.config.clientDir))
  return app as unknown as Hono
}
