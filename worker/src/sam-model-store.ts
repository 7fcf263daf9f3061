// Model bytes for the SAM worker: from a URL (fetch with progress, a stall limit and a clear
// message on HTTP errors or when offline), from a picked file, or from the offline cache. The
// cache is the worker's own Cache Storage cache (`loupe-sam-models`), never the service
// worker's precache. Optional SHA-256 check.

import { sha256Hex } from '@loupe/imaging'
import { SamError, SamErrorCode } from '@loupe/sam'
import type { ModelSource } from './sam-protocol'

export const MODEL_CACHE_NAME = 'loupe-sam-models'
/** Cache keys of picked files (Cache Storage keys are URLs). */
const PICKED_PREFIX = 'https://loupe.invalid/sam-models/'

/** The part of Cache Storage used (so Node tests can pass a map). */
export interface ModelCache {
  match(key: string): Promise<Uint8Array | undefined>
  put(key: string, bytes: Uint8Array): Promise<void>
  clear(): Promise<void>
}

/** Cache Storage, where the context has it (workers, pages); else null. */
export async function openModelCache(): Promise<ModelCache | null> {
  const storage = (globalThis as { caches?: CacheStorage }).caches
  if (!storage) return null
  const cache = await storage.open(MODEL_CACHE_NAME)
  return {
    async match(key) {
      const response = await cache.match(key)
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined
    },
    async put(key, bytes) {
      const body = new Blob([bytes as Uint8Array<ArrayBuffer>])
      await cache.put(
        key,
        new Response(body, { headers: { 'Content-Type': 'application/octet-stream' } }),
      )
    },
    async clear() {
      await storage.delete(MODEL_CACHE_NAME)
    },
  }
}

/** An in-memory ModelCache (tests, contexts without Cache Storage). */
export function memoryModelCache(): ModelCache {
  const map = new Map<string, Uint8Array>()
  return {
    match: async (key) => map.get(key),
    put: async (key, bytes) => void map.set(key, bytes),
    clear: async () => map.clear(),
  }
}

export interface FetchOptions {
  /** Fails when no byte arrives for this long (default 30 s). */
  stallMs?: number
  onProgress?: (loaded: number, total: number | undefined) => void
  signal?: AbortSignal
  fetch?: typeof fetch
}

function fileName(source: ModelSource, fallback: string): string {
  if (source.name) return source.name
  if ('url' in source)
    return decodeURIComponent(source.url.split(/[?#]/)[0]!.split('/').pop() || fallback)
  return fallback
}

/** Downloads a URL into bytes, reporting progress, with a stall time limit. */
async function download(url: string, file: string, options: FetchOptions): Promise<Uint8Array> {
  const stallMs = options.stallMs ?? 30_000
  const abort = new AbortController()
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true })
  let timer: ReturnType<typeof setTimeout> | undefined
  let stalled = false
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      stalled = true
      abort.abort()
    }, stallMs)
  }
  const fail = (error: unknown): never => {
    if (stalled) {
      throw new SamError(
        SamErrorCode.Timeout,
        `${file}: no data from ${url} for ${Math.round(stallMs / 1000)} s`,
      )
    }
    if (options.signal?.aborted)
      throw new SamError(SamErrorCode.Cancelled, `${file}: download cancelled`)
    const offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false
    throw new SamError(
      SamErrorCode.Download,
      `${file}: cannot download ${url}${offline ? ' (offline, and not in the model cache)' : ''}: ` +
        (error instanceof Error ? error.message : String(error)),
    )
  }
  arm()
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: abort.signal }).catch(fail)
    if (!response.ok) {
      throw new SamError(
        SamErrorCode.Download,
        `${file}: ${url} answered HTTP ${response.status} ${response.statusText}`.trim(),
      )
    }
    const header = Number(response.headers.get('Content-Length'))
    const total = Number.isFinite(header) && header > 0 ? header : undefined
    if (!response.body) return new Uint8Array(await response.arrayBuffer().catch(fail))
    const reader = response.body.getReader()
    const chunks: Uint8Array[] = []
    let loaded = 0
    for (;;) {
      arm()
      const { done, value } = await reader.read().catch(fail)
      if (done) break
      chunks.push(value)
      loaded += value.byteLength
      options.onProgress?.(loaded, total)
    }
    const bytes = new Uint8Array(loaded)
    let at = 0
    for (const chunk of chunks) {
      bytes.set(chunk, at)
      at += chunk.byteLength
    }
    return bytes
  } finally {
    clearTimeout(timer)
  }
}

export interface ModelBytes {
  name: string
  bytes: Uint8Array
  sha256: string
  fromCache: boolean
  cacheKey: string
}

/**
 * The bytes of a model: from the cache when there (so it works offline), else downloaded or
 * taken from the picked file and then cached. Checks `sha256` when given.
 */
export async function loadModelBytes(
  source: ModelSource,
  fallbackName: string,
  cache: ModelCache | null,
  options: FetchOptions = {},
): Promise<ModelBytes> {
  const name = fileName(source, fallbackName)
  let bytes: Uint8Array | undefined
  let cacheKey: string
  let fromCache = false
  if ('cached' in source) {
    cacheKey = source.cached
    bytes = await cache?.match(cacheKey)
    if (!bytes)
      throw new SamError(
        SamErrorCode.NotReady,
        `${name}: not in the model cache any more; load it again`,
      )
    fromCache = true
  } else if ('url' in source) {
    cacheKey = new URL(source.url, (globalThis as { location?: { href: string } }).location?.href)
      .href
    bytes = await cache?.match(cacheKey)
    fromCache = bytes !== undefined
    if (!bytes) bytes = await download(cacheKey, name, options)
  } else {
    bytes = source.bytes
    cacheKey = ''
  }
  const sha256 = await sha256Hex(bytes)
  const expected = 'sha256' in source ? source.sha256?.toLowerCase() : undefined
  if (expected && expected !== sha256) {
    throw new SamError(
      SamErrorCode.ChecksumMismatch,
      `${name}: SHA-256 is ${sha256}, expected ${expected}`,
    )
  }
  if (!cacheKey) cacheKey = PICKED_PREFIX + sha256
  return { name, bytes, sha256, fromCache, cacheKey }
}

/** Keeps verified model bytes for offline use (after the session loaded them). */
export async function cacheModel(cache: ModelCache | null, model: ModelBytes): Promise<void> {
  if (!cache || model.fromCache) return
  try {
    await cache.put(model.cacheKey, model.bytes)
  } catch {
    // storage full or refused: the model still works in this session
  }
}
