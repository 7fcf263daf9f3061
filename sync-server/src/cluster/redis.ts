import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from '../logger'
import { decodeFanOutMessage, encodeFanOutMessage } from './fanout'
import type { FanOut, FanOutHandler, FanOutMessage, RoomChannel } from './fanout'
import type { ClusterLock, HeldLock } from './lock'

export interface RedisOptions {
  /** `redis://host:port/db` (`REDIS_URL`). */
  url: string
  /** Prefix of every channel and key (`LOUPE_REDIS_PREFIX`, default `loupe:`). */
  prefix: string
  /** This instance's id: its own messages come back on the channel and are skipped. */
  instance: string
  logger: Logger
}

const connect = (url: string, name: string) =>
  new Redis(url, {
    connectionName: name,
    // A command waits at most a few reconnect attempts, then fails instead of piling up.
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  })

/**
 * Redis pub/sub between instances: one channel per room (`<prefix>room:<name>`), subscribed
 * while the room is loaded here. Pub/sub delivers at most once and drops messages while a
 * connection is down, so after a reconnect every joined room is told to resync from storage.
 */
export class RedisFanOut implements FanOut {
  readonly publisher: Redis
  readonly subscriber: Redis
  readonly #handlers = new Map<string, Set<FanOutHandler>>()
  readonly #subscribing = new Map<string, Promise<unknown>>()
  /** Channels that are not rooms (an instance's own control channel), by name. */
  readonly #listeners = new Map<string, (payload: Buffer) => void>()
  #connectedOnce = false

  constructor(readonly options: RedisOptions) {
    this.publisher = connect(options.url, `loupe-pub-${options.instance}`)
    this.subscriber = connect(options.url, `loupe-sub-${options.instance}`)
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => {
        options.logger.warn('redis: connection error', { error: error.message })
      })
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      this.#deliver(channel.toString(), payload)
    })
    this.subscriber.on('ready', () => {
      if (!this.#connectedOnce) {
        this.#connectedOnce = true
        return
      }
      options.logger.info('redis: reconnected, resyncing rooms', { rooms: this.#handlers.size })
      for (const handlers of this.#handlers.values()) {
        for (const handler of handlers) handler.resync()
      }
    })
  }

  channelOf(room: string): string {
    return `${this.options.prefix}room:${room}`
  }

  async join(room: string, handler: FanOutHandler): Promise<RoomChannel> {
    const channel = this.channelOf(room)
    let handlers = this.#handlers.get(channel)
    if (!handlers) this.#handlers.set(channel, (handlers = new Set()))
    handlers.add(handler)
    let subscribing = this.#subscribing.get(channel)
    if (!subscribing) {
      subscribing = this.subscriber.subscribe(channel)
      this.#subscribing.set(channel, subscribing)
    }
    try {
      await subscribing
    } catch (error) {
      this.#subscribing.delete(channel)
      handlers.delete(handler)
      throw error
    }
    let left = false
    return {
      publish: (message) => this.#publish(channel, message),
      leave: async () => {
        if (left) return
        left = true
        handlers.delete(handler)
        if (handlers.size > 0 || this.#handlers.get(channel) !== handlers) return
        this.#handlers.delete(channel)
        this.#subscribing.delete(channel)
        await this.subscriber.unsubscribe(channel).catch(() => undefined)
      },
    }
  }

  /**
   * Subscribes `onMessage` to a channel that is not a room's (raw payloads, no instance filter).
   * Resolves once subscribed; ioredis subscribes again after a reconnect.
   */
  async listen(channel: string, onMessage: (payload: Buffer) => void): Promise<void> {
    if (this.#listeners.has(channel) || this.#handlers.has(channel)) {
      throw new Error(`redis: channel ${channel} is already in use`)
    }
    this.#listeners.set(channel, onMessage)
    try {
      await this.subscriber.subscribe(channel)
    } catch (error) {
      this.#listeners.delete(channel)
      throw error
    }
  }

  #publish(channel: string, message: FanOutMessage): void {
    const payload = Buffer.from(encodeFanOutMessage(this.options.instance, message))
    this.publisher.publish(channel, payload).catch((error: unknown) => {
      this.options.logger.warn('redis: publish failed (peers catch up from storage)', {
        channel,
        error: String(error),
      })
    })
  }

  #deliver(channel: string, payload: Buffer): void {
    const listener = this.#listeners.get(channel)
    if (listener) {
      listener(payload)
      return
    }
    const handlers = this.#handlers.get(channel)
    if (!handlers) return
    let decoded: ReturnType<typeof decodeFanOutMessage>
    try {
      decoded = decodeFanOutMessage(payload)
    } catch (error) {
      this.options.logger.error('redis: malformed fan-out message', {
        channel,
        error: String(error),
      })
      return
    }
    if (decoded.instance === this.options.instance) return
    for (const handler of handlers) handler.message(decoded.message)
  }

  async ping(): Promise<void> {
    await withTimeout(this.publisher.ping(), 2_000, 'redis ping')
  }

  async close(): Promise<void> {
    this.#handlers.clear()
    this.#listeners.clear()
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()])
  }
}

/** Compare and delete: `KEYS[1]` is deleted only while it still holds `ARGV[1]`. */
export const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`

/** `SET key token NX PX ttl`; released only by its holder (compare and delete in Lua). */
export class RedisLock implements ClusterLock {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  async tryAcquire(name: string, ttlMs: number): Promise<HeldLock | null> {
    const key = `${this.prefix}lock:${name}`
    const token = randomBytes(12).toString('base64url')
    const set = await this.redis.set(key, token, 'PX', ttlMs, 'NX')
    if (set !== 'OK') return null
    let released = false
    return {
      release: async () => {
        if (released) return
        released = true
        await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined)
      },
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
