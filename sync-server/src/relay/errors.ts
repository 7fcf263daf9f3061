import { CloseCode, RejectionCode } from '@loupe/sync-protocol'

/**
 * Why a message from a client was refused. `close` is the WebSocket close code to end the
 * connection with, or null when the connection stays open (e.g. a viewer's write).
 */
export class RelayRejection extends Error {
  override name = 'RelayRejection'
  constructor(
    readonly code: RejectionCode,
    message: string,
    readonly close: CloseCode | null,
  ) {
    super(message)
  }
}

export const malformed = (message: string) =>
  new RelayRejection(RejectionCode.malformed, message, CloseCode.badRequest)

export const corruptUpdate = (message: string) =>
  new RelayRejection(RejectionCode.corruptUpdate, message, CloseCode.badRequest)
