import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/**
 * Message types on a `/sync/<room>` socket. 0–3 are the y-websocket protocol; 100 and up are
 * Loupe's own. Stock y-websocket clients never receive Loupe types unless they ask for them
 * (query parameter `loupe=1`), so they never log unknown messages.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** server → client: updates up to this point are durable in storage. */
  durableAck: 100,
  /** server → client: a message was rejected (code + human-readable reason); socket stays open. */
  rejected: 101,
} as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** WebSocket close codes. 4400–4499 tell y-websocket not to reconnect; 1013 asks it to retry. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  badRequest: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  conflict: 4409,
  tooLarge: 4413,
  tryAgainLater: 1013,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

export const RejectionCode = {
  readOnly: 'read_only',
  forbiddenField: 'forbidden_field',
  malformed: 'malformed',
  corruptUpdate: 'corrupt_update',
  clientIdConflict: 'client_id_conflict',
  tooLarge: 'too_large',
  storageFailed: 'storage_failed',
} as const
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode]

/**
 * A durable acknowledgement: `count` is how many update-carrying messages (sync step 2 and
 * updates) from this connection are now durable, and `clocks` maps client id → the clock up to
 * which that client's structs are durable on the server (only the ids this connection wrote).
 */
export interface DurableAck {
  count: number
  clocks: Map<number, number>
}

export function encodeDurableAck(ack: DurableAck): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.durableAck)
  encoding.writeVarUint(encoder, ack.count)
  encoding.writeVarUint(encoder, ack.clocks.size)
  for (const [client, clock] of ack.clocks) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, clock)
  }
  return encoding.toUint8Array(encoder)
}

/** Reads the body of a durable ack (after the message type has been read). */
export function readDurableAck(decoder: decoding.Decoder): DurableAck {
  const count = decoding.readVarUint(decoder)
  const size = decoding.readVarUint(decoder)
  const clocks = new Map<number, number>()
  for (let i = 0; i < size; i++) {
    const client = decoding.readVarUint(decoder)
    clocks.set(client, decoding.readVarUint(decoder))
  }
  return { count, clocks }
}

export interface Rejection {
  code: RejectionCode | string
  message: string
}

export function encodeRejection(rejection: Rejection): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.rejected)
  encoding.writeVarString(encoder, rejection.code)
  encoding.writeVarString(encoder, rejection.message)
  return encoding.toUint8Array(encoder)
}

/** Reads the body of a rejection (after the message type has been read). */
export function readRejection(decoder: decoding.Decoder): Rejection {
  const code = decoding.readVarString(decoder)
  const message = decoding.readVarString(decoder)
  return { code, message }
}
