import { describe, expect, it } from 'vitest'
import { isQuotaError, reportStorageError, storageStatus } from './storage-errors'

describe('storage errors', () => {
  it('recognises quota errors however they are wrapped', () => {
    const dom = Object.assign(new Error('The quota has been exceeded.'), {
      name: 'QuotaExceededError',
    })
    expect(isQuotaError(dom)).toBe(true)
    // Dexie wraps the DOMException in `inner`
    expect(isQuotaError({ name: 'AbortError', message: 'aborted', inner: dom })).toBe(true)
    // lib0/indexeddb (y-indexeddb) rejects with new Error(String(domException))
    expect(isQuotaError(new Error('QuotaExceededError: write failed'))).toBe(true)
    expect(isQuotaError(new Error('NotFoundError'))).toBe(false)
    expect(isQuotaError(undefined)).toBe(false)
  })

  it('keeps one banner per problem', () => {
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' })
    const original = console.error
    console.error = () => {}
    try {
      reportStorageError(quota, 'an image')
      reportStorageError(quota, 'an image')
    } finally {
      console.error = original
    }
    const problems = storageStatus.get().problems
    expect(problems).toHaveLength(1)
    expect(problems[0]!.kind).toBe('quota')
    expect(problems[0]!.message).toMatch(/storage is full/)
  })
})
