/**
 * The stock client of each server: y-websocket's WebsocketProvider for Loupe and the reference
 * server, HocuspocusProvider (one socket per client, as separate browsers would have) for
 * Hocuspocus. Each client is one annotator with its own Y.Doc.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'
import type { ServerKind } from './protocol'

export interface BenchClient {
  doc: Y.Doc
  /** Resolves once the client has finished the initial sync with the server. */
  synced: Promise<void>
  destroy(): void
}

export interface Endpoint {
  kind: ServerKind
  url: string
  room: string
  params: Record<string, string>
}

export function connectClient(endpoint: Endpoint, doc: Y.Doc): BenchClient {
  return endpoint.kind === 'hocuspocus' || endpoint.kind === 'hocuspocus-sqlite'
    ? connectHocuspocus(endpoint, doc)
    : connectYWebsocket(endpoint, doc)
}

function connectYWebsocket(endpoint: Endpoint, doc: Y.Doc): BenchClient {
  const provider = new WebsocketProvider(endpoint.url, endpoint.room, doc, {
    // `ws` is API-compatible with the browser WebSocket the provider expects.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: endpoint.params,
    // Node 20 has a global BroadcastChannel: without this, clients in one process would talk to
    // each other directly and bypass the server.
    disableBc: true,
  })
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    else provider.once('sync', (isSynced: boolean) => isSynced && resolve())
  })
  return {
    doc,
    synced,
    destroy() {
      provider.destroy()
      doc.destroy() // also stops the awareness timer the provider created
    },
  }
}

function connectHocuspocus(endpoint: Endpoint, doc: Y.Doc): BenchClient {
  const websocketProvider = new HocuspocusProviderWebsocket({
    url: endpoint.url,
    WebSocketPolyfill: WebSocket,
  })
  let resolveSynced = () => {}
  const synced = new Promise<void>((resolve) => (resolveSynced = resolve))
  const provider = new HocuspocusProvider({
    websocketProvider,
    name: endpoint.room,
    document: doc,
    onSynced: ({ state }) => state && resolveSynced(),
  })
  provider.attach()
  return {
    doc,
    synced,
    destroy() {
      provider.destroy()
      websocketProvider.destroy()
      doc.destroy()
    },
  }
}
