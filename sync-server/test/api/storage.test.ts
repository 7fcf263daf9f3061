import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileBlobStore } from '../../src/storage/file-blobs'
import { openDatabase } from '../../src/storage/sqlite'
import { SqliteMetaStore } from '../../src/storage/sqlite-meta'
import type { BlobRecord } from '../../src/storage/types'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loupe-storage-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const blob = (sha256: string): BlobRecord => ({
  sha256,
  size: 3,
  mime: 'image/png',
  width: 1,
  height: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
})

describe('SqliteMetaStore', () => {
  it('keeps projects, blob links and revocations across a reopen of the file', async () => {
    const file = join(dir, 'loupe.sqlite')
    let db = openDatabase(file)
    let meta = new SqliteMetaStore(db)
    await meta.createProject({ id: 'p1', name: 'One', createdAt: '2026-01-01T00:00:00.000Z' })
    await meta.createProject({ id: 'p2', name: 'Two', createdAt: '2026-01-02T00:00:00.000Z' })
    await meta.putBlob(blob('a'.repeat(64)), 'p1')
    await meta.putBlob(blob('a'.repeat(64)), 'p1') // idempotent
    await meta.putBlob({ ...blob('a'.repeat(64)), mime: 'image/gif' }, 'p2') // first record wins
    await meta.revokeToken('t1', 'p1')
    await meta.revokeToken('t1', 'p1')
    db.close()

    db = openDatabase(file)
    meta = new SqliteMetaStore(db) // migrations already applied: a no-op
    expect(await meta.getProject('p1')).toEqual({
      id: 'p1',
      name: 'One',
      createdAt: '2026-01-01T00:00:00.000Z',
    })
    expect(await meta.getProject('nope')).toBeNull()
    expect((await meta.listProjects()).map((p) => p.id)).toEqual(['p1', 'p2'])
    expect((await meta.listProjects(['p2', 'zz', 'p2'])).map((p) => p.id)).toEqual(['p2'])
    expect(await meta.getBlob('a'.repeat(64))).toEqual(blob('a'.repeat(64)))
    expect(await meta.getBlob('b'.repeat(64))).toBeNull()
    expect(await meta.projectHoldsBlob('p1', 'a'.repeat(64))).toBe(true)
    expect(await meta.projectHoldsBlob('p2', 'a'.repeat(64))).toBe(true)
    expect(await meta.projectHoldsBlob('p3', 'a'.repeat(64))).toBe(false)
    expect(await meta.isTokenRevoked('t1')).toBe(true)
    expect(await meta.isTokenRevoked('t2')).toBe(false)
    await expect(
      meta.createProject({ id: 'p1', name: 'Again', createdAt: '2026-01-03T00:00:00.000Z' }),
    ).rejects.toThrow()
    db.close()
  })
})

describe('FileBlobStore', () => {
  it('stores content-addressed under <aa>/<sha256>, idempotently, without temp files left', async () => {
    const store = new FileBlobStore(join(dir, 'blobs'))
    const bytes = new TextEncoder().encode('hello blob')
    const hash = sha(bytes)
    expect(await store.has(hash)).toBe(false)
    expect(await store.read(hash)).toBeNull()
    expect(await store.size(hash)).toBeNull()
    await Promise.all([store.put(hash, bytes), store.put(hash, bytes), store.put(hash, bytes)])
    await store.put(hash, bytes)
    expect(await store.has(hash)).toBe(true)
    expect(await store.size(hash)).toBe(bytes.length)
    expect(Buffer.from((await store.read(hash))!)).toEqual(Buffer.from(bytes))
    expect(readdirSync(join(dir, 'blobs'))).toEqual([hash.slice(0, 2)])
    expect(readdirSync(join(dir, 'blobs', hash.slice(0, 2)))).toEqual([hash])
    expect(readFileSync(join(dir, 'blobs', hash.slice(0, 2), hash), 'utf8')).toBe('hello blob')
  })

  it('refuses names that are not a SHA-256 (no path tricks)', async () => {
    const store = new FileBlobStore(join(dir, 'blobs'))
    await expect(store.put('../../etc/passwd', new Uint8Array(1))).rejects.toThrow(/SHA-256/)
    await expect(store.read('A'.repeat(64))).rejects.toThrow(/SHA-256/)
  })
})
