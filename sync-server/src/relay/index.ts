// STUB — the relay helper replaces this file.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type * as Y from 'yjs'
import type { TokenService } from '../auth/tokens'
import type { Logger } from '../logger'
import type { DocumentStore, MetaStore } from '../storage/types'
import type { RoomAccess } from './room-access'

export type { RoomAccess } from './room-access'

export interface RelayOptions {
  store: DocumentStore
  tokens: TokenService
  meta: MetaStore
  logger: Logger
  maxMessageBytes: number
}

export class Relay implements RoomAccess {
  constructor(readonly options: RelayOptions) {}
  handleUpgrade(_request: IncomingMessage, socket: Duplex, _head: Buffer): void {
    socket.destroy()
  }
  async change<T>(_room: string, _fn: (doc: Y.Doc) => T): Promise<T> {
    throw new Error('not implemented')
  }
  async read<T>(_room: string, _fn: (doc: Y.Doc) => T): Promise<T> {
    throw new Error('not implemented')
  }
  async close(): Promise<void> {}
}
