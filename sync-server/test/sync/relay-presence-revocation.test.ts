import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { CloseCode, MessageType } from '@loupe/sync-protocol'
import {
  ADMIN_TOKEN,
  RawClient,
  connectProvider,
  sleep,
  startTestServer,
  synced,
  waitFor,
} from './helpers'
import type { TestServer } from './helpers'

describe('relay: presence ownership and revoked share links', () => {
  let test: TestServer
  let projectId: string
  let managerToken: string

  beforeAll(async () => {
    test = await startTestServer()
    const response = await fetch(`${test.server.url}/api/projects`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Presence' }),
    })
    expect(response.status).toBe(201)
    ;({ id: projectId, token: managerToken } = (await response.json()) as {
      id: string
      token: string
    })
  })
  afterAll(() => test.close())

  it("a connection cannot move or remove another user's cursor", async () => {
    const room = `job/${projectId}/j1`
    const alice = connectProvider(test.wsUrl, room, managerToken, new Y.Doc())
    const bob = connectProvider(test.wsUrl, room, managerToken, new Y.Doc())
    await Promise.all([synced(alice), synced(bob)])
    alice.awareness.setLocalStateField('cursor', { x: 10, y: 20 })
    const aliceId = alice.doc.clientID
    const cursorOnBob = () =>
      JSON.stringify((bob.awareness.getStates().get(aliceId) as { cursor?: unknown })?.cursor)
    await waitFor(() => cursorOnBob() === '{"x":10,"y":20}', { message: "alice's cursor on bob" })

    // Mallory sends an awareness update claiming Alice's client id: a fake cursor, then a removal.
    const mallory = new RawClient(test.wsUrl, room, managerToken)
    await mallory.opensAndSyncs()
    const spoof = (clock: number, state: string) => {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.awareness)
      const update = encoding.createEncoder()
      encoding.writeVarUint(update, 1)
      encoding.writeVarUint(update, aliceId)
      encoding.writeVarUint(update, clock)
      encoding.writeVarString(update, state)
      encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update))
      mallory.send(encoding.toUint8Array(encoder))
    }
    spoof(1000, JSON.stringify({ cursor: { x: 666, y: 666 } }))
    spoof(1001, 'null')
    await sleep(200)
    expect(cursorOnBob()).toBe('{"x":10,"y":20}')
    expect(mallory.closed).toBeNull()

    // Alice's own updates still go through.
    alice.awareness.setLocalStateField('cursor', { x: 11, y: 21 })
    await waitFor(() => cursorOnBob() === '{"x":11,"y":21}', { message: 'alice moves on' })
    mallory.close()
    alice.destroy()
    bob.destroy()
  })

  it('refuses a revoked share link with 4401 before any byte', async () => {
    const share = await fetch(`${test.server.url}/api/projects/${projectId}/share`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${managerToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'annotator' }),
    })
    expect(share.status).toBe(201)
    const { token, tokenId } = (await share.json()) as { token: string; tokenId: string }
    const room = `project/${projectId}`

    const before = new RawClient(test.wsUrl, room, token)
    await before.opensAndSyncs()
    before.close()

    const revoke = await fetch(`${test.server.url}/api/projects/${projectId}/share/${tokenId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${managerToken}` },
    })
    expect(revoke.status).toBe(204)

    const after = new RawClient(test.wsUrl, room, token)
    const closed = await after.closes()
    expect(closed.code).toBe(CloseCode.unauthorized)
    expect(closed.reason).toMatch(/revoked/)
    expect(after.received).toEqual([])
  })
})
