import type { WebSocket } from 'ws'
import { CloseCode, RejectionCode, encodeRejection } from '@loupe/sync-protocol'
import type { Principal } from '../auth/tokens'
import type { Logger } from '../logger'
import { RelayRejection, malformed } from './errors'
import { parseInbound } from './protocol'
import type { InboundMessage } from './protocol'
import { ConnectionRateLimit } from './rate-limit'
import type { RateLimitOptions } from './rate-limit'
import type { WriteAccess } from './write-policy'

export interface ConnectionOptions {
  room: string
  principal: Principal
  access: WriteAccess
  /** The client asked for Loupe messages (durable acks, rejections) with `loupe=1`. */
  loupe: boolean
  remote: string
  logger: Logger
  maxMessageBytes: number
  /** Unsent output above which the peer counts as too slow (read at each send). */
  maxBufferedBytes: () => number
  rateLimit: RateLimitOptions
  /** Receives every valid message, in order. */
  onMessage: (connection: RelayConnection, message: InboundMessage) => void
}

/** WebSocket close reasons are limited to 123 bytes of UTF-8. */
function closeReason(text: string): string {
  const bytes = Buffer.from(text)
  return bytes.length <= 123 ? text : bytes.subarray(0, 120).toString('utf8') + '...'
}

let nextConnectionId = 1

/** How long a slow consumer gets to read its close frame before its socket is cut. */
const SLOW_CONSUMER_GRACE_MS = 5_000

/** One client socket in a room: validates and rate-limits what it sends, sends what it gets. */
export class RelayConnection {
  readonly id = nextConnectionId++
  readonly principal: Principal
  readonly access: WriteAccess
  readonly loupe: boolean
  /** Awareness client ids this connection controls (removed when it leaves). */
  readonly awarenessIds = new Set<number>()
  /** Yjs client ids this connection introduced (others may not write new structs as them). */
  readonly ownedClients = new Set<number>()
  /** Client ids with a rejected write: later writes as them would depend on it, so are refused. */
  readonly tainted = new Map<number, RelayRejection>()
  /** Messages waiting in the room's queue. */
  queued = 0
  lastReceivedAt = Date.now()
  lastSentAt = Date.now()
  lastPingAt = Date.now()
  awaitingPong = false
  closed = false
  /** Closed because of what it sent: its queued messages are dropped. */
  refused = false
  readonly #pauses = new Set<'rate' | 'queue'>()
  readonly #rate: ConnectionRateLimit
  #rateTimer: NodeJS.Timeout | null = null
  #rateLimitedTimes = 0

  constructor(
    readonly ws: WebSocket,
    readonly options: ConnectionOptions,
  ) {
    this.principal = options.principal
    this.access = options.access
    this.loupe = options.loupe
    this.#rate = new ConnectionRateLimit(options.rateLimit)
  }

  get room(): string {
    return this.options.room
  }

  /** Handles one frame from the socket. */
  receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return
    this.lastReceivedAt = Date.now()
    this.awaitingPong = false
    const pause = this.#rate.account(data.length)
    if (pause > 0) this.#rateLimit(pause)
    if (data.length > this.options.maxMessageBytes) {
      this.refuse(
        new RelayRejection(
          RejectionCode.tooLarge,
          `message of ${data.length} bytes exceeds the limit of ${this.options.maxMessageBytes}`,
          CloseCode.tooLarge,
        ),
      )
      return
    }
    let message: InboundMessage
    try {
      if (!isBinary) throw malformed('text frames are not part of the protocol')
      message = parseInbound(new Uint8Array(data.buffer, data.byteOffset, data.length))
    } catch (error) {
      if (!(error instanceof RelayRejection)) throw error
      this.refuse(error)
      return
    }
    this.options.onMessage(this, message)
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    this.lastSentAt = Date.now()
    this.ws.send(message)
    const buffered = this.ws.bufferedAmount
    if (buffered > this.options.maxBufferedBytes()) {
      this.options.logger.warn('relay: slow consumer closed', {
        room: this.room,
        connection: this.id,
        remote: this.options.remote,
        bufferedBytes: buffered,
      })
      this.close(CloseCode.tryAgainLater, `slow_consumer: ${buffered} bytes waiting to be read`)
      // The close frame queues behind what the peer is not reading: don't hold that memory long.
      setTimeout(() => this.ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref()
    }
  }

  /** Tells a Loupe client that a message was rejected, logs it, and closes if the kind asks. */
  refuse(rejection: RelayRejection): void {
    this.options.logger.warn('relay: message rejected', {
      room: this.room,
      connection: this.id,
      remote: this.options.remote,
      role: this.principal.role,
      code: rejection.code,
      reason: rejection.message,
    })
    if (this.loupe) this.send(encodeRejection({ code: rejection.code, message: rejection.message }))
    if (rejection.close !== null) {
      this.refused = true
      this.close(rejection.close, `${rejection.code}: ${rejection.message}`)
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.#clearRateTimer()
    this.ws.close(code, closeReason(reason))
    // A paused socket would never read the peer's closing handshake.
    this.#pauses.clear()
    this.ws.resume()
  }

  /** Ends a connection without a handshake (dead peer). */
  terminate(): void {
    this.closed = true
    this.#clearRateTimer()
    this.ws.terminate()
  }

  /** Socket closed (by either side): stops timers. */
  dispose(): void {
    this.closed = true
    this.#clearRateTimer()
  }

  pause(reason: 'rate' | 'queue'): void {
    if (this.#pauses.size === 0) this.ws.pause()
    this.#pauses.add(reason)
  }

  resume(reason: 'rate' | 'queue'): void {
    if (!this.#pauses.delete(reason) || this.#pauses.size > 0 || this.closed) return
    this.ws.resume()
  }

  #rateLimit(pauseMs: number): void {
    if (this.#rateLimitedTimes++ === 0) {
      this.options.logger.info('relay: connection rate limited', {
        room: this.room,
        connection: this.id,
        remote: this.options.remote,
        pauseMs,
      })
    }
    this.pause('rate')
    this.#clearRateTimer()
    this.#rateTimer = setTimeout(() => {
      this.#rateTimer = null
      this.resume('rate')
    }, pauseMs)
  }

  #clearRateTimer(): void {
    if (this.#rateTimer !== null) clearTimeout(this.#rateTimer)
    this.#rateTimer = null
  }
}
