// STUB — the REST helper replaces this file.
import { Hono } from 'hono'
import type { TokenService } from '../auth/tokens'
import type { LoupeConfig } from '../config'
import type { Logger } from '../logger'
import type { RoomAccess } from '../relay/room-access'
import type { BlobStore, MetaStore } from '../storage/types'

export interface AppDeps {
  config: LoupeConfig
  tokens: TokenService
  meta: MetaStore
  blobs: BlobStore
  rooms: RoomAccess
  logger: Logger
}

export function createApp(_deps: AppDeps): Hono {
  const app = new Hono()
  app.get('/api/health', (c) => c.json({ ok: true }))
  return app
}
