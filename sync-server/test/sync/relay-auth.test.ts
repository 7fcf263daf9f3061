import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, RejectionCode } from '@loupe/sync-protocol'
import {
  ADMIN_TOKEN,
  RawClient,
  SECRET,
  connectProvider,
  diskDoc,
  sleep,
  startTestServer,
  waitFor,
} from './helpers'
import type { TestServer } from './helpers'

const PROJECT = 'project/p1'
const JOB = 'job/p1/j1'

describe('relay: socket auth', () => {
  let test: TestServer
  const tokens: Record<string, string> = {}

  beforeAll(async () => {
    test = await startTestServer()
    for (const role of ['viewer', 'annotator', 'manager'] as const) {
      tokens[role] = (await test.server.tokens.issue({ projectId: 'p1', role })).token
    }
    tokens.otherProject = (
      await test.server.tokens.issue({ projectId: 'p2', role: 'manager' })
    ).token
    await test.server.relay.change(PROJECT, (doc) => {
      doc.getMap('meta').set('name', 'P1')
      const label = new Y.Map<unknown>()
      label.set('name', 'car')
      doc.getMap('labels').set('car', label)
      const image = new Y.Map<unknown>()
      image.set('name', 'a.png')
      doc.getMap('images').set('img1', image)
    })
  })
  afterAll(() => test.close())

  /** Opens a raw socket and expects it closed with `code`, before any byte was received. */
  async function refused(room: string, token: string | null, code: number): Promise<string> {
    const client = new RawClient(test.wsUrl, room, token)
    const closed = await client.closes()
    expect(closed.code).toBe(code)
    expect(closed.reason.length).toBeGreaterThan(0)
    expect(client.received).toEqual([])
    return closed.reason
  }

  it('refuses a missing, forged, expired or malformed token with 4401 before any byte', async () => {
    expect(await refused(PROJECT, null, CloseCode.unauthorized)).toMatch(/no token/)
    expect(await refused(PROJECT, 'not-a-token', CloseCode.unauthorized)).toMatch(/not valid/)
    const forged = await new SignJWT({ role: 'manager' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('p1')
      .setIssuer('loupe')
      .setAudience('loupe')
      .sign(new TextEncoder().encode('y'.repeat(32)))
    await refused(PROJECT, forged, CloseCode.unauthorized)
    const expired = await new SignJWT({ role: 'manager' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('p1')
      .setIssuer('loupe')
      .setAudience('loupe')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(SECRET))
    expect(await refused(PROJECT, expired, CloseCode.unauthorized)).toMatch(/expired/)
    expect(
      test.logs.some((r) => r.message === 'relay: socket refused' && r.fields?.code === 4401),
    ).toBe(true)
  })

  it('refuses another project with 4403 and an unknown room with 4400', async () => {
    expect(await refused(PROJECT, tokens.otherProject!, CloseCode.forbidden)).toMatch(
      /another project/,
    )
    await refused(JOB, tokens.otherProject!, CloseCode.forbidden)
    await refused('nope/p1', tokens.manager!, CloseCode.badRequest)
    await refused('project/p1/extra', tokens.manager!, CloseCode.badRequest)
  })

  it('a stock y-websocket client stops retrying after a 4401 close', async () => {
    const provider = connectProvider(test.wsUrl, PROJECT, 'bad')
    const closed = await new Promise<{ code: number }>((resolve) => provider.on('closed', resolve))
    expect(closed.code).toBe(CloseCode.unauthorized)
    expect(provider.shouldConnect).toBe(false)
    provider.destroy()
  })

  it('closes a socket with 4401 when its token expires', async () => {
    const { token } = await test.server.tokens.issue({
      projectId: 'p1',
      role: 'viewer',
      expiresInSeconds: 2,
    })
    const client = new RawClient(test.wsUrl, PROJECT, token)
    await client.opensAndSyncs()
    expect((await client.closes(5_000)).code).toBe(CloseCode.unauthorized)
  })

  it('a viewer reads, but its write is rejected, not relayed, not stored; it stays connected', async () => {
    const viewer = new RawClient(test.wsUrl, PROJECT, tokens.viewer!)
    const manager = new RawClient(test.wsUrl, PROJECT, tokens.manager!)
    await Promise.all([viewer.opensAndSyncs(), manager.opensAndSyncs()])
    expect(viewer.doc.getMap('meta').get('name')).toBe('P1')
    await viewer.allAcked() // its empty sync step 2 passed silently
    expect(viewer.rejections).toEqual([])

    viewer.doc.getMap('meta').set('name', 'hacked')
    await waitFor(() => viewer.rejections.length === 1)
    expect(viewer.rejections[0]!.code).toBe(RejectionCode.readOnly)
    expect(
      test.logs.some(
        (r) => r.message === 'relay: message rejected' && r.fields?.code === 'read_only',
      ),
    ).toBe(true)

    manager.doc.getMap('meta').set('name', 'P1 renamed')
    await waitFor(
      () => viewer.doc.getMap('meta').get('name') !== 'hacked' || viewer.received.length > 0,
    )
    await manager.allAcked()
    await test.server.relay.flush()
    expect(viewer.closed).toBeNull()
    expect(manager.doc.getMap('meta').get('name')).toBe('P1 renamed')
    expect(diskDoc(test.dataDir, PROJECT).getMap('meta').get('name')).toBe('P1 renamed')
    // nothing the viewer wrote reached the other client or the disk
    expect(manager.doc.store.clients.has(viewer.doc.clientID)).toBe(false)
    expect(diskDoc(test.dataDir, PROJECT).store.clients.has(viewer.doc.clientID)).toBe(false)
    // the viewer keeps receiving others' updates (its own local edit stays local)
    await waitFor(() => viewer.received.some((m) => m.length > 20 && m[0] === 0 && m[1] === 2))
    viewer.close()
    manager.close()
  })

  it('an annotator writes job docs and project images, not labels', async () => {
    const inJob = new RawClient(test.wsUrl, JOB, tokens.annotator!)
    await inJob.opensAndSyncs()
    inJob.doc.getMap('shapes').set('s1', { type: 'rectangle' })
    await inJob.allAcked()
    expect(inJob.rejections).toEqual([])

    const inProject = new RawClient(test.wsUrl, PROJECT, tokens.annotator!)
    await inProject.opensAndSyncs()
    const image = inProject.doc.getMap('images').get('img1') as Y.Map<unknown>
    image.set('note', 'seen') // nested in images: allowed
    const added = new Y.Map<unknown>()
    inProject.doc.getMap('images').set('img2', added)
    added.set('name', 'b.png')
    await inProject.allAcked()
    expect(inProject.rejections).toEqual([])

    const ackedBefore = inProject.ackCount
    const label = inProject.doc.getMap('labels').get('car') as Y.Map<unknown>
    label.set('color', '#ff0000')
    await waitFor(() => inProject.rejections.length === 1)
    expect(inProject.rejections[0]!.code).toBe(RejectionCode.forbiddenField)
    inProject.doc.getMap('labels').delete('car')
    await waitFor(() => inProject.rejections.length === 2)
    expect(inProject.closed).toBeNull()
    expect(inProject.ackCount).toBe(ackedBefore)

    await test.server.relay.flush()
    const stored = diskDoc(test.dataDir, PROJECT)
    expect((stored.getMap('images').get('img2') as Y.Map<unknown>).get('name')).toBe('b.png')
    expect((stored.getMap('images').get('img1') as Y.Map<unknown>).get('note')).toBe('seen')
    const car = stored.getMap('labels').get('car') as Y.Map<unknown>
    expect(car.get('color')).toBeUndefined()
    inJob.close()
    inProject.close()
  })

  it('a manager and the admin write anything; the admin in any project', async () => {
    const manager = new RawClient(test.wsUrl, PROJECT, tokens.manager!)
    await manager.opensAndSyncs()
    manager.doc.getMap('labels').set('bus', { name: 'bus' })
    await manager.allAcked()
    expect(manager.rejections).toEqual([])

    const admin = new RawClient(test.wsUrl, 'project/elsewhere', ADMIN_TOKEN)
    await admin.opensAndSyncs()
    admin.doc.getMap('labels').set('x', 1)
    await admin.allAcked()
    expect(admin.rejections).toEqual([])
    manager.close()
    admin.close()
    await sleep(10)
  })
})
