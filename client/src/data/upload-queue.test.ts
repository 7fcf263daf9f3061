import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LoupeDatabase } from './db'
import { UploadError } from './upload'
import type { UploadRequest } from './upload'
import { UploadQueue } from './upload-queue'

const SHA = (n: number) => n.toString(16).padStart(64, '0')

describe('UploadQueue (Dexie on fake-indexeddb)', () => {
  let db: LoupeDatabase
  let clock = 1_000
  let online = true
  let confirmed = true
  let sent: UploadRequest[] = []
  let failWith: (UploadError | undefined)[] = []
  let queue: UploadQueue

  const make = () =>
    new UploadQueue({
      db,
      token: 't',
      isOnline: () => online,
      registrationConfirmed: () => confirmed,
      now: () => clock,
      random: () => 1,
      maxFilesPerRequest: 2,
      upload: async (request) => {
        sent.push(request)
        const error = failWith.shift()
        if (error) throw error
        request.onProgress?.(10, 10)
        return []
      },
    })

  beforeEach(async () => {
    db = new LoupeDatabase(`test-${Math.random()}`)
    clock = 1_000
    online = true
    confirmed = true
    sent = []
    failWith = []
    for (let i = 1; i <= 3; i++) {
      await db.blobs.put({
        sha256: SHA(i),
        blob: new Blob([`image ${i}`]),
        size: 7,
        type: 'image/png',
        storedAt: 0,
      })
    }
    queue = make()
  })
  afterEach(async () => {
    queue.stop()
    await db.delete()
  })

  const images = [1, 2, 3].map((i) => ({ sha256: SHA(i), name: `${i}.png`, size: 7 }))

  it('uploads in batches and empties the queue', async () => {
    await queue.enqueue('p1', images, false)
    expect(sent.map((r) => r.files.map((f) => f.name))).toEqual([['1.png', '2.png'], ['3.png']])
    expect(await db.uploads.count()).toBe(0)
    expect(queue.progress.get('p1')).toMatchObject({ queued: 0, done: 3, failed: 0 })
  })

  it('waits while offline and resumes from the stored queue after a "reload"', async () => {
    online = false
    await queue.enqueue('p1', images, false)
    expect(sent).toHaveLength(0)
    expect(queue.progress.get('p1')?.queued).toBe(3)
    queue.stop()
    online = true
    queue = make()
    await queue.kick()
    expect(sent.flatMap((r) => r.files)).toHaveLength(3)
    expect(await db.uploads.count()).toBe(0)
  })

  it('retries network failures with backoff', async () => {
    failWith = [new UploadError(0, 'network', 'down')]
    await queue.enqueue('p1', images.slice(0, 1), false)
    expect(sent).toHaveLength(1)
    const task = await db.uploads.get(`p1:${SHA(1)}`)
    expect(task).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: 1_000 + 2_000 })
    expect(queue.progress.get('p1')).toMatchObject({ queued: 1, retryAt: 3_000, lastError: 'down' })
    await queue.kick()
    expect(sent).toHaveLength(1) // not due yet
    clock = 3_000
    await queue.kick()
    expect(sent).toHaveLength(2)
    expect(await db.uploads.count()).toBe(0)
  })

  it('finds the bad file of a refused batch and keeps only it as failed', async () => {
    failWith = [
      new UploadError(415, 'unsupported_media_type', 'files[1]: not an image'),
      undefined,
      new UploadError(415, 'unsupported_media_type', '2.png: not an image'),
    ]
    await queue.enqueue('p1', images.slice(0, 2), false)
    const tasks = await db.uploads.toArray()
    expect(tasks.map((t) => [t.name, t.state])).toEqual([['2.png', 'failed']])
    expect(queue.progress.get('p1')).toMatchObject({ failed: 1, done: 1 })
    failWith = []
    await queue.retry('p1')
    expect(await db.uploads.count()).toBe(0)
  })

  it('holds locally registered images until the registration is confirmed', async () => {
    confirmed = false
    await queue.enqueue('p1', images.slice(0, 1), true)
    expect(sent).toHaveLength(0)
    expect(queue.progress.get('p1')?.waitingForSync).toBe(true)
    confirmed = true
    await queue.kick()
    expect(sent).toHaveLength(1)
  })
})
