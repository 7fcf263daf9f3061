import * as Y from 'yjs'
import * as bc from 'lib0/broadcastchannel'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '@loupe/sync-protocol'
import type { PendingTracker, ProviderMessageHandler } from '@loupe/sync-protocol'
import type { LocalDocumentStore, StoredChange } from './local-store'

/** The y-websocket internals this relies on (y-websocket 3.x). */
interface ProviderInternals {
  _updateHandler: (update: Uint8Array, origin: unknown) => void
  bcconnected: boolean
  bcChannel: string
  messageHandlers: ProviderMessageHandler[]
}

const OPEN = 1

/**
 * "An edit is durable locally before it is sent" (DESIGN.md §3). Replaces y-websocket's own
 * update handler (which sends every update in the tick it happens) by one that sends the local
 * changes of each committed IndexedDB write, merged into one ordinary sync update message, and
 * reports that message to the pending tracker. The wire protocol is unchanged. The server's sync
 * step 1 (answered with every change it lacks) waits until local writes have committed too.
 * Needs `attachPendingTracker(..., { sendsLater: true })`, attached before this. Returns a
 * function that restores the provider.
 */
export function sendWhenDurable(
  provider: WebsocketProvider,
  store: LocalDocumentStore,
  tracker: PendingTracker,
): () => void {
  const internals = provider as unknown as ProviderInternals
  const doc = provider.doc
  doc.off('update', internals._updateHandler)

  const stopDurable = store.onDurable((changes: StoredChange[]) => {
    const local = changes.filter((c) => c.origin !== provider && c.origin !== store)
    if (local.length === 0) return
    const updates = local.map((c) => c.update)
    const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeUpdate(encoder, update)
    const message = encoding.toUint8Array(encoder)
    const ws = provider.ws
    if (provider.wsconnected && ws && ws.readyState === OPEN) {
      ws.send(message)
      tracker.sent(updates)
    }
    // Other tabs of this browser: they share the IndexedDB copy, so this is no early send.
    if (internals.bcconnected) bc.publish(internals.bcChannel, message, provider)
  })

  // The server's sync step 1 is answered with everything it lacks: answer it once what is in
  // the document is durable here.
  const handlers = internals.messageHandlers
  const original = handlers[MessageType.sync]!
  handlers[MessageType.sync] = (encoder, decoder, p, emitSynced, type) => {
    if (!emitSynced || store.unwritten === 0 || !isStep1(decoder)) {
      return original(encoder, decoder, p, emitSynced, type)
    }
    const ws = provider.ws
    const bytes = decoding.readTailAsUint8Array(decoding.clone(decoder))
    void store.whenFlushed().then(() => {
      if (provider.ws !== ws || !ws || ws.readyState !== OPEN) return
      const reply = encoding.createEncoder()
      original(reply, decoding.createDecoder(bytes), p, emitSynced, type)
      if (encoding.length(reply) > 1) ws.send(encoding.toUint8Array(reply))
    })
  }

  return () => {
    stopDurable()
    if (handlers[MessageType.sync] !== original) handlers[MessageType.sync] = original
    doc.on('update', internals._updateHandler)
  }
}

function isStep1(decoder: decoding.Decoder): boolean {
  return decoding.readVarUint(decoding.clone(decoder)) === syncProtocol.messageYjsSyncStep1
}
