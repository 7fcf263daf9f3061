import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/**
 * What one instance tells the others about a room. An update is published only after it is
 * durable in the shared store, with the range of log sequence numbers it was stored under, so a
 * receiver can tell when it missed one and catch up from storage.
 */
export type FanOutMessage =
  | { kind: 'update'; firstSeq: number; lastSeq: number; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }

export interface FanOutHandler {
  /** A message another instance published for the room. */
  message(message: FanOutMessage): void
  /** Messages may have been missed (the bus reconnected): catch up from storage. */
  resync(): void
}

/** One room's subscription on the bus. */
export interface RoomChannel {
  /** Fire and forget: a lost message is caught up from storage by the receivers. */
  publish(message: FanOutMessage): void
  /** Stops receiving the room's messages. */
  leave(): Promise<void>
}

/** Carries room updates and awareness between the server instances of a cluster. */
export interface FanOut {
  /** Resolves once messages published from now on are delivered to `handler`. */
  join(room: string, handler: FanOutHandler): Promise<RoomChannel>
  /** Readiness: throws when the bus cannot be reached. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** A single instance: there is nobody to tell. */
export class LocalFanOut implements FanOut {
  async join(): Promise<RoomChannel> {
    return { publish: () => {}, leave: async () => {} }
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

const KIND_UPDATE = 0
const KIND_AWARENESS = 1

/** Wire form on the bus: `instance id, kind, (first seq, last seq)?, payload`. */
export function encodeFanOutMessage(instance: string, message: FanOutMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, instance)
  if (message.kind === 'update') {
    encoding.writeVarUint(encoder, KIND_UPDATE)
    encoding.writeVarUint(encoder, message.firstSeq)
    encoding.writeVarUint(encoder, message.lastSeq)
  } else {
    encoding.writeVarUint(encoder, KIND_AWARENESS)
  }
  encoding.writeVarUint8Array(encoder, message.update)
  return encoding.toUint8Array(encoder)
}

export function decodeFanOutMessage(bytes: Uint8Array): {
  instance: string
  message: FanOutMessage
} {
  const decoder = decoding.createDecoder(bytes)
  const instance = decoding.readVarString(decoder)
  const kind = decoding.readVarUint(decoder)
  if (kind === KIND_UPDATE) {
    const firstSeq = decoding.readVarUint(decoder)
    const lastSeq = decoding.readVarUint(decoder)
    const update = decoding.readVarUint8Array(decoder)
    return { instance, message: { kind: 'update', firstSeq, lastSeq, update } }
  }
  if (kind === KIND_AWARENESS) {
    return { instance, message: { kind: 'awareness', update: decoding.readVarUint8Array(decoder) } }
  }
  throw new Error(`unknown fan-out message kind ${kind}`)
}
