import { describe, expect, it } from 'vitest'
import {
  decodeCacheValue,
  defaultCacheKey,
  encodeCacheValue,
  isFresh,
  stableStringify,
} from './cache'

describe('cache keys and values', () => {
  it('keys on task name, version and input, whatever the key order', () => {
    const a = defaultCacheKey('thumb', 'v1', { w: 10, h: 20 })
    expect(defaultCacheKey('thumb', 'v1', { h: 20, w: 10 })).toBe(a)
    expect(defaultCacheKey('thumb', 'v2', { w: 10, h: 20 })).not.toBe(a)
    expect(defaultCacheKey('other', 'v1', { w: 10, h: 20 })).not.toBe(a)
    expect(defaultCacheKey('thumb', 'v1', { w: 11, h: 20 })).not.toBe(a)
    expect(stableStringify({ b: [{ d: 1, c: 2 }], a: 1 })).toBe('{"a":1,"b":[{"c":2,"d":1}]}')
  })

  it('stores only values JSON gives back unchanged', () => {
    expect(decodeCacheValue(encodeCacheValue({ a: [1, 'x', null] }) ?? 'bad')).toEqual({
      a: [1, 'x', null],
    })
    expect(decodeCacheValue(encodeCacheValue(undefined) ?? 'bad')).toBeUndefined()
    expect(encodeCacheValue(new Date())).toBeUndefined()
    expect(encodeCacheValue({ m: new Map() })).toBeUndefined()
    expect(encodeCacheValue(Number.NaN)).toBeUndefined()
    expect(encodeCacheValue([1, undefined])).toBeUndefined()
  })

  it('is fresh strictly before expiry, forever without one', () => {
    const entry = { key: 'k', value: '1', runId: 'r', createdAt: 0, expiresAt: 100 }
    expect(isFresh(entry, 99)).toBe(true)
    expect(isFresh(entry, 100)).toBe(false)
    expect(isFresh({ ...entry, expiresAt: null }, 1e15)).toBe(true)
  })
})
