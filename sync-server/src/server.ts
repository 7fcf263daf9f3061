import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadConfig } from './config'
import type { LoupeConfig } from './config'
import { createLogger } from './logger'
import type { Logger, LogRecord } from './logger'
import { TokenService } from './auth/tokens'
import { openBackend } from './cluster/backend'
import type { Backend } from './cluster/backend'
import { Relay } from './relay'
import { createApp } from './http/app'
import { FlowService } from './flows/service'
import type { FlowServiceOptions } from './flows/service'

export interface LoupeServer {
  config: LoupeConfig
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string
  port: number
  tokens: TokenService
  relay: Relay
  logger: Logger
  /** Storage and fan-out of this instance (embedded, PostgreSQL, or cluster mode). */
  backend: Backend
  /** Flow runs, deployments and their runner (DESIGN.md §6). */
  flows: FlowService
  /** Stops accepting, flushes every room to storage, closes sockets and storage. */
  close(): Promise<void>
}

export interface StartOptions {
  env?: Record<string, string | undefined>
  config?: Partial<LoupeConfig>
  /** Receives every log record (tests assert on rejections with it). */
  logSink?: (record: LogRecord) => void
  /** Flow service tuning (tests: shorter timings, extra flows). */
  flows?: FlowServiceOptions
}

/**
 * Starts a server: storage (embedded SQLite, or PostgreSQL with `DATABASE_URL`; Redis fan-out
 * between instances with `REDIS_URL`), the relay, the REST API and the client.
 */
export async function startServer(options: StartOptions = {}): Promise<LoupeServer> {
  const config = loadConfig(options.env ?? process.env, options.config)
  const logger = createLogger(config.logLevel, options.logSink)
  const tokens = new TokenService(config.secret, config.adminToken)
  const backend = await openBackend(config, logger)
  const { documents, meta, blobs } = backend
  const relay = new Relay({
    store: documents,
    tokens,
    meta,
    logger,
    maxMessageBytes: config.maxMessageBytes,
    settings: config.relay,
    cluster: backend.cluster,
  })
  const flows = await FlowService.start({
    config,
    backend,
    rooms: relay,
    logger,
    options: options.flows,
  })
  const app = createApp({
    flows,
    config,
    tokens,
    meta,
    blobs,
    rooms: relay,
    logger,
    readiness: backend.readiness,
  })

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    )
  })
  server.on('upgrade', (request, socket, head) => relay.handleUpgrade(request, socket, head))
  const port = (server.address() as AddressInfo).port
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = `http://${host}:${port}`

  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      await flows.close()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      await relay.close()
      const http = server as HttpServer
      http.closeAllConnections()
      await stopped
      await documents.close()
      await meta.close()
      await backend.close()
    })()
    return closing
  }
  return { config, url, port, tokens, relay, logger, backend, flows, close }
}
