import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { MessageType } from '@loupe/sync-protocol'
import { announceToOtherTabsLazily } from './cross-tab'

/** What another tab of the browser sees on the room's channel (a plain BroadcastChannel). */
class OtherTab {
  readonly channel: BroadcastChannel
  readonly received: Uint8Array[] = []
  constructor(name: string) {
    this.channel = new BroadcastChannel(name)
    this.channel.onmessage = (event: MessageEvent) =>
      this.received.push(new Uint8Array(event.data as ArrayBuffer))
  }
  /** The kinds of message received: 'step1', 'step2', 'update', 'awareness', 'query'. */
  kinds(): string[] {
    return this.received.map((bytes) => {
      const decoder = decoding.createDecoder(bytes)
      const type = decoding.readVarUint(decoder)
      if (type === MessageType.awareness) return 'awareness'
      if (type === MessageType.queryAwareness) return 'query'
      const sub = decoding.readVarUint(decoder)
      return sub === syncProtocol.messageYjsSyncStep1
        ? 'step1'
        : sub === syncProtocol.messageYjsSyncStep2
          ? 'step2'
          : 'update'
    })
  }
  /** Applies every sync step 2 received to `doc`. */
  applySteps(doc: Y.Doc): void {
    for (const bytes of this.received) {
      const decoder = decoding.createDecoder(bytes)
      if (decoding.readVarUint(decoder) !== MessageType.sync) continue
      syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'other')
    }
  }
  sendStep1(doc: Y.Doc): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeSyncStep1(encoder, doc)
    this.channel.postMessage(encoding.toUint8Array(encoder))
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn()
})

function tab(room: string) {
  const doc = new Y.Doc()
  for (let i = 0; i < 100; i++) doc.getMap('shapes').set(`s${i}`, i)
  const provider = new WebsocketProvider('ws://127.0.0.1:9', room, doc, {
    connect: false,
    WebSocketPolyfill: WebSocket as never,
  })
  const idle: Array<() => void> = []
  const restore = announceToOtherTabsLazily(provider, (fn) => idle.push(fn))
  cleanups.push(() => {
    restore()
    provider.destroy()
    doc.destroy()
  })
  return { doc, provider, idle }
}

describe('announcing a tab to the other tabs', () => {
  it('sends its state vector and awareness, not its whole document, while no other tab speaks', async () => {
    const { provider, idle } = tab('room-alone')
    const other = new OtherTab(provider.bcChannel)
    cleanups.push(() => other.channel.close())
    provider.connectBc()
    await settle()
    expect(other.kinds()).toEqual(['step1', 'query', 'awareness'])
    expect(idle).toHaveLength(0)
  })

  it('sends the whole document (when idle) once another tab is heard, and the other tab has it all', async () => {
    const { doc, provider, idle } = tab('room-two')
    const otherDoc = new Y.Doc()
    otherDoc.getMap('shapes').set('theirs', 1)
    const other = new OtherTab(provider.bcChannel)
    cleanups.push(() => other.channel.close())
    provider.connectBc()
    await settle()
    // the other tab answers this tab's state vector with what it lacks: this tab hears it
    other.sendStep1(otherDoc)
    await settle()
    expect(idle).toHaveLength(1)
    idle.splice(0).forEach((fn) => fn())
    await settle()
    other.applySteps(otherDoc)
    expect(otherDoc.getMap('shapes').size).toBe(101)
    expect(otherDoc.getMap('shapes').toJSON()).toMatchObject(doc.getMap('shapes').toJSON())
    // once per connection
    other.sendStep1(otherDoc)
    await settle()
    expect(idle).toHaveLength(0)
  })
})
