import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type * as Y from 'yjs'
import { CloseCode, parseRoomName } from '@loupe/sync-protocol'
import type { TokenService } from '../auth/tokens'
import type { RoomCluster } from '../cluster/room-cluster'
import type { Logger } from '../logger'
import type { DocumentStore, MetaStore } from '../storage/types'
import { authorizeSocket } from './authorize'
import type { SocketGrant } from './authorize'
import { RelayConnection } from './connection'
import { KEEP_ALIVE_MESSAGE } from './protocol'
import type { RateLimitOptions } from './rate-limit'
import type { RoomAccess } from './room-access'
import { RelayRoom } from './room'
import type { RoomSettings } from './room'
import { writeAccess } from './write-policy'

export interface RelaySettings extends RoomSettings {
  /** Send an empty awareness update to a connection that got nothing for this long. */
  keepAliveMs: number
  /** Ping every connection this often; one that missed the previous pong is terminated. */
  pingIntervalMs: number
  /**
   * A connection whose unsent output grows past this (it reads too slowly) is closed with 1013, so
   * one slow peer cannot make the server buffer without bound; y-websocket reconnects and resyncs.
   */
  maxBufferedBytes: number
  rateLimit: RateLimitOptions
}

export const DEFAULT_RELAY_SETTINGS: RelaySettings = {
  compactAfterEntries: 500,
  roomIdleMs: 30_000,
  staleOwnerMs: 20_000,
  maxQueuedPerConnection: 1_000,
  keepAliveMs: 12_000,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  rateLimit: {
    messagesPerSecond: 1_000,
    messageBurst: 3_000,
    bytesPerSecond: 8 * 1024 * 1024,
    byteBurst: 32 * 1024 * 1024,
  },
}

/** Settings as given: any subset, including part of the rate limit. */
export type RelaySettingsInput = Partial<Omit<RelaySettings, 'rateLimit'>> & {
  rateLimit?: Partial<RateLimitOptions>
}

export interface RelayOptions {
  store: DocumentStore
  tokens: TokenService
  meta: MetaStore
  logger: Logger
  /** Largest accepted message; a larger one closes the socket with 4413. */
  maxMessageBytes: number
  settings?: RelaySettingsInput
  /** Cluster mode: rooms are replicas kept in step through a fan-out bus (absent: one instance). */
  cluster?: RoomCluster | null
}

/**
 * The sync endpoint `/sync/<room>`: the y-websocket protocol (sync + awareness) plus Loupe's
 * durable acks and rejections for clients that ask with `loupe=1`. Owns the live rooms.
 */
export class Relay implements RoomAccess {
  /** Tuning knobs; may be changed at run time (tests shorten timers with it). */
  readonly settings: RelaySettings
  readonly #wss: WebSocketServer
  readonly #rooms = new Map<string, RelayRoom>()
  readonly #timer: NodeJS.Timeout
  #closing: Promise<void> | null = null

  constructor(readonly options: RelayOptions) {
    this.settings = {
      ...DEFAULT_RELAY_SETTINGS,
      ...options.settings,
      rateLimit: { ...DEFAULT_RELAY_SETTINGS.rateLimit, ...options.settings?.rateLimit },
    }
    // ws enforces a hard cap; messages between maxMessageBytes and it are refused with 4413 here.
    const hardCap = Math.max(options.maxMessageBytes * 2, options.maxMessageBytes + (1 << 20))
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: hardCap,
      perMessageDeflate: false,
    })
    this.#timer = setInterval(() => this.#keepAlive(), 1_000)
    this.#timer.unref()
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith('/sync/')) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    if (this.#closing) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      )
      return
    }
    const onEarlyError = () => socket.destroy()
    socket.on('error', onEarlyError)
    const { tokens, meta } = this.options
    authorizeSocket(url, { tokens, meta }).then(
      (grant) => {
        socket.off('error', onEarlyError)
        if (this.#closing || socket.destroyed) {
          socket.destroy()
          return
        }
        this.#wss.handleUpgrade(request, socket, head, (ws) => this.#open(ws, grant, request))
      },
      (error: unknown) => {
        this.options.logger.error('relay: authorizing a socket failed', { error: String(error) })
        socket.destroy()
      },
    )
  }

  #open(ws: WebSocket, grant: SocketGrant, request: IncomingMessage): void {
    const remote = request.socket.remoteAddress ?? 'unknown'
    if (grant.kind === 'refused') {
      // Accept, then close with a reason: y-websocket reports a 44xx close and stops retrying.
      this.options.logger.warn('relay: socket refused', {
        room: grant.room,
        remote,
        code: grant.code,
        reason: grant.reason,
      })
      ws.close(grant.code, grant.reason)
      return
    }
    const room = this.#room(grant.room)
    const connection = new RelayConnection(ws, {
      room: grant.room,
      principal: grant.principal,
      access: writeAccess(grant.principal.role, room.roomName),
      loupe: grant.loupe,
      remote,
      logger: this.options.logger,
      maxMessageBytes: this.options.maxMessageBytes,
      maxBufferedBytes: () => this.settings.maxBufferedBytes,
      rateLimit: this.settings.rateLimit,
      onMessage: (from, message) => room.receive(from, message),
    })
    let expiry: NodeJS.Timeout | null = null
    const expiresAt = grant.principal.expiresAt
    if (expiresAt !== undefined) {
      const ms = expiresAt * 1000 - Date.now()
      if (ms < 2 ** 31 - 1) {
        expiry = setTimeout(() => connection.close(CloseCode.unauthorized, 'token has expired'), ms)
        expiry.unref()
      }
    }
    ws.on('message', (data: Buffer, isBinary) => connection.receive(data, isBinary))
    ws.on('pong', () => {
      connection.awaitingPong = false
    })
    ws.on('error', (error) => {
      this.options.logger.warn('relay: socket error', {
        room: grant.room,
        connection: connection.id,
        remote,
        reason: error.message,
      })
    })
    ws.on('close', () => {
      if (expiry !== null) clearTimeout(expiry)
      connection.dispose()
      room.leave(connection)
    })
    room.join(connection)
  }

  #room(name: string): RelayRoom {
    let room = this.#rooms.get(name)
    if (!room) {
      const roomName = parseRoomName(name)
      if (!roomName) throw new Error(`not a room name: ${JSON.stringify(name)}`)
      room = new RelayRoom(name, roomName, {
        store: this.options.store,
        logger: this.options.logger,
        settings: this.settings,
        onIdle: (idle) => this.#evict(idle),
        cluster: this.options.cluster ?? null,
      })
      this.#rooms.set(name, room)
      room.loaded.catch(() => {
        if (this.#rooms.get(name) === room) this.#rooms.delete(name)
      })
    }
    return room
  }

  #evict(room: RelayRoom): void {
    room
      .evict(() => {
        if (this.#rooms.get(room.name) === room) this.#rooms.delete(room.name)
      })
      .catch((error: unknown) => {
        this.options.logger.error('relay: evicting a room failed', {
          room: room.name,
          error: String(error),
        })
      })
  }

  async #withRoom<T>(name: string, use: (room: RelayRoom) => Promise<T>): Promise<T> {
    if (this.#closing) throw new Error('the relay is shutting down')
    const room = this.#room(name)
    room.leases++
    try {
      return await use(room)
    } finally {
      room.leases--
      room.armIdle()
    }
  }

  change<T>(room: string, fn: (doc: Y.Doc) => T): Promise<T> {
    return this.#withRoom(room, (live) => live.change(fn))
  }

  read<T>(room: string, fn: (doc: Y.Doc) => T): Promise<T> {
    return this.#withRoom(room, (live) => live.read(fn))
  }

  /** Names of the rooms currently in memory. */
  liveRooms(): string[] {
    return [...this.#rooms.keys()]
  }

  /** Processes everything queued in every live room (and compacts them if `compact`). */
  async flush(options: { compact?: boolean } = {}): Promise<void> {
    await Promise.all(
      [...this.#rooms.values()].map((room) => (options.compact ? room.compact() : room.flush())),
    )
  }

  /** Flushes every room (processing what is queued, then compacting) and closes sockets (1001). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer)
      const rooms = [...this.#rooms.values()]
      await Promise.all(
        rooms.map((room) =>
          room.shutdown(CloseCode.goingAway, 'server shutting down').catch((error: unknown) => {
            this.options.logger.error('relay: flushing a room failed', {
              room: room.name,
              error: String(error),
            })
          }),
        ),
      )
      this.#rooms.clear()
      for (const ws of this.#wss.clients) ws.close(CloseCode.goingAway, 'server shutting down')
      const closed = new Promise<void>((resolve) => this.#wss.close(() => resolve()))
      // Peers get a moment to answer the closing handshake; the rest are cut off.
      const grace = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())
      await Promise.race([closed, grace])
      for (const ws of this.#wss.clients) ws.terminate()
      await closed
    })()
    return this.#closing
  }

  /** Pings for dead peers; sends idle clients an empty awareness update (y-websocket's 30 s watchdog). */
  #keepAlive(): void {
    const now = Date.now()
    const { keepAliveMs, pingIntervalMs } = this.settings
    for (const room of this.#rooms.values()) {
      for (const connection of room.connections) {
        if (connection.closed) continue
        if (now - connection.lastSentAt >= keepAliveMs) connection.send(KEEP_ALIVE_MESSAGE)
        if (now - connection.lastPingAt >= pingIntervalMs) {
          if (connection.awaitingPong) {
            this.options.logger.info('relay: terminating an unresponsive socket', {
              room: room.name,
              connection: connection.id,
            })
            connection.terminate()
            continue
          }
          connection.awaitingPong = true
          connection.lastPingAt = now
          connection.ws.ping()
        }
      }
    }
  }
}
