import * as bc from 'lib0/broadcastchannel'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '@loupe/sync-protocol'

/** The y-websocket internals this relies on (y-websocket 3.x). */
interface ProviderInternals {
  bcconnected: boolean
  bcChannel: string
  disableBc: boolean
  _bcSubscriber: (data: ArrayBuffer, origin: unknown) => void
  connectBc: () => void
  disconnectBc: () => void
}

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/**
 * y-websocket announces a tab to the other tabs of the browser (BroadcastChannel) with its state
 * vector, an awareness query and its awareness, and also with its whole document as a sync
 * step 2, every time it connects, whether another tab listens or not. For a job of 10,000 shapes
 * that is ~180–330 ms of encoding on the main thread right after the job opens, for nobody in
 * the usual one-tab case.
 *
 * This keeps the announce but sends the whole document only once another tab has been heard
 * on the channel since connecting (each tab answers a state vector with what the asker lacks, so
 * hearing one another is how two tabs of a room meet), and then when the page is idle. The
 * messages are y-websocket's own; a tab running stock y-websocket syncs with this one as before.
 * Returns a function that restores the provider.
 */
export function announceToOtherTabsLazily(
  provider: WebsocketProvider,
  idle: (fn: () => void) => void = defaultIdle,
): () => void {
  const internals = provider as unknown as ProviderInternals
  const original = internals.connectBc
  let sent = false

  const sendDocument = () => {
    if (sent || !internals.bcconnected) return
    sent = true
    idle(() => {
      if (!internals.bcconnected) return
      const step2 = message((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        syncProtocol.writeSyncStep2(e, provider.doc)
      })
      bc.publish(internals.bcChannel, step2, provider)
    })
  }
  const listener = (_data: unknown, origin: unknown) => {
    // lib0 hands other tabs' messages over with this origin; this tab's own carry their sender
    if (origin === 'broadcastchannel') sendDocument()
  }
  let listening: string | null = null

  internals.connectBc = () => {
    if (internals.disableBc) return
    if (!internals.bcconnected) {
      bc.subscribe(internals.bcChannel, internals._bcSubscriber)
      internals.bcconnected = true
    }
    if (listening !== internals.bcChannel) {
      bc.subscribe(internals.bcChannel, listener)
      listening = internals.bcChannel
    }
    sent = false
    const doc = provider.doc
    const awareness = provider.awareness
    bc.publish(
      internals.bcChannel,
      message((e) => {
        encoding.writeVarUint(e, MessageType.sync)
        syncProtocol.writeSyncStep1(e, doc)
      }),
      provider,
    )
    bc.publish(
      internals.bcChannel,
      message((e) => encoding.writeVarUint(e, MessageType.queryAwareness)),
      provider,
    )
    bc.publish(
      internals.bcChannel,
      message((e) => {
        encoding.writeVarUint(e, MessageType.awareness)
        encoding.writeVarUint8Array(
          e,
          awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]),
        )
      }),
      provider,
    )
  }
  return () => {
    internals.connectBc = original
    if (listening) bc.unsubscribe(listening, listener)
    listening = null
  }
}

function defaultIdle(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 2000 })
  else setTimeout(fn, 50)
}
