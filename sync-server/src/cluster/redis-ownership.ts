import { CloseCode } from '@loupe/sync-protocol'
import type { Logger } from '../logger'
import type { ClaimOutcome, ClientOwnership, OwnerSocket } from './client-ownership'
import { RELEASE, withTimeout } from './redis'
import type { RedisFanOut } from './redis'

export interface RedisOwnershipOptions {
  /** Its publisher runs the scripts; its subscriber carries this instance's control channel. */
  fanout: RedisFanOut
  /** `LOUPE_REDIS_PREFIX`. */
  prefix: string
  /** This instance's id (`Backend.instance`). */
  instance: string
  logger: Logger
  /** Expiry of an owner record (`LOUPE_CLIENT_OWNER_TTL_MS`); renewed every third of it. */
  ttlMs: number
  /** How long a claimant waits for the owner's instance to answer (default 1 s). */
  askTimeoutMs?: number
  /** How long one Redis command may take before the claim fails open (default 1 s). */
  redisTimeoutMs?: number
}

/**
 * `KEYS[1]` an owner record; `ARGV`: the claimant's value, the ttl, the prefix of instance control
 * channels. Returns `{1}` claimed, `{2, previous}` taken over from an instance with nobody on its
 * control channel (its process is gone: Redis drops a dead client's subscriptions when its socket
 * closes), `{0, owner}` held by a live instance.
 */
const CLAIM = `local v = redis.call('get', KEYS[1])
if not v or v == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1}
end
local instance = string.match(v, '^(.-)/')
if instance and redis.call('pubsub', 'numsub', ARGV[3] .. instance)[2] == 0 then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {2, v}
end
return {0, v}`

/**
 * Renews records `KEYS[i]` holding `ARGV[i + 1]` for `ARGV[1]` ms; a missing one is set again
 * (it expired while Redis was unreachable, or Redis lost it). Returns the indexes (1-based) of
 * the records someone else holds now.
 */
const RENEW = `local lost = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('get', key)
  if v == ARGV[i + 1] then
    redis.call('pexpire', key, ARGV[1])
  elseif not v then
    redis.call('set', key, ARGV[i + 1], 'PX', ARGV[1])
  else
    lost[#lost + 1] = i
  end
end
return lost`

/** Records renewed by one script call (a pipeline carries as many calls as needed). */
const RENEW_CHUNK = 500

interface Held {
  key: string
  value: string
  room: string
  client: number
  socket: OwnerSocket
}

type ControlMessage =
  | { type: 'ask'; id: string; from: string; key: string; value: string; staleMs: number }
  | { type: 'answer'; id: string; released: boolean }

/**
 * Client-id ownership across the instances of a cluster, in Redis.
 *
 * One record per (room, client id): `<prefix>owner:<room>:<client>` = `<instance>/<connection>`,
 * set with `NX`-like semantics by a Lua script and an expiry of `ttlMs`. The instance that holds
 * records renews all of them in one pipeline every `ttlMs / 3` while their sockets live, and
 * deletes each (compare and delete) when its socket closes. The relay asks here only when a
 * connection first writes as an id it has not claimed; every later write is decided locally.
 *
 * A claim that finds another socket's record:
 * - the owner's instance has nobody on its control channel (`<prefix>instance:<id>`): the process
 *   is gone (kill -9, crash), so the record is taken over at once — a client that moved from a
 *   dead instance writes again without waiting for the expiry;
 * - otherwise the claimant asks that instance over its control channel. The owner's instance alone
 *   knows when the socket last sent something: silent for longer than the stale time (DESIGN.md
 *   §3), it terminates the socket, deletes the record and answers `released`, and the claimant
 *   claims again; still talking, it answers `live` and the claimant refuses the write (4409).
 *   No answer in `askTimeoutMs` (the instance is partitioned from Redis or stalled) is
 *   `undecided`: the client is closed with 1013 and comes back; once that instance stops renewing,
 *   its record expires after at most `ttlMs`.
 *
 * Redis failures fail OPEN: if the claim cannot be made (Redis unreachable, or slower than
 * `redisTimeoutMs`), the write is judged by this instance's own owners only (the guarantee of a
 * single instance) and the record is put in place by the next renewal. Ownership guards against
 * forged writes, not against loss: refusing every new writer while Redis is down would stall all
 * editing (fan-out is degraded too, and catches up from PostgreSQL), whereas what is accepted is
 * durable in PostgreSQL either way. A renewal that finds a record held by someone else (it could
 * only be taken over while this instance was cut off) closes the local socket with 1013, so no
 * two sockets keep writing as one id once Redis answers again.
 */
export class RedisClientOwnership implements ClientOwnership {
  readonly #held = new Map<string, Held>()
  readonly #bySocket = new Map<OwnerSocket, Set<string>>()
  readonly #asks = new Map<string, (released: boolean | null) => void>()
  readonly #askTimeoutMs: number
  readonly #redisTimeoutMs: number
  #nextAsk = 0
  #timer: NodeJS.Timeout | null = null
  #renewing = false
  /** Redis failed last time: logged once until it answers again. */
  #degraded = false

  private constructor(readonly options: RedisOwnershipOptions) {
    this.#askTimeoutMs = options.askTimeoutMs ?? 1_000
    this.#redisTimeoutMs = options.redisTimeoutMs ?? 1_000
  }

  /** Subscribes to this instance's control channel and starts renewing. */
  static async start(options: RedisOwnershipOptions): Promise<RedisClientOwnership> {
    const owners = new RedisClientOwnership(options)
    await options.fanout.listen(owners.#channelOf(options.instance), (payload) =>
      owners.#onControl(payload),
    )
    owners.#timer = setInterval(() => void owners.#renew(), Math.max(1, options.ttlMs / 3))
    owners.#timer.unref()
    return owners
  }

  /** Number of records this instance holds (tests, metrics). */
  get held(): number {
    return this.#held.size
  }

  keyOf(room: string, client: number): string {
    return `${this.options.prefix}owner:${room}:${client}`
  }

  async claim(
    room: string,
    client: number,
    socket: OwnerSocket,
    staleMs: number,
  ): Promise<ClaimOutcome> {
    const key = this.keyOf(room, client)
    if (this.#held.get(key)?.socket === socket) return { kind: 'claimed' }
    const value = `${this.options.instance}/${socket.id}`
    let owner = ''
    // Twice at most: a superseded owner gives the id up, then it is claimed again.
    for (let attempt = 0; attempt < 2; attempt++) {
      let result: { status: number; owner: string }
      try {
        result = await this.#claimScript(key, value)
      } catch (error) {
        this.#failed('claim', error)
        this.#hold({ key, value, room, client, socket })
        return { kind: 'claimed' }
      }
      this.#recovered()
      if (result.status !== 0) {
        if (result.status === 2) {
          this.options.logger.info('relay: client id taken over from an instance that is gone', {
            room,
            client,
            previous: result.owner,
          })
        }
        this.#hold({ key, value, room, client, socket })
        return { kind: 'claimed' }
      }
      owner = result.owner
      const released = await this.#ask(owner, key, staleMs)
      if (released === null) return { kind: 'undecided', owner }
      if (!released) return { kind: 'conflict', owner }
    }
    return { kind: 'undecided', owner }
  }

  release(socket: OwnerSocket): void {
    const keys = this.#bySocket.get(socket)
    if (!keys) return
    this.#bySocket.delete(socket)
    for (const key of keys) {
      const entry = this.#held.get(key)
      if (entry?.socket !== socket) continue
      this.#held.delete(key)
      void this.#deleteRecord(key, entry.value)
    }
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    for (const resolve of this.#asks.values()) resolve(null)
    this.#asks.clear()
    const entries = [...this.#held.values()]
    this.#held.clear()
    this.#bySocket.clear()
    if (entries.length === 0 || this.#redis.status !== 'ready') return
    const pipeline = this.#redis.pipeline()
    for (const entry of entries) pipeline.eval(RELEASE, 1, entry.key, entry.value)
    await withTimeout(pipeline.exec(), this.#redisTimeoutMs, 'releasing client ids').catch(
      () => undefined,
    )
  }

  get #redis() {
    return this.options.fanout.publisher
  }

  #channelOf(instance: string): string {
    return `${this.options.prefix}instance:${instance}`
  }

  async #claimScript(key: string, value: string): Promise<{ status: number; owner: string }> {
    if (this.#redis.status !== 'ready') throw new Error(`redis is ${this.#redis.status}`)
    const reply = await withTimeout(
      this.#redis.eval(
        CLAIM,
        1,
        key,
        value,
        this.options.ttlMs,
        this.#channelOf(''),
      ) as Promise<unknown>,
      this.#redisTimeoutMs,
      'client id claim',
    )
    if (!Array.isArray(reply) || typeof reply[0] !== 'number') {
      throw new Error(`unexpected reply to a client id claim: ${JSON.stringify(reply)}`)
    }
    return { status: reply[0], owner: typeof reply[1] === 'string' ? reply[1] : '' }
  }

  #hold(entry: Held): void {
    if (entry.socket.closed) {
      // Closed while the claim was on its way (its release has run or will find nothing).
      void this.#deleteRecord(entry.key, entry.value)
      return
    }
    const previous = this.#held.get(entry.key)
    if (previous) this.#bySocket.get(previous.socket)?.delete(entry.key)
    this.#held.set(entry.key, entry)
    let keys = this.#bySocket.get(entry.socket)
    if (!keys) this.#bySocket.set(entry.socket, (keys = new Set()))
    keys.add(entry.key)
  }

  #drop(entry: Held): void {
    if (this.#held.get(entry.key) !== entry) return
    this.#held.delete(entry.key)
    this.#bySocket.get(entry.socket)?.delete(entry.key)
  }

  async #deleteRecord(key: string, value: string): Promise<void> {
    try {
      await withTimeout(
        this.#redis.eval(RELEASE, 1, key, value) as Promise<unknown>,
        this.#redisTimeoutMs,
        'client id release',
      )
    } catch (error) {
      // Not renewed any more: the record expires after ttlMs.
      this.options.logger.debug('relay: releasing a client id failed', {
        key,
        error: String(error),
      })
    }
  }

  /** Whether `owner` (`<instance>/<connection>`) gave `key` up; null when it did not answer. */
  async #ask(owner: string, key: string, staleMs: number): Promise<boolean | null> {
    const instance = owner.slice(0, owner.indexOf('/'))
    if (instance === this.options.instance) return this.#answer(key, owner, staleMs, instance)
    const id = `${this.options.instance}:${this.#nextAsk++}`
    const answered = new Promise<boolean | null>((resolve) => {
      this.#asks.set(id, resolve)
    })
    const timer = setTimeout(() => this.#asks.get(id)?.(null), this.#askTimeoutMs)
    const ask: ControlMessage = {
      type: 'ask',
      id,
      from: this.options.instance,
      key,
      value: owner,
      staleMs,
    }
    this.#redis.publish(this.#channelOf(instance), JSON.stringify(ask)).catch(() => undefined)
    try {
      const released = await answered
      if (released === null) {
        this.options.logger.warn('relay: the owner of a client id did not answer', {
          key,
          owner,
          timeoutMs: this.#askTimeoutMs,
        })
      }
      return released
    } finally {
      clearTimeout(timer)
      this.#asks.delete(id)
    }
  }

  /**
   * On the owner's instance: gives `key` up unless its socket is still talking (it sent something
   * within `staleMs`). A silent socket is terminated: its client is back on another socket.
   */
  async #answer(key: string, value: string, staleMs: number, by: string): Promise<boolean> {
    const entry = this.#held.get(key)
    if (entry && entry.value === value) {
      const silentMs = Date.now() - entry.socket.lastReceivedAt
      if (!entry.socket.closed) {
        if (silentMs <= staleMs) return false
        this.options.logger.info('relay: superseding a silent connection', {
          room: entry.room,
          connection: entry.socket.id,
          client: entry.client,
          silentMs,
          byInstance: by,
        })
        entry.socket.terminate()
      }
      this.#drop(entry)
    }
    await this.#deleteRecord(key, value)
    return true
  }

  #onControl(payload: Buffer): void {
    let message: ControlMessage
    try {
      message = parseControl(payload.toString())
    } catch (error) {
      this.options.logger.error('redis: malformed control message', { error: String(error) })
      return
    }
    if (message.type === 'answer') {
      this.#asks.get(message.id)?.(message.released)
      return
    }
    const { id, from, key, value, staleMs } = message
    void this.#answer(key, value, staleMs, from).then((released) => {
      const answer: ControlMessage = { type: 'answer', id, released }
      this.#redis.publish(this.#channelOf(from), JSON.stringify(answer)).catch(() => undefined)
    })
  }

  /** One pipeline for every record this instance holds. */
  async #renew(): Promise<void> {
    if (this.#renewing || this.#held.size === 0) return
    if (this.#redis.status !== 'ready') {
      this.#failed('renewal', new Error(`redis is ${this.#redis.status}`))
      return
    }
    this.#renewing = true
    try {
      const entries = [...this.#held.values()]
      const pipeline = this.#redis.pipeline()
      for (let at = 0; at < entries.length; at += RENEW_CHUNK) {
        const chunk = entries.slice(at, at + RENEW_CHUNK)
        pipeline.eval(
          RENEW,
          chunk.length,
          ...chunk.map((entry) => entry.key),
          this.options.ttlMs,
          ...chunk.map((entry) => entry.value),
        )
      }
      const results = await withTimeout(pipeline.exec(), this.#redisTimeoutMs, 'client id renewal')
      for (const [index, [error, lost]] of (results ?? []).entries()) {
        if (error) throw error
        if (!Array.isArray(lost)) continue
        for (const position of lost) {
          const entry = entries[index * RENEW_CHUNK + Number(position) - 1]
          if (entry) this.#lost(entry)
        }
      }
      this.#recovered()
    } catch (error) {
      this.#failed('renewal', error)
    } finally {
      this.#renewing = false
    }
  }

  #lost(entry: Held): void {
    if (this.#held.get(entry.key) !== entry) return // released or claimed again meanwhile
    this.#drop(entry)
    this.options.logger.warn('relay: client id ownership lost to another socket', {
      room: entry.room,
      connection: entry.socket.id,
      client: entry.client,
    })
    entry.socket.close(
      CloseCode.tryAgainLater,
      `client_id_conflict: client id ${entry.client} was taken over while this instance was cut off`,
    )
  }

  #failed(what: string, error: unknown): void {
    if (this.#degraded) return
    this.#degraded = true
    this.options.logger.warn(
      'relay: client-id ownership is checked on this instance only (redis unavailable)',
      { during: what, error: String(error) },
    )
  }

  #recovered(): void {
    if (!this.#degraded) return
    this.#degraded = false
    this.options.logger.info('relay: client-id ownership is checked across instances again')
  }
}

function parseControl(text: string): ControlMessage {
  const value = JSON.parse(text) as Record<string, unknown>
  if (value.type === 'answer' && typeof value.id === 'string') {
    return { type: 'answer', id: value.id, released: value.released === true }
  }
  if (
    value.type === 'ask' &&
    typeof value.id === 'string' &&
    typeof value.from === 'string' &&
    typeof value.key === 'string' &&
    typeof value.value === 'string' &&
    typeof value.staleMs === 'number'
  ) {
    const { id, from, key, value: owner, staleMs } = value
    return { type: 'ask', id, from, key, value: owner, staleMs }
  }
  throw new Error(`expected an ask or an answer, got ${text.slice(0, 200)}`)
}
