import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { WebsocketProvider } from 'y-websocket'
import { connectProvider, prng, sameContent, snapshotOf, synced, waitFor } from '../sync/helpers'
import { randomEdits, startCluster, storedInPostgres } from './cluster'
import type { TestCluster } from './cluster'

const ROOM = 'job/p1/j1'

/**
 * hocuspocus#1151: an instance whose copy of a document lags behind stores its state over the
 * newer one and edits made through the other instances are lost. Here three instances take
 * concurrent edits while they compact the room again and again (the log is kept tiny so every
 * instance tries all the time, and one of them is forced to compact at random moments); every
 * replica, every client and a fresh load from PostgreSQL must end up with every edit.
 */
describe('cluster: no stale overwrite (hocuspocus#1151), three instances', () => {
  let cluster: TestCluster
  const providers: WebsocketProvider[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await cluster?.close()
  })

  it('concurrent edits on all three + compaction on one: no update lost', async () => {
    const SEED = Number(process.env.SEED ?? Date.now() % 100_000)
    cluster = await startCluster({ instances: 3, config: { relay: { compactAfterEntries: 5 } } })
    const token = (await cluster.servers[0]!.tokens.issue({ projectId: 'p1', role: 'annotator' }))
      .token
    const docs = Array.from({ length: 6 }, () => new Y.Doc())
    for (const [i, doc] of docs.entries()) {
      providers.push(connectProvider(cluster.wsUrlOf(i % 3), ROOM, token, doc))
    }
    await Promise.all(providers.map((provider) => synced(provider)))

    const random = prng(SEED)
    // Every edit adds a key that must survive: a lost update shows as a missing key.
    const expected = new Set<string>()
    let stop = false
    const compactions = (async () => {
      while (!stop) {
        await cluster.servers[0]!.relay.flush({ compact: true })
        await new Promise((resolve) => setTimeout(resolve, random() * 10))
      }
    })()
    for (let round = 0; round < 30; round++) {
      for (const [i, doc] of docs.entries()) {
        const key = `d${i}-r${round}`
        doc.getMap<string>('kept').set(key, key)
        expected.add(key)
      }
      randomEdits(docs, 10, random)
      await new Promise((resolve) => setTimeout(resolve, random() * 15))
    }
    await waitFor(() => docs.every((doc) => sameContent(doc, docs[0]!)), {
      timeout: 20_000,
      message: `clients to converge (SEED=${SEED})`,
    })
    stop = true
    await compactions
    await Promise.all(cluster.servers.map((server) => server.relay.flush({ compact: true })))

    const want = snapshotOf(docs[0]!)
    expect(new Set(docs[0]!.getMap('kept').keys()), `SEED=${SEED}`).toEqual(expected)
    for (const server of cluster.servers) {
      expect(await server.relay.read(ROOM, (doc) => snapshotOf(doc)), `SEED=${SEED}`).toEqual(want)
    }
    const fresh = await storedInPostgres(cluster, ROOM)
    expect(snapshotOf(fresh), `fresh load from PostgreSQL, SEED=${SEED}`).toEqual(want)
  })
})
