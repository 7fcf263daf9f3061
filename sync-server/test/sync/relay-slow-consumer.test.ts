import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '@loupe/sync-protocol'
import { RawClient, diskDoc, startTestServer, waitFor } from './helpers'
import type { TestServer } from './helpers'

const ROOM = 'job/p1/j1'

describe('relay: a peer that does not read', () => {
  let test: TestServer
  let token: string

  beforeAll(async () => {
    test = await startTestServer()
    token = (await test.server.tokens.issue({ projectId: 'p1', role: 'annotator' })).token
    test.server.relay.settings.maxBufferedBytes = 256 * 1024
  })
  afterAll(() => test.close())

  it('is closed with 1013 once its unread output passes the limit; the writer is unaffected', async () => {
    const slow = new WebSocket(`${test.wsUrl}/${ROOM}?token=${token}`)
    let closed: { code: number; reason: string } | null = null
    slow.on('close', (code, reason) => (closed = { code, reason: reason.toString() }))
    slow.on('error', () => undefined)
    await new Promise((resolve) => slow.once('open', resolve))
    slow.pause() // stops reading: the server's output to it piles up

    const writer = new RawClient(test.wsUrl, ROOM, token)
    await writer.opensAndSyncs()
    const blob = 'x'.repeat(100_000)
    const shapes = writer.doc.getMap<string>('shapes')
    for (let i = 0; i < 80; i++) shapes.set(`s${i}`, blob + i)
    await writer.allAcked(30_000)

    await waitFor(
      () => test.logs.some((record) => record.message === 'relay: slow consumer closed'),
      { timeout: 20_000, message: 'slow consumer log' },
    )
    slow.resume()
    await waitFor(() => closed !== null, { message: 'slow consumer close' })
    expect(closed!.code).toBe(CloseCode.tryAgainLater)
    expect(closed!.reason).toMatch(/slow_consumer/)

    // The writer kept going and everything it sent is stored.
    expect(writer.closed).toBeNull()
    await test.server.relay.flush()
    const stored = diskDoc(test.dataDir, ROOM).getMap<string>('shapes')
    expect(stored.size).toBe(80)
    expect(stored.get('s79')).toBe(blob + 79)
    writer.close()
  })
})
