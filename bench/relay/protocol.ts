/** What the bench parent and a server child say to each other over the IPC channel. */

export const SERVER_KINDS = [
  'loupe',
  'hocuspocus',
  'hocuspocus-sqlite',
  'y-websocket-server',
] as const
export type ServerKind = (typeof SERVER_KINDS)[number]

/** One job document shared by every client, as in a real annotation job. */
export const BENCH_PROJECT = 'bench'
export const BENCH_ROOM = `job/${BENCH_PROJECT}/j1`

export type ParentRequest = { type: 'cpu' } | { type: 'stop' }

export type ChildReply =
  | {
      type: 'ready'
      url: string
      room: string
      params: Record<string, string>
      durable: boolean
    }
  | {
      type: 'cpu'
      userUs: number
      systemUs: number
      rssBytes: number
      /** The server's event-loop delay since the previous query: how long it stalled. */
      loopP99Ms: number
      loopMaxMs: number
    }
