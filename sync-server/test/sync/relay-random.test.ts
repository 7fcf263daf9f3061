import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import {
  connectProvider,
  diskDoc,
  prng,
  sameContent,
  sleep,
  snapshotOf,
  startTestServer,
  synced,
  waitFor,
} from './helpers'
import type { TestServer } from './helpers'

const ROOM = 'job/rand/j1'
const PEERS = 6
const ROUNDS = 40
const SEED = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31)

/** One random edit on the shared shapes map, a nested shape map, or the order array. */
function randomEdit(doc: Y.Doc, random: () => number): void {
  const pick = (n: number) => Math.floor(random() * n)
  const shapes = doc.getMap<Y.Map<unknown>>('shapes')
  const order = doc.getArray<string>('order')
  const r = random()
  doc.transact(() => {
    if (r < 0.3) {
      const shape = new Y.Map<unknown>()
      shape.set('points', [pick(100), pick(100), pick(100), pick(100)])
      shape.set('labelId', `l${pick(4)}`)
      const id = `s${pick(25)}`
      shapes.set(id, shape)
      order.insert(pick(order.length + 1), [id])
    } else if (r < 0.6) {
      const keys = [...shapes.keys()]
      if (keys.length === 0) return
      const shape = shapes.get(keys[pick(keys.length)]!)!
      if (random() < 0.5) shape.set('points', [pick(100), pick(100), pick(100), pick(100)])
      else shape.set('labelId', `l${pick(4)}`)
    } else if (r < 0.75) {
      const keys = [...shapes.keys()]
      if (keys.length > 0) shapes.delete(keys[pick(keys.length)]!)
    } else if (r < 0.9) {
      order.insert(pick(order.length + 1), [`x${pick(1000)}`, `y${pick(1000)}`])
    } else if (order.length > 0) {
      const at = pick(order.length)
      order.delete(at, Math.min(1 + pick(3), order.length - at))
    }
  })
}

describe('relay: seeded randomized convergence', () => {
  let test: TestServer | null = null
  const providers: WebsocketProvider[] = []
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await test?.close()
  })

  it(`${PEERS} peers, random edits, disconnects and a server restart converge (SEED=${SEED})`, async () => {
    try {
      const random = prng(SEED)
      test = await startTestServer()
      const server = test
      const token = (await server.server.tokens.issue({ projectId: 'rand', role: 'annotator' }))
        .token
      const open = (doc = new Y.Doc()) => {
        const provider = connectProvider(server.wsUrl, ROOM, token, doc)
        providers.push(provider)
        return provider
      }
      const peers = Array.from({ length: PEERS }, () => open())
      await Promise.all(peers.map((peer) => synced(peer)))

      for (let round = 0; round < ROUNDS; round++) {
        if (round === ROUNDS >> 1) await server.restart()
        for (const peer of peers) {
          const edits = Math.floor(random() * 6)
          for (let i = 0; i < edits; i++) randomEdit(peer.doc, random)
          const r = random()
          if (peer.shouldConnect && r < 0.12) peer.disconnect()
          else if (!peer.shouldConnect && r < 0.4) peer.connect()
        }
        await sleep(Math.floor(random() * 25))
      }

      for (const peer of peers) if (!peer.shouldConnect) peer.connect()
      await Promise.all(peers.map((peer) => synced(peer, 20_000)))
      const reference = peers[0]!.doc
      await waitFor(() => peers.every((peer) => sameContent(peer.doc, reference)), {
        timeout: 20_000,
        message: 'all peers to converge',
      })
      const late = open()
      await synced(late)
      await waitFor(() => sameContent(late.doc, reference), { message: 'late joiner' })
      await server.server.relay.flush()
      expect(snapshotOf(diskDoc(server.dataDir, ROOM))).toEqual(snapshotOf(reference))
      expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(reference))
    } catch (error) {
      console.error(
        `relay-random failed with SEED=${SEED} (replay: SEED=${SEED} npx vitest run ...)`,
      )
      throw error
    }
  })
})
