/**
 * Transaction origins. Every write of the model runs in `doc.transact(fn, origin)` with one of
 * these, so observers and the undo manager can tell a local edit from a remote or automated one.
 */
export const Origin = {
  /** An edit by the user of this peer (the only origin the local undo manager tracks). */
  local: 'local',
  /** An update received from another peer. */
  remote: 'remote',
  /** A schema migration run on load. */
  migration: 'migration',
  /** Data written by an importer. */
  import: 'import',
  /** A write made by the server (flows, auto-annotation). */
  server: 'server',
} as const

export type Origin = (typeof Origin)[keyof typeof Origin]

const ORIGINS: ReadonlySet<unknown> = new Set(Object.values(Origin))

export function isOrigin(value: unknown): value is Origin {
  return ORIGINS.has(value)
}
