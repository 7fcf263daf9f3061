import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType } from '@loupe/sync-protocol'
import { corruptUpdate, malformed } from './errors'

/** A decoded Yjs update: its bytes and its structs / delete set, fully read. */
export interface DecodedUpdate {
  bytes: Uint8Array
  structs: Array<Y.Item | Y.GC | Y.Skip>
  ds: ReturnType<typeof Y.decodeUpdate>['ds']
}

/** One client message, fully validated (nothing of it is trusted beyond this shape). */
export type InboundMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'update'; update: DecodedUpdate }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'queryAwareness' }

function readOrThrow<T>(what: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw malformed(`${what}: ${(error as Error).message || 'unreadable'}`)
  }
}

/** Decodes an update completely; throws a `corrupt_update` rejection when Yjs cannot read it. */
export function decodeUpdateStrict(bytes: Uint8Array): DecodedUpdate {
  try {
    const { structs, ds } = Y.decodeUpdate(bytes)
    return { bytes, structs, ds }
  } catch (error) {
    throw corruptUpdate(`update is not a valid Yjs update (${(error as Error).message})`)
  }
}

/** Reads an awareness update completely (client id, clock, JSON state per entry). */
function checkAwarenessUpdate(update: Uint8Array): void {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(decoder)
    decoding.readVarUint(decoder)
    JSON.parse(decoding.readVarString(decoder))
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes')
}

/** Parses one binary frame from a client. Throws a RelayRejection for anything else. */
export function parseInbound(frame: Uint8Array): InboundMessage {
  const decoder = decoding.createDecoder(frame)
  const type = readOrThrow('message type', () => decoding.readVarUint(decoder))
  let message: InboundMessage
  switch (type) {
    case MessageType.sync: {
      const subtype = readOrThrow('sync message', () => decoding.readVarUint(decoder))
      const payload = readOrThrow('sync message', () => decoding.readVarUint8Array(decoder))
      if (subtype === syncProtocol.messageYjsSyncStep1) {
        readOrThrow('state vector', () => Y.decodeStateVector(payload))
        message = { kind: 'syncStep1', stateVector: payload }
      } else if (
        subtype === syncProtocol.messageYjsSyncStep2 ||
        subtype === syncProtocol.messageYjsUpdate
      ) {
        message = { kind: 'update', update: decodeUpdateStrict(payload) }
      } else {
        throw malformed(`unknown sync message type ${subtype}`)
      }
      break
    }
    case MessageType.awareness: {
      const update = readOrThrow('awareness message', () => decoding.readVarUint8Array(decoder))
      readOrThrow('awareness update', () => checkAwarenessUpdate(update))
      message = { kind: 'awareness', update }
      break
    }
    case MessageType.queryAwareness:
      message = { kind: 'queryAwareness' }
      break
    default:
      throw malformed(`unknown message type ${type}`)
  }
  if (decoding.hasContent(decoder)) throw malformed('trailing bytes after the message')
  return message
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep2(encoder, doc, stateVector)
  return encoding.toUint8Array(encoder)
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** An awareness update with no entries: keeps an idle client's 30 s watchdog quiet. */
export const KEEP_ALIVE_MESSAGE: Uint8Array = encodeAwareness(new Uint8Array([0]))
