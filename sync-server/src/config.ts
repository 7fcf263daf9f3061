import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { RelaySettings, RelaySettingsInput } from './relay/relay'

export interface LoupeConfig {
  /** TCP port for HTTP + WebSocket (`PORT`, default 8787; 0 picks a free port). */
  port: number
  /** Interface to listen on (`HOST`, default 0.0.0.0). */
  host: string
  /** Embedded storage folder: SQLite file + blob folder (`LOUPE_DATA_DIR`, default ./data). */
  dataDir: string
  /** HS256 secret for capability tokens (`LOUPE_SECRET`, else generated into the data dir). */
  secret: string
  /** Opaque admin token (`LOUPE_ADMIN_TOKEN`, else generated into the data dir). */
  adminToken: string
  /** Where the built client lives; served at `/` when present. */
  clientDir: string | null
  /** Largest accepted WebSocket message in bytes (`LOUPE_MAX_MESSAGE_BYTES`, default 16 MiB). */
  maxMessageBytes: number
  /** Largest accepted image upload in bytes (`LOUPE_MAX_IMAGE_BYTES`, default 200 MiB). */
  maxImageBytes: number
  /** Public origin used in share links (`LOUPE_PUBLIC_URL`, default http://localhost:PORT). */
  publicUrl: string | null
  /** Log level: `debug` | `info` | `warn` | `error` | `silent` (`LOUPE_LOG`, default info). */
  logLevel: LogLevel
  /** Relay tuning; each unset value keeps the relay's default (see `RELAY_ENV`). */
  relay: RelaySettingsInput
  /**
   * Cluster mode: PostgreSQL for documents and metadata (`DATABASE_URL`); unset, the embedded
   * SQLite file in the data dir.
   */
  databaseUrl: string | null
  /** Schema of Loupe's tables (`LOUPE_DATABASE_SCHEMA`, default `public`). */
  databaseSchema: string
  /** Cluster mode: Redis fans updates and awareness out between instances (`REDIS_URL`). */
  redisUrl: string | null
  /** Prefix of Loupe's Redis channels and keys (`LOUPE_REDIS_PREFIX`, default `loupe:`). */
  redisPrefix: string
  /**
   * Cluster mode: expiry of the Redis record that says which socket owns a Yjs client id in a room
   * (`LOUPE_CLIENT_OWNER_TTL_MS`, default 5000, at least 300); renewed every third of it. An
   * instance cut off from Redis without dying holds its clients' ids this long at most.
   */
  clientOwnerTtlMs: number
  /** Content-addressed blob folder (`LOUPE_BLOB_DIR`, default `<data dir>/blobs`); shared in a cluster. */
  blobDir: string
  /** Flow runs executed at once by this instance (`LOUPE_FLOW_CONCURRENCY`, default 2). */
  flowConcurrency: number
  /**
   * Files of flow runs (exports, backups, reports): `LOUPE_ARTIFACT_DIR`, default
   * `<data dir>/artifacts`; shared between the instances of a cluster like the blob folder.
   */
  artifactDir: string
  /**
   * Flow run retention: ended runs (with their logs, task runs and files) are deleted once they
   * ended more than `runRetentionDays` ago (`LOUPE_RUN_RETENTION_DAYS`, default 30), and beyond the
   * newest `runRetentionPerDeployment` ended runs of a deployment
   * (`LOUPE_RUN_RETENTION_PER_DEPLOYMENT`, default 1000). 0 turns either limit off. Backups are
   * kept while their file is (the backup flow's own `retention` decides).
   */
  runRetentionDays: number
  runRetentionPerDeployment: number
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name}: expected a non-negative integer, got ${JSON.stringify(raw)}`)
  }
  return value
}

function clientOwnerTtl(raw: string | undefined): number {
  const ttl = positiveInt('LOUPE_CLIENT_OWNER_TTL_MS', raw, 5_000)
  if (ttl < 300) {
    throw new Error(
      `LOUPE_CLIENT_OWNER_TTL_MS: expected at least 300 (ms), got ${JSON.stringify(raw)}`,
    )
  }
  return ttl
}

/** Reads a secret from the environment, else from `file` in the data dir, else generates it there. */
function persistedSecret(envValue: string | undefined, file: string, bytes: number): string {
  if (envValue) return envValue
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim()
    if (stored) return stored
  }
  const value = randomBytes(bytes).toString('base64url')
  writeFileSync(file, value + '\n', { mode: 0o600 })
  return value
}

/** Relay settings that can be tuned from the environment, by variable name. */
export const RELAY_ENV = {
  LOUPE_COMPACT_AFTER_ENTRIES: 'compactAfterEntries',
  LOUPE_ROOM_IDLE_MS: 'roomIdleMs',
  LOUPE_MAX_QUEUED_PER_CONNECTION: 'maxQueuedPerConnection',
  LOUPE_MAX_BUFFERED_BYTES: 'maxBufferedBytes',
  LOUPE_KEEPALIVE_MS: 'keepAliveMs',
  LOUPE_PING_INTERVAL_MS: 'pingIntervalMs',
} as const satisfies Record<string, keyof RelaySettings>

const RATE_ENV = {
  LOUPE_RATE_MESSAGES_PER_SECOND: 'messagesPerSecond',
  LOUPE_RATE_MESSAGE_BURST: 'messageBurst',
  LOUPE_RATE_BYTES_PER_SECOND: 'bytesPerSecond',
  LOUPE_RATE_BYTE_BURST: 'byteBurst',
} as const satisfies Record<string, keyof RelaySettings['rateLimit']>

function relaySettings(env: Record<string, string | undefined>): RelaySettingsInput {
  const settings: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(RELAY_ENV)) {
    if (env[name]) settings[key] = positiveInt(name, env[name], 0)
  }
  const rate: Partial<RelaySettings['rateLimit']> = {}
  for (const [name, key] of Object.entries(RATE_ENV)) {
    if (env[name]) rate[key] = positiveInt(name, env[name], 0)
  }
  if (Object.keys(rate).length > 0) settings.rateLimit = rate
  return settings as RelaySettingsInput
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<LoupeConfig> = {},
): LoupeConfig {
  const dataDir = resolve(overrides.dataDir ?? env.LOUPE_DATA_DIR ?? './data')
  mkdirSync(dataDir, { recursive: true })
  const logLevel = (overrides.logLevel ?? env.LOUPE_LOG ?? 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`LOUPE_LOG: expected one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`)
  }
  return {
    port: overrides.port ?? positiveInt('PORT', env.PORT, 8787),
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    dataDir,
    secret: overrides.secret ?? persistedSecret(env.LOUPE_SECRET, join(dataDir, 'secret'), 32),
    adminToken:
      overrides.adminToken ??
      persistedSecret(env.LOUPE_ADMIN_TOKEN, join(dataDir, 'admin-token'), 24),
    clientDir: overrides.clientDir === undefined ? resolve('dist/client') : overrides.clientDir,
    maxMessageBytes:
      overrides.maxMessageBytes ??
      positiveInt('LOUPE_MAX_MESSAGE_BYTES', env.LOUPE_MAX_MESSAGE_BYTES, 16 * 1024 * 1024),
    maxImageBytes:
      overrides.maxImageBytes ??
      positiveInt('LOUPE_MAX_IMAGE_BYTES', env.LOUPE_MAX_IMAGE_BYTES, 200 * 1024 * 1024),
    publicUrl: overrides.publicUrl ?? env.LOUPE_PUBLIC_URL ?? null,
    logLevel,
    relay: overrides.relay ?? relaySettings(env),
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || null),
    databaseSchema: overrides.databaseSchema ?? (env.LOUPE_DATABASE_SCHEMA || 'public'),
    redisUrl: overrides.redisUrl ?? (env.REDIS_URL || null),
    redisPrefix: overrides.redisPrefix ?? (env.LOUPE_REDIS_PREFIX || 'loupe:'),
    clientOwnerTtlMs: overrides.clientOwnerTtlMs ?? clientOwnerTtl(env.LOUPE_CLIENT_OWNER_TTL_MS),
    blobDir: resolve(overrides.blobDir ?? (env.LOUPE_BLOB_DIR || join(dataDir, 'blobs'))),
    flowConcurrency:
      overrides.flowConcurrency ??
      Math.max(1, positiveInt('LOUPE_FLOW_CONCURRENCY', env.LOUPE_FLOW_CONCURRENCY, 2)),
    artifactDir: resolve(
      overrides.artifactDir ?? (env.LOUPE_ARTIFACT_DIR || join(dataDir, 'artifacts')),
    ),
    runRetentionDays:
      overrides.runRetentionDays ??
      positiveInt('LOUPE_RUN_RETENTION_DAYS', env.LOUPE_RUN_RETENTION_DAYS, 30),
    runRetentionPerDeployment:
      overrides.runRetentionPerDeployment ??
      positiveInt(
        'LOUPE_RUN_RETENTION_PER_DEPLOYMENT',
        env.LOUPE_RUN_RETENTION_PER_DEPLOYMENT,
        1000,
      ),
  }
}
