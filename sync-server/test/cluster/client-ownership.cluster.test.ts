import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, RejectionCode } from '@loupe/sync-protocol'
import { RawClient, sleep, waitFor } from '../sync/helpers'
import { startCluster, storedInPostgres } from './cluster'
import type { TestCluster } from './cluster'
import { TEST_REDIS_URL } from './env'
import type { RedisFanOut } from '../../src/cluster/redis'

/** A document that continues `source` under the same Yjs client id (the same client, or a forger). */
function sameClient(source: Y.Doc): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source))
  doc.clientID = source.clientID // after applying: Yjs renames a doc that sees its own id
  return doc
}

/**
 * DESIGN.md §3 across instances: a connection that introduced a Yjs client id owns it in the room
 * cluster-wide. Each test pins its sockets to an instance (no balancer).
 */
describe('cluster: client-id ownership across instances', () => {
  let cluster: TestCluster
  let redis: Redis
  let token: string
  let room = ''
  let rooms = 0

  beforeAll(async () => {
    // A long record expiry: what these tests see is never explained by a record expiring.
    cluster = await startCluster({ instances: 2, config: { clientOwnerTtlMs: 60_000 } })
    token = (await cluster.servers[0]!.tokens.issue({ projectId: 'own', role: 'annotator' })).token
    redis = new Redis(TEST_REDIS_URL)
  })
  afterAll(async () => {
    await cluster.close()
    await redis.quit()
  })
  beforeEach(() => {
    room = `job/own/j${rooms++}`
    cluster.logs.length = 0
  })

  const recordOf = (client: number) =>
    redis.get(`${cluster.namespace.redisPrefix}owner:${room}:${client}`)
  const instanceOf = (index: number) => cluster.servers[index]!.backend.instance
  const logged = (message: string) => cluster.logs.filter((record) => record.message === message)

  it('a socket on another instance writing as an owned id is closed 4409; the owner keeps writing', async () => {
    const owner = new RawClient(cluster.wsUrlOf(0), room, token)
    const watchers = [0, 1].map((i) => new RawClient(cluster.wsUrlOf(i), room, token))
    await Promise.all([owner, ...watchers].map((client) => client.opensAndSyncs()))
    owner.doc.getMap('m').set('first', 1)
    await owner.allAcked()
    expect(await recordOf(owner.doc.clientID)).toMatch(new RegExp(`^${instanceOf(0)}/`))

    const thief = new RawClient(cluster.wsUrlOf(1), room, token)
    await thief.opensAndSyncs()
    const forged = sameClient(owner.doc)
    const before = Y.encodeStateVector(forged)
    forged.getMap('m').set('stolen', 'as someone else')
    thief.sendUpdate(Y.encodeStateAsUpdate(forged, before))
    const closed = await thief.closes()
    expect(closed.code).toBe(CloseCode.conflict)
    expect(closed.reason).toMatch(/client_id_conflict/)
    expect(thief.rejections.map((r) => r.code)).toContain(RejectionCode.clientIdConflict)

    // The owner is untouched and its writes keep reaching everyone, on both instances.
    for (let i = 0; i < 5; i++) owner.doc.getMap('m').set(`after${i}`, i)
    await owner.allAcked()
    expect(owner.closed).toBeNull()
    await waitFor(() => watchers.every((w) => w.doc.getMap('m').get('after4') === 4), {
      message: "the owner's writes on both instances",
    })
    for (const watcher of watchers) expect(watcher.doc.getMap('m').has('stolen')).toBe(false)
    const stored = await storedInPostgres(cluster, room)
    expect(stored.getMap('m').get('after4')).toBe(4)
    expect(stored.getMap('m').has('stolen')).toBe(false)
    for (const client of [owner, ...watchers]) client.close()
  })

  it("the room's own client id on one instance cannot be written as through the other", async () => {
    await cluster.servers[0]!.relay.change(room, (doc) => doc.getMap('m').set('by-server', 1))
    const serverDoc = await cluster.servers[0]!.relay.read(room, (doc) => {
      const copy = new Y.Doc()
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
      copy.clientID = doc.clientID
      return copy
    })
    const thief = new RawClient(cluster.wsUrlOf(1), room, token)
    await thief.opensAndSyncs()
    const forged = sameClient(serverDoc)
    const before = Y.encodeStateVector(forged)
    forged.getMap('m').set('by-server', 'forged')
    thief.sendUpdate(Y.encodeStateAsUpdate(forged, before))
    const closed = await thief.closes()
    expect(closed.code).toBe(CloseCode.conflict)
    expect((await storedInPostgres(cluster, room)).getMap('m').get('by-server')).toBe(1)
  })

  it('a silent owner on one instance is superseded by its client back on the other', async () => {
    for (const server of cluster.servers) server.relay.settings.staleOwnerMs = 100
    try {
      const old = new RawClient(cluster.wsUrlOf(0), room, token)
      await old.opensAndSyncs()
      old.doc.getMap('m').set('before', 1)
      await old.allAcked()
      old.ws.pause() // its network died: nothing more is heard from it, in either direction
      await sleep(300)

      const doc = sameClient(old.doc)
      const back = new RawClient(cluster.wsUrlOf(1), room, token, { doc })
      await back.opensAndSyncs()
      doc.getMap('m').set('after', 2)
      await back.allAcked()
      expect(back.closed).toBeNull()
      const superseded = logged('relay: superseding a silent connection')
      expect(superseded).toHaveLength(1)
      expect(superseded[0]!.fields).toMatchObject({ room, byInstance: instanceOf(1) })
      expect(await recordOf(doc.clientID)).toMatch(new RegExp(`^${instanceOf(1)}/`))
      // instance 0 cut the silent socket
      old.ws.resume()
      await old.closes()
      expect((await storedInPostgres(cluster, room)).getMap('m').toJSON()).toEqual({
        before: 1,
        after: 2,
      })
      back.close()
    } finally {
      for (const server of cluster.servers) server.relay.settings.staleOwnerMs = 20_000
    }
  })

  it('an owner that is still talking is not superseded, however long it was quiet before', async () => {
    for (const server of cluster.servers) server.relay.settings.staleOwnerMs = 1_000
    try {
      const owner = new RawClient(cluster.wsUrlOf(0), room, token)
      await owner.opensAndSyncs()
      owner.doc.getMap('m').set('a', 1)
      await owner.allAcked()
      await sleep(1_300) // longer than the stale time...
      owner.doc.getMap('m').set('b', 2) // ...but talking again
      await owner.allAcked()
      const thief = new RawClient(cluster.wsUrlOf(1), room, token)
      await thief.opensAndSyncs()
      const forged = sameClient(owner.doc)
      const before = Y.encodeStateVector(forged)
      forged.getMap('m').set('stolen', 1)
      thief.sendUpdate(Y.encodeStateAsUpdate(forged, before))
      expect((await thief.closes()).code).toBe(CloseCode.conflict)
      expect(owner.closed).toBeNull()
      expect(logged('relay: superseding a silent connection')).toHaveLength(0)
      owner.close()
    } finally {
      for (const server of cluster.servers) server.relay.settings.staleOwnerMs = 20_000
    }
  })

  it('a clean disconnect releases the id: another socket on the other instance may write as it', async () => {
    const first = new RawClient(cluster.wsUrlOf(0), room, token)
    await first.opensAndSyncs()
    first.doc.getMap('m').set('one', 1)
    await first.allAcked()
    const client = first.doc.clientID
    expect(await recordOf(client)).not.toBeNull()
    first.close()
    await first.closes()
    // Released at once (compare and delete), not left to expire (60 s here).
    await waitForAsync(async () => (await recordOf(client)) === null, 'the record to be released')

    const doc = sameClient(first.doc)
    const next = new RawClient(cluster.wsUrlOf(1), room, token, { doc })
    await next.opensAndSyncs()
    doc.getMap('m').set('two', 2)
    await next.allAcked()
    expect(next.closed).toBeNull()
    expect(await recordOf(client)).toMatch(new RegExp(`^${instanceOf(1)}/`))
    expect(logged('relay: superseding a silent connection')).toHaveLength(0)
    expect(logged('relay: client id taken over from an instance that is gone')).toHaveLength(0)
    next.close()
  })

  it('a record of an instance that is gone (nobody on its channel) is taken over at once', async () => {
    const doc = new Y.Doc()
    // as a killed instance leaves it: the record lives on, its control channel has no subscriber
    await redis.set(
      `${cluster.namespace.redisPrefix}owner:${room}:${doc.clientID}`,
      'deadbeef0000/7',
      'PX',
      60_000,
    )
    const client = new RawClient(cluster.wsUrlOf(1), room, token, { doc })
    await client.opensAndSyncs()
    doc.getMap('m').set('x', 1)
    await client.allAcked()
    expect(client.closed).toBeNull()
    expect(await recordOf(doc.clientID)).toMatch(new RegExp(`^${instanceOf(1)}/`))
    const taken = logged('relay: client id taken over from an instance that is gone')
    expect(taken[0]?.fields).toMatchObject({ room, previous: 'deadbeef0000/7' })
    client.close()
  })

  it('an owner whose instance does not answer: 1013 (come back), and the write lands once the record expires', async () => {
    // an instance that is subscribed to its control channel but never answers (stalled)
    const mute = new Redis(TEST_REDIS_URL)
    try {
      await mute.subscribe(`${cluster.namespace.redisPrefix}instance:feedface0000`)
      const doc = new Y.Doc()
      await redis.set(
        `${cluster.namespace.redisPrefix}owner:${room}:${doc.clientID}`,
        'feedface0000/3',
        'PX',
        2_500,
      )
      const client = new RawClient(cluster.wsUrlOf(0), room, token, { doc })
      await client.opensAndSyncs()
      doc.getMap('m').set('x', 1)
      const closed = await client.closes()
      expect(closed.code).toBe(CloseCode.tryAgainLater)
      expect(closed.reason).toMatch(/client_id_conflict/)
      expect(logged('relay: the owner of a client id did not answer')).toHaveLength(1)
      const stored = await storedInPostgres(cluster, room)
      expect(stored.getMap('m').has('x')).toBe(false)

      // The client comes back as y-websocket does after 1013; once the stalled instance's record
      // has expired (it is never renewed), its write is accepted.
      const deadline = Date.now() + 10_000
      let again: RawClient
      for (;;) {
        // its pending write goes in its answer to the server's sync step 1
        again = new RawClient(cluster.wsUrlOf(1), room, token, { doc })
        await waitFor(() => again.ackClocks.has(doc.clientID) || again.closed !== null, {
          message: 'an ack or a close',
        })
        if (again.closed === null) break
        expect(again.closed.code).toBe(CloseCode.tryAgainLater)
        if (Date.now() > deadline) throw new Error('the write was never accepted')
        await sleep(200)
      }
      await again.allAcked()
      expect((await storedInPostgres(cluster, room)).getMap('m').get('x')).toBe(1)
      again.close()
    } finally {
      await mute.quit()
    }
  })
})

describe('cluster: client-id owner records are renewed', () => {
  let cluster: TestCluster
  let redis: Redis

  beforeAll(async () => {
    cluster = await startCluster({ instances: 2, config: { clientOwnerTtlMs: 600 } })
    redis = new Redis(TEST_REDIS_URL)
  })
  afterAll(async () => {
    await cluster.close()
    await redis.quit()
  })

  it('kept while the socket lives; a record taken by someone else closes the socket with 1013', async () => {
    const room = 'job/own/renew'
    const token = (await cluster.servers[0]!.tokens.issue({ projectId: 'own', role: 'annotator' }))
      .token
    const owner = new RawClient(cluster.wsUrlOf(0), room, token)
    await owner.opensAndSyncs()
    owner.doc.getMap('m').set('a', 1)
    await owner.allAcked()
    const key = `${cluster.namespace.redisPrefix}owner:${room}:${owner.doc.clientID}`
    const value = await redis.get(key)
    expect(value).toMatch(new RegExp(`^${cluster.servers[0]!.backend.instance}/`))
    await sleep(1_500) // 2.5 expiries: only renewal keeps it
    expect(await redis.get(key)).toBe(value)
    expect(await redis.pttl(key)).toBeGreaterThan(0)

    // as if another instance took it over while this one was cut off from Redis
    await redis.set(key, 'feedface0000/1', 'PX', 60_000)
    const closed = await owner.closes(5_000)
    expect(closed.code).toBe(CloseCode.tryAgainLater)
    expect(closed.reason).toMatch(/client_id_conflict/)
    expect(
      cluster.logs.some((r) => r.message === 'relay: client id ownership lost to another socket'),
    ).toBe(true)
    expect(await redis.get(key)).toBe('feedface0000/1') // left to its holder
  })

  it('fails open while Redis is unreachable: the write is stored, the record is put back later', async () => {
    const room = 'job/own/redis-down'
    const token = (await cluster.servers[0]!.tokens.issue({ projectId: 'own', role: 'annotator' }))
      .token
    const client = new RawClient(cluster.wsUrlOf(0), room, token)
    await client.opensAndSyncs()
    const publisher = (cluster.servers[0]!.backend.cluster!.fanout as RedisFanOut).publisher
    publisher.disconnect() // this instance's commands to Redis fail from now on
    try {
      client.doc.getMap('m').set('while-down', 1)
      await client.allAcked()
      expect(client.closed).toBeNull()
      expect(
        cluster.logs.some((r) =>
          r.message.startsWith('relay: client-id ownership is checked on this instance only'),
        ),
      ).toBe(true)
      expect((await storedInPostgres(cluster, room)).getMap('m').get('while-down')).toBe(1)
      const key = `${cluster.namespace.redisPrefix}owner:${room}:${client.doc.clientID}`
      expect(await redis.get(key)).toBeNull()
    } finally {
      await publisher.connect()
    }
    // the next renewal puts the record in place
    const key = `${cluster.namespace.redisPrefix}owner:${room}:${client.doc.clientID}`
    await waitForAsync(async () => (await redis.get(key)) !== null, 'the record to be put back')
    expect(await redis.get(key)).toMatch(new RegExp(`^${cluster.servers[0]!.backend.instance}/`))
    client.doc.getMap('m').set('after', 2)
    await client.allAcked()
    expect(client.closed).toBeNull()
    client.close()
  })
})

async function waitForAsync(condition: () => Promise<boolean>, message: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`)
    await sleep(20)
  }
}
