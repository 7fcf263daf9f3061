/**
 * Task result caching. Semantics (never silently stale):
 * - The key is a hash of the task name, its `version` (bump it when the code changes) and the
 *   task input serialised with sorted keys, unless the task gives its own `cacheKey(input)`.
 * - A hit needs an entry whose `expiresAt` is still ahead of the clock; an expired entry is a miss,
 *   the task runs again and its new result replaces the entry. Without `cacheExpirationSeconds`
 *   an entry lives until the key changes (new input or new version).
 * - `refreshCache: true` always runs the task and overwrites the entry.
 * - Only completed results are cached, never failures; a result that JSON cannot represent
 *   faithfully is not cached (a warning is logged) instead of coming back altered.
 */
export interface CacheOptions<I> {
  /** Enables caching with the default key (or with `cacheKey`). */
  cache?: boolean
  cacheKey?: (input: I) => string
  cacheExpirationSeconds?: number
  refreshCache?: boolean
  /** Part of the default key: changing it invalidates every cached result of the task. */
  version?: string
}

export interface CacheEntry {
  key: string
  /** JSON text of the result. */
  value: string
  runId: string
  createdAt: number
  /** null: until the key changes. */
  expiresAt: number | null
}

/** JSON with object keys sorted, so equal inputs give equal text whatever the key order. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {}
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
      return sorted
    }
    return v
  })
}

/** cyrb53 with two seeds: a 106-bit non-cryptographic hash, hex encoded. */
export function hashText(text: string): string {
  const part = (seed: number) => {
    let h1 = 0xdeadbeef ^ seed
    let h2 = 0x41c6ce57 ^ seed
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      h1 = Math.imul(h1 ^ ch, 2654435761)
      h2 = Math.imul(h2 ^ ch, 1597334677)
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0')
  }
  return part(1) + part(2)
}

export function defaultCacheKey(taskName: string, version: string | undefined, input: unknown) {
  return `${taskName}@${version ?? ''}:${hashText(stableStringify(input) ?? 'undefined')}`
}

/** True when the entry may answer at `now`. */
export function isFresh(entry: CacheEntry, now: number): boolean {
  return entry.expiresAt === null || now < entry.expiresAt
}

/** True when JSON round-trips the value unchanged (plain objects, arrays, strings, finite numbers…). */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 100) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1))
  if (typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  return Object.values(value).every((v) => isPlainJson(v, depth + 1))
}

/** Cache text for a result ('' stands for undefined), or undefined when it is not plain JSON. */
export function encodeCacheValue(value: unknown): string | undefined {
  if (value === undefined) return ''
  return isPlainJson(value) ? JSON.stringify(value) : undefined
}

export function decodeCacheValue(text: string): unknown {
  return text === '' ? undefined : JSON.parse(text)
}
