import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { PendingTracker, attachPendingTracker } from '@loupe/sync-protocol'
import type { Rejection, TrackedProvider } from '@loupe/sync-protocol'
import { startServer } from '../../src/index'
import type { LoupeServer } from '../../src/index'

const ROOM = 'job/p1/j1'

const waitFor = async (condition: () => boolean, message: string, timeout = 10_000) => {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('pending changes from durable acks (real server, stock WebsocketProvider)', () => {
  let dataDir: string
  let server: LoupeServer
  let port = 0
  let token: string
  const cleanups: (() => void)[] = []

  const start = async () => {
    server = await startServer({
      config: {
        port,
        host: '127.0.0.1',
        dataDir,
        clientDir: null,
        logLevel: 'silent',
        secret: 'x'.repeat(32),
        adminToken: 'a'.repeat(32),
      },
    })
    port = server.port
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'loupe-pending-'))
    port = 0
    await start()
    token = (await server.tokens.issue({ projectId: 'p1', role: 'annotator' })).token
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const open = (doc = new Y.Doc(), tracker = new PendingTracker(), role = token) => {
    const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, ROOM, doc, {
      params: { token: role, loupe: '1' },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 100,
    })
    const rejections: Rejection[] = []
    const detach = attachPendingTracker(provider as unknown as TrackedProvider, tracker, {
      onRejection: (r) => rejections.push(r),
    })
    cleanups.push(() => {
      detach()
      provider.destroy()
    })
    return { provider, doc, tracker, rejections }
  }

  it('counts edits until the server acks them', async () => {
    const { provider, doc, tracker } = open()
    expect(typeof provider.messageHandlers[100]).toBe('function')
    await waitFor(() => provider.synced, 'sync')
    const shapes = doc.getMap('shapes')
    for (let i = 0; i < 5; i++) shapes.set(`s${i}`, i)
    expect(tracker.pending).toBe(5)
    await waitFor(() => tracker.pending === 0, 'acks')
    shapes.delete('s0')
    expect(tracker.pending).toBe(1)
    await waitFor(() => tracker.pending === 0, 'delete ack')
  })

  it('stays pending while the server is down and reaches 0 when it is back', async () => {
    const { provider, doc, tracker } = open()
    await waitFor(() => provider.synced, 'sync')
    doc.getMap('shapes').set('before', 1)
    await waitFor(() => tracker.pending === 0, 'first ack')

    await server.close()
    await waitFor(() => !provider.wsconnected, 'disconnect')
    const shapes = doc.getMap('shapes')
    shapes.set('a', 1)
    shapes.set('b', 2)
    shapes.delete('before')
    expect(tracker.pending).toBe(3)
    await sleep(300)
    expect(tracker.pending).toBe(3)

    await start()
    await waitFor(() => provider.synced, 'resync')
    await waitFor(() => tracker.pending === 0, 'acks after restart')

    // what was confirmed is on the server: a fresh client sees it
    const check = open(new Y.Doc())
    await waitFor(() => check.provider.synced, 'check sync')
    expect(check.doc.getMap('shapes').toJSON()).toEqual({ a: 1, b: 2 })
  })

  it('restores the count after a reload while offline, then confirms', async () => {
    // offline: no server reachable on this port for a while
    const doc = new Y.Doc()
    const tracker = new PendingTracker()
    doc.on('update', (update: Uint8Array) => tracker.local(update, false))
    doc.getMap('shapes').set('x', 1)
    doc.getMap('shapes').set('y', 2)
    expect(tracker.pending).toBe(2)

    // "reload": the document comes back from local storage, the count from its snapshot
    const saved = JSON.stringify(tracker.toJSON())
    const reloaded = new Y.Doc()
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc), 'indexeddb')
    const restored = PendingTracker.fromJSON(JSON.parse(saved))
    expect(restored.pending).toBe(2)

    const { provider } = open(reloaded, restored)
    await waitFor(() => provider.synced, 'sync')
    await waitFor(() => restored.pending === 0, 'acks of the reloaded edits')
  })

  it('keeps a rejected write pending and reports the rejection', async () => {
    const viewer = (await server.tokens.issue({ projectId: 'p1', role: 'viewer' })).token
    const { provider, doc, tracker, rejections } = open(new Y.Doc(), new PendingTracker(), viewer)
    await waitFor(() => provider.synced, 'sync')
    doc.getMap('shapes').set('nope', 1)
    await waitFor(() => rejections.length > 0, 'rejection')
    expect(rejections[0]!.code).toBe('read_only')
    await sleep(200)
    expect(tracker.pending).toBe(1)
  })
})
