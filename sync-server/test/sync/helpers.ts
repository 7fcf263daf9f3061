import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import { MessageType, readDurableAck, readRejection } from '@loupe/sync-protocol'
import type { Rejection } from '@loupe/sync-protocol'
import { startServer } from '../../src/index'
import type { LoupeConfig, LoupeServer } from '../../src/index'
import type { LogRecord } from '../../src/logger'

export const SECRET = 'x'.repeat(32)
export const ADMIN_TOKEN = 'a'.repeat(32)

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'loupe-sync-'))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

export function serverConfig(dataDir: string, config: Partial<LoupeConfig> = {}) {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    clientDir: null,
    logLevel: 'silent' as const,
    secret: SECRET,
    adminToken: ADMIN_TOKEN,
    ...config,
  }
}

/** A real server on a temp data dir, with every log record kept in `logs`. */
export interface TestServer {
  server: LoupeServer
  dataDir: string
  logs: LogRecord[]
  wsUrl: string
  /** Closes gracefully and starts again on the same data dir and port. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startTestServer(
  options: { dataDir?: string; config?: Partial<LoupeConfig> } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir()
  const logs: LogRecord[] = []
  const start = (port = options.config?.port ?? 0) =>
    startServer({
      config: serverConfig(dataDir, { ...options.config, port }),
      logSink: (record) => logs.push(record),
    })
  const test: TestServer = {
    server: await start(),
    dataDir,
    logs,
    get wsUrl() {
      return test.server.url.replace(/^http/, 'ws') + '/sync'
    },
    async restart() {
      const port = test.server.port
      await test.server.close()
      test.server = await start(port)
    },
    async close() {
      await test.server.close()
      if (!options.dataDir) removeDir(dataDir)
    },
  }
  return test
}

export async function waitFor(
  condition: () => boolean,
  { timeout = 10_000, interval = 10, message = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`)
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A stock y-websocket client, as a browser would use it (BroadcastChannel off: one process). */
export function connectProvider(
  wsUrl: string,
  room: string,
  token: string,
  doc = new Y.Doc(),
  params: Record<string, string> = {},
): WebsocketProvider {
  return new WebsocketProvider(wsUrl, room, doc, {
    params: { token, ...params },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
}

export async function synced(provider: WebsocketProvider, timeout = 10_000): Promise<void> {
  await waitFor(() => provider.synced, { timeout, message: `${provider.roomname} to sync` })
}

/** Sorts object keys recursively: Y.Map key order depends on the order updates arrived in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/** Y state of a document (root maps and arrays), comparable with toEqual. */
export function snapshotOf(doc: Y.Doc): unknown {
  const out: Record<string, unknown> = {}
  for (const [name, type] of doc.share) {
    // an empty root (never written, or everything deleted) is left out
    if (type._map.size > 0) {
      const json = doc.getMap(name).toJSON()
      if (Object.keys(json).length > 0) out[name] = json
    } else if (type._start !== null) {
      const json = doc.getArray(name).toJSON()
      if (json.length > 0) out[name] = json
    }
  }
  return canonical(out)
}

export function sameContent(a: Y.Doc, b: Y.Doc): boolean {
  return JSON.stringify(snapshotOf(a)) === JSON.stringify(snapshotOf(b))
}

/** The state the server stored for a room, read from its SQLite file through a fresh server. */
export async function storedDoc(test: TestServer, room: string): Promise<Y.Doc> {
  return test.server.relay.read(room, (doc) => {
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    return copy
  })
}

export interface CloseInfo {
  code: number
  reason: string
}

/**
 * A raw protocol client over `ws` (with `loupe=1`): keeps a Y.Doc in sync like y-websocket does,
 * records durable acks and rejections, and can send arbitrary bytes.
 */
export class RawClient {
  readonly ws: WebSocket
  readonly doc: Y.Doc
  readonly received: Uint8Array[] = []
  readonly rejections: Rejection[] = []
  ackCount = 0
  ackClocks = new Map<number, number>()
  synced = false
  closed: CloseInfo | null = null
  opened = false
  #sent = 0

  constructor(
    wsUrl: string,
    room: string,
    token: string | null,
    options: { doc?: Y.Doc; loupe?: boolean } = {},
  ) {
    const params = new URLSearchParams()
    if (token !== null) params.set('token', token)
    if (options.loupe !== false) params.set('loupe', '1')
    this.doc = options.doc ?? new Y.Doc()
    this.ws = new WebSocket(`${wsUrl}/${room}?${params}`)
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('open', () => {
      this.opened = true
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      syncProtocol.writeSyncStep1(encoder, this.doc)
      this.ws.send(encoding.toUint8Array(encoder))
    })
    this.ws.on('message', (data: Buffer) => this.#onMessage(new Uint8Array(data)))
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
    })
    this.ws.on('error', () => {})
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return
      this.sendUpdate(update)
    })
  }

  /** Number of update-carrying messages sent. */
  get sentUpdates(): number {
    return this.#sent
  }

  sendUpdate(update: Uint8Array): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeUpdate(encoder, update)
    this.#sent++
    this.send(encoding.toUint8Array(encoder))
  }

  send(bytes: Uint8Array | Buffer, options: { fin?: boolean; binary?: boolean } = {}): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: true, ...options })
  }

  async opensAndSyncs(timeout = 10_000): Promise<void> {
    await waitFor(() => this.synced || this.closed !== null, {
      timeout,
      message: 'raw client sync',
    })
    if (!this.synced) throw new Error(`closed before sync: ${JSON.stringify(this.closed)}`)
  }

  async closes(timeout = 10_000): Promise<CloseInfo> {
    await waitFor(() => this.closed !== null, { timeout, message: 'raw client close' })
    return this.closed!
  }

  async allAcked(timeout = 10_000): Promise<void> {
    await waitFor(() => this.ackCount >= this.#sent, { timeout, message: 'durable acks' })
  }

  close(): void {
    this.ws.close()
  }

  #onMessage(message: Uint8Array): void {
    this.received.push(message)
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.sync) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this)
      if (kind === syncProtocol.messageYjsSyncStep1) this.#sent++
      if (kind === syncProtocol.messageYjsSyncStep2) this.synced = true
      if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder))
    } else if (type === MessageType.durableAck) {
      const ack = readDurableAck(decoder)
      this.ackCount += ack.count
      for (const [client, clock] of ack.clocks) this.ackClocks.set(client, clock)
    } else if (type === MessageType.rejected) {
      this.rejections.push(readRejection(decoder))
    }
  }
}

export function encodeSyncMessage(subtype: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, subtype)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** A seeded PRNG (mulberry32, the flows engine's). */
export { seededRandom as prng } from '@loupe/flows'

/** Number of log rows stored for a room on disk. */
export function diskEntryCount(dataDir: string, room: string): number {
  const db = new Database(join(dataDir, 'loupe.sqlite'), { readonly: true, fileMustExist: true })
  try {
    const row = db
      .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM document_updates WHERE room = ?')
      .get(room)
    return row?.n ?? 0
  } finally {
    db.close()
  }
}

/** The room state as stored on disk, read with a separate SQLite connection. */
export function diskDoc(dataDir: string, room: string): Y.Doc {
  const db = new Database(join(dataDir, 'loupe.sqlite'), { readonly: true, fileMustExist: true })
  try {
    const doc = new Y.Doc()
    const rows = db
      .prepare<[string], { data: Buffer }>(
        'SELECT data FROM document_updates WHERE room = ? ORDER BY seq',
      )
      .all(room)
    for (const row of rows) Y.applyUpdate(doc, row.data)
    return doc
  } finally {
    db.close()
  }
}
