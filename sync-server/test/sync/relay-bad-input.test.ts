import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, RejectionCode } from '@loupe/sync-protocol'
import {
  RawClient,
  diskDoc,
  encodeSyncMessage,
  prng,
  snapshotOf,
  startTestServer,
  waitFor,
} from './helpers'
import type { TestServer } from './helpers'

const ROOM = 'job/p1/j1'
const MAX_MESSAGE = 64 * 1024
const SYNC_UPDATE = 2

describe('relay: untrusted input', () => {
  let test: TestServer
  let token: string
  let baseline: unknown

  beforeAll(async () => {
    test = await startTestServer({ config: { maxMessageBytes: MAX_MESSAGE } })
    token = (await test.server.tokens.issue({ projectId: 'p1', role: 'annotator' })).token
    await test.server.relay.change(ROOM, (doc) => {
      const shape = new Y.Map<unknown>()
      shape.set('points', [1, 2, 3, 4])
      doc.getMap('shapes').set('s1', shape)
      doc.getArray('order').push(['s1'])
    })
    baseline = snapshotOf(await test.server.relay.read(ROOM, (doc) => cloneDoc(doc)))
  })
  afterAll(() => test.close())
  beforeEach(() => {
    test.logs.length = 0
  })

  const cloneDoc = (doc: Y.Doc) => {
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
    return copy
  }

  /** Connects, lets `attack` send, expects the close, a warning logged, and the room unchanged. */
  async function expectRefused(
    attack: (client: RawClient) => void,
    expected: { code: number; reason: RegExp; rejection?: string },
  ): Promise<void> {
    const client = new RawClient(test.wsUrl, ROOM, token)
    await client.opensAndSyncs()
    attack(client)
    const closed = await client.closes()
    expect(closed.code).toBe(expected.code)
    expect(closed.reason).toMatch(expected.reason)
    if (expected.rejection)
      expect(client.rejections.map((r) => r.code)).toContain(expected.rejection)
    const logged = test.logs.find(
      (r) => r.level === 'warn' && r.message === 'relay: message rejected',
    )
    expect(logged?.fields).toMatchObject({ room: ROOM })
    await expectRoomIntact()
  }

  async function expectRoomIntact(): Promise<void> {
    const reader = new RawClient(test.wsUrl, ROOM, token)
    await reader.opensAndSyncs()
    expect(snapshotOf(reader.doc)).toEqual(baseline)
    reader.close()
    await test.server.relay.flush()
    expect(snapshotOf(diskDoc(test.dataDir, ROOM))).toEqual(baseline)
  }

  const validUpdateMessage = () => {
    const doc = new Y.Doc()
    doc.getMap('shapes').set('evil', 'x'.repeat(40))
    return { update: Y.encodeStateAsUpdate(doc), doc }
  }

  it('random bytes: 4400', async () => {
    const random = prng(7)
    const bytes = Uint8Array.from({ length: 200 }, () => Math.floor(random() * 256))
    await expectRefused((c) => c.send(bytes), { code: CloseCode.badRequest, reason: /malformed/ })
  })

  it('a text frame: 4400', async () => {
    await expectRefused((c) => c.send(Buffer.from('hello'), { binary: false }), {
      code: CloseCode.badRequest,
      reason: /text frames/,
    })
  })

  it('a truncated sync message: 4400', async () => {
    const message = encodeSyncMessage(SYNC_UPDATE, validUpdateMessage().update)
    await expectRefused((c) => c.send(message.subarray(0, message.length - 10)), {
      code: CloseCode.badRequest,
      reason: /malformed/,
    })
  })

  it('a corrupted Yjs update in a valid envelope: 4400, never applied', async () => {
    const { update } = validUpdateMessage()
    const mangled = update.slice(0, update.length - 12)
    await expectRefused((c) => c.send(encodeSyncMessage(SYNC_UPDATE, mangled)), {
      code: CloseCode.badRequest,
      reason: /corrupt_update/,
      rejection: RejectionCode.corruptUpdate,
    })
    const random = prng(11)
    const garbage = Uint8Array.from({ length: 64 }, () => Math.floor(random() * 256))
    garbage[0] = 1 // one client's structs follow
    await expectRefused((c) => c.send(encodeSyncMessage(SYNC_UPDATE, garbage)), {
      code: CloseCode.badRequest,
      reason: /corrupt_update|malformed/,
    })
  })

  it('an update Yjs reads but cannot apply: 4400, the room is rebuilt from storage', async () => {
    const room = 'job/p1/apply-fails'
    const base = new RawClient(test.wsUrl, room, token)
    await base.opensAndSyncs()
    base.doc.clientID = 1 // the crafted update below refers to client 1's structs
    const shapes = base.doc.getMap<Y.Map<unknown>>('shapes')
    shapes.set('a', new Y.Map())
    base.doc.getArray('order').push(['x', 'y', 'z'])
    shapes.get('a')!.set('p', [1, 2, 3])
    await base.allAcked()
    const expected = snapshotOf(base.doc)

    // client 7 inserts into `order` and sets a key of shape `a`; one info byte is mangled, so
    // Y.decodeUpdate accepts it but Y.applyUpdate throws (found by fuzzing)
    const crafted = Buffer.from('01020700c80101010201770171400001000172017d0500', 'hex')
    expect(() => Y.decodeUpdate(crafted)).not.toThrow()
    const attacker = new RawClient(test.wsUrl, room, token)
    await attacker.opensAndSyncs()
    attacker.send(encodeSyncMessage(SYNC_UPDATE, crafted))
    const closed = await attacker.closes()
    expect(closed.code).toBe(CloseCode.badRequest)
    expect(closed.reason).toMatch(/corrupt_update: update could not be applied/)
    expect(test.logs.some((r) => r.fields?.code === RejectionCode.corruptUpdate)).toBe(true)

    shapes.set('later', new Y.Map()) // the room keeps working
    await base.allAcked()
    const reader = new RawClient(test.wsUrl, room, token)
    await reader.opensAndSyncs()
    expect(snapshotOf(reader.doc)).toEqual(snapshotOf(base.doc))
    expect(reader.doc.store.clients.has(7)).toBe(false)
    expect(base.doc.store.clients.has(7)).toBe(false)
    await test.server.relay.flush()
    const stored = diskDoc(test.dataDir, room)
    expect(stored.store.clients.has(7)).toBe(false)
    expect(snapshotOf(stored)).toEqual({
      ...(expected as object),
      shapes: { a: { p: [1, 2, 3] }, later: {} },
    })
    base.close()
    reader.close()
  })

  it('an oversized message: 4413', async () => {
    const doc = new Y.Doc()
    doc.getMap('shapes').set('big', 'x'.repeat(MAX_MESSAGE + 1000))
    const message = encodeSyncMessage(SYNC_UPDATE, Y.encodeStateAsUpdate(doc))
    await expectRefused((c) => c.send(message), {
      code: CloseCode.tooLarge,
      reason: /too_large/,
      rejection: RejectionCode.tooLarge,
    })
  })

  it('fragmented frames are reassembled; a fragmented oversized message is 4413', async () => {
    const client = new RawClient(test.wsUrl, 'job/p1/fragments', token)
    await client.opensAndSyncs()
    const doc = new Y.Doc()
    doc.getMap('shapes').set('fragmented', 'y'.repeat(3000))
    const message = encodeSyncMessage(SYNC_UPDATE, Y.encodeStateAsUpdate(doc))
    for (let at = 0; at < message.length; at += 1000) {
      const end = Math.min(at + 1000, message.length)
      client.send(message.subarray(at, end), { fin: end === message.length })
    }
    await waitFor(() => client.ackCount === 2, { message: 'ack of the fragmented update' })
    expect(client.doc.getMap('shapes').get('fragmented')).toBeUndefined() // never echoed back
    const reader = new RawClient(test.wsUrl, 'job/p1/fragments', token)
    await reader.opensAndSyncs()
    expect(reader.doc.getMap('shapes').get('fragmented')).toBe('y'.repeat(3000))
    reader.close()
    client.close()

    const big = new Y.Doc()
    big.getMap('shapes').set('big', 'z'.repeat(MAX_MESSAGE * 1.5))
    const bigMessage = encodeSyncMessage(SYNC_UPDATE, Y.encodeStateAsUpdate(big))
    await expectRefused(
      (c) => {
        for (let at = 0; at < bigMessage.length; at += 16 * 1024) {
          const end = Math.min(at + 16 * 1024, bigMessage.length)
          c.send(bigMessage.subarray(at, end), { fin: end === bigMessage.length })
        }
      },
      { code: CloseCode.tooLarge, reason: /too_large/ },
    )
  })

  it('client-id hijacking: 4409, the owner keeps writing', async () => {
    const owner = new RawClient(test.wsUrl, ROOM, token)
    await owner.opensAndSyncs()
    owner.doc.getMap('scratch').set('mine', 1)
    await owner.allAcked()
    // undo it so the room's visible state stays the baseline
    owner.doc.getMap('scratch').delete('mine')
    await owner.allAcked()

    await expectRefused(
      (c) => {
        const forged = new Y.Doc()
        Y.applyUpdate(forged, Y.encodeStateAsUpdate(owner.doc))
        forged.clientID = owner.doc.clientID // after applying: Yjs renames a doc that sees its id
        const before = Y.encodeStateVector(forged)
        forged.getMap('shapes').set('stolen', 'as someone else')
        c.sendUpdate(Y.encodeStateAsUpdate(forged, before))
      },
      {
        code: CloseCode.conflict,
        reason: /client_id_conflict/,
        rejection: RejectionCode.clientIdConflict,
      },
    )
    expect(owner.closed).toBeNull()
    owner.doc.getMap('scratch').set('still', 'works')
    await owner.allAcked()
    owner.doc.getMap('scratch').delete('still')
    await owner.allAcked()
    owner.close()
  })

  it('a silent owner is superseded: the same client back on a new socket may write as its id', async () => {
    const settings = test.server.relay.settings
    settings.staleOwnerMs = 100
    try {
      const old = new RawClient(test.wsUrl, 'job/p1/supersede', token)
      await old.opensAndSyncs()
      old.doc.getMap('m').set('before', 1)
      await old.allAcked()
      old.ws.pause() // its network died: nothing more is heard from it, in either direction
      await new Promise((resolve) => setTimeout(resolve, 300))

      const doc = new Y.Doc()
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(old.doc))
      doc.clientID = old.doc.clientID
      const back = new RawClient(test.wsUrl, 'job/p1/supersede', token, { doc })
      await back.opensAndSyncs()
      doc.getMap('m').set('after', 2)
      await back.allAcked()
      expect(back.closed).toBeNull()
      expect(test.logs.some((r) => r.message === 'relay: superseding a silent connection')).toBe(
        true,
      )
      back.close()
      old.ws.terminate()
    } finally {
      settings.staleOwnerMs = 20_000
    }
  })

  it('a flood is slowed down (not closed) while other clients stay responsive', async () => {
    const limits = test.server.relay.settings.rateLimit
    const saved = { ...limits }
    Object.assign(limits, { messagesPerSecond: 4_000, messageBurst: 2_000 })
    try {
      const flooder = new RawClient(test.wsUrl, 'job/p1/flood', token)
      const other = new RawClient(test.wsUrl, 'job/p1/quiet', token)
      const neighbour = new RawClient(test.wsUrl, 'job/p1/flood', token)
      await Promise.all([flooder.opensAndSyncs(), other.opensAndSyncs(), neighbour.opensAndSyncs()])
      const started = Date.now()
      const counter = flooder.doc.getMap('counter')
      for (let i = 0; i < 20_000; i++) counter.set('n', i)
      // while the flood is being worked through, others get their writes acknowledged
      other.doc.getMap('shapes').set('a', 1)
      neighbour.doc.getMap('shapes').set('b', 2)
      await Promise.all([other.allAcked(), neighbour.allAcked()])
      expect(flooder.ackCount).toBeLessThan(flooder.sentUpdates)

      await flooder.allAcked(30_000)
      expect(Date.now() - started).toBeGreaterThan(2_000) // 18k over the burst at 4k/s
      expect(flooder.closed).toBeNull()
      expect(test.logs.some((r) => r.message === 'relay: connection rate limited')).toBe(true)
      await waitFor(() => neighbour.doc.getMap('counter').get('n') === 19_999)
      flooder.close()
      other.close()
      neighbour.close()
    } finally {
      Object.assign(limits, saved)
    }
  })
})
