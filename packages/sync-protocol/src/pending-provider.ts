import * as decoding from 'lib0/decoding'
import type * as encoding from 'lib0/encoding'
import type * as Y from 'yjs'
import { MessageType, readDurableAck, readRejection } from './messages'
import type { Rejection } from './messages'
import type { PendingTracker } from './pending'

/** A message handler as y-websocket's `WebsocketProvider.messageHandlers` holds them. */
export type ProviderMessageHandler = (
  encoder: encoding.Encoder,
  decoder: decoding.Decoder,
  provider: never,
  /** True for messages from the socket, false for those from other tabs (BroadcastChannel). */
  emitSynced: boolean,
  messageType: number,
) => void

/** The parts of y-websocket's `WebsocketProvider` the tracker needs (no import of y-websocket). */
export interface TrackedProvider {
  readonly doc: Y.Doc
  readonly ws: { readonly readyState: number } | null
  readonly wsconnected: boolean
  messageHandlers: ProviderMessageHandler[]
  on(event: 'status', fn: (event: { status: string }) => void): void
  off(event: 'status', fn: (event: { status: string }) => void): void
}

export interface AttachPendingOptions {
  /** Origins that are not local edits besides the provider itself (e.g. the IndexedDB store). */
  remoteOrigins?: readonly unknown[]
  /** Called for every rejection the server sends (after the tracker has seen it). */
  onRejection?: (rejection: Rejection) => void
  /**
   * Local updates are not sent by the provider when they happen but later, by the caller, who
   * reports each message with `tracker.sent(updates)` (e.g. once they are durable locally).
   */
  sendsLater?: boolean
}

const SYNC_STEP_1 = 0
const OPEN = 1

/**
 * Feeds a PendingTracker from a y-websocket provider opened with `params: { loupe: '1' }`:
 * local `update` events, the socket's open/close, the server's sync step 1 and updates, durable
 * acks (type 100) and rejections (type 101). Returns a function that detaches everything.
 */
export function attachPendingTracker(
  provider: TrackedProvider,
  tracker: PendingTracker,
  options: AttachPendingOptions = {},
): () => void {
  const remote = new Set<unknown>([provider, ...(options.remoteOrigins ?? [])])
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (remote.has(origin)) return
    const sent = !options.sendsLater && provider.wsconnected && provider.ws?.readyState === OPEN
    tracker.local(update, sent)
  }
  const onStatus = ({ status }: { status: string }) => {
    if (status === 'connected') tracker.connected()
    else if (status === 'disconnected') tracker.disconnected()
  }

  const handlers = provider.messageHandlers
  const originalSync = handlers[MessageType.sync]
  const originalAck = handlers[MessageType.durableAck]
  const originalRejected = handlers[MessageType.rejected]
  if (!originalSync) throw new Error('the provider has no sync message handler')

  handlers[MessageType.sync] = (encoder, decoder, p, emitSynced, type) => {
    if (!emitSynced) return originalSync(encoder, decoder, p, emitSynced, type)
    const peek = decoding.clone(decoder)
    const syncType = decoding.readVarUint(peek)
    const payload = decoding.readVarUint8Array(peek)
    originalSync(encoder, decoder, p, emitSynced, type)
    if (syncType === SYNC_STEP_1) tracker.serverStateVector(payload)
    else tracker.serverUpdate(payload)
  }
  handlers[MessageType.durableAck] = (_encoder, decoder) => {
    tracker.ack(readDurableAck(decoder))
  }
  handlers[MessageType.rejected] = (_encoder, decoder) => {
    const rejection = readRejection(decoder)
    tracker.rejected(rejection.code)
    options.onRejection?.(rejection)
  }
  provider.doc.on('update', onUpdate)
  provider.on('status', onStatus)
  if (provider.wsconnected) tracker.connected()

  return () => {
    provider.doc.off('update', onUpdate)
    provider.off('status', onStatus)
    handlers[MessageType.sync] = originalSync
    if (originalAck) handlers[MessageType.durableAck] = originalAck
    else delete handlers[MessageType.durableAck]
    if (originalRejected) handlers[MessageType.rejected] = originalRejected
    else delete handlers[MessageType.rejected]
  }
}
