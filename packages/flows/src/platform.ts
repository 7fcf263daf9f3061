// Pure packages compile without DOM or Node types; these are the few host globals the engine
// uses (present in Node, browsers and workers), typed here and reached through globalThis.

export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

export interface AbortControllerLike {
  readonly signal: AbortSignalLike
  abort(reason?: unknown): void
}

interface Host {
  AbortController: new () => AbortControllerLike
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  crypto?: { randomUUID?: () => string }
}

const host = globalThis as unknown as Host

export const newAbortController = (): AbortControllerLike => new host.AbortController()
export const hostSetTimeout = (fn: () => void, ms: number): unknown => host.setTimeout(fn, ms)
export const hostClearTimeout = (handle: unknown): void => host.clearTimeout(handle)

let counter = 0
/** A random id (UUID v4 where the host has it). */
export function newId(): string {
  const uuid = host.crypto?.randomUUID?.()
  if (uuid) return uuid
  counter += 1
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2)}`
}
