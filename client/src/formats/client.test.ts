import * as Y from 'yjs'
import { describe, expect, it, vi } from 'vitest'
import { FileTree } from '@loupe/formats'
import type { ImportPlan } from '@loupe/formats'
import { boxesJson, sampleProject } from '../../../worker/src/__fixtures__/formats'
import { FormatsHost } from '../../../worker/src/formats-host'
import type { PageMessage, WorkerMessage } from '../../../worker/src/formats-protocol'
import { FormatsClient, FormatsTaskError, isCancelled } from './client'
import type { TaskProgress, WorkerLike } from './client'
import { exportFileName } from './export'
import { describeFiles } from './files'
import { MAX_UPDATE_BYTES, refusal, tooLarge } from './import'
import { describeProgress } from './phases'

/** A real host on the far side of a MessageChannel (structured clone and transfers as a worker). */
function channelWorker(): WorkerLike & { received: PageMessage[] } {
  const { port1, port2 } = new MessageChannel()
  const host = new FormatsHost((message, transfer) => port2.postMessage(message, transfer ?? []))
  const received: PageMessage[] = []
  port2.onmessage = (event: MessageEvent<PageMessage>) => {
    received.push(event.data)
    host.handle(event.data)
  }
  const worker: WorkerLike & { received: PageMessage[] } = {
    received,
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    onmessage: null,
    terminate: () => {
      port1.close()
      port2.close()
    },
  }
  port1.onmessage = (event: MessageEvent<WorkerMessage>) => worker.onmessage?.(event)
  return worker
}

/** A worker that records what it is sent and answers nothing unless told to. */
function silentWorker() {
  const worker = {
    sent: [] as PageMessage[],
    terminated: false,
    onmessage: null as WorkerLike['onmessage'],
    onerror: null as WorkerLike['onerror'],
    postMessage(message: PageMessage) {
      this.sent.push(message)
    },
    terminate() {
      this.terminated = true
    },
    answer(message: WorkerMessage) {
      this.onmessage?.({ data: message } as MessageEvent<WorkerMessage>)
    },
  }
  return worker
}

const boxes = (name = 'a.png') =>
  boxesJson({
    labels: ['car'],
    images: [{ name, width: 640, height: 480, boxes: [[5, 5, 50, 50, 0]] }],
  })

describe('FormatsClient over a channel to the real host', () => {
  it('exports with progress and moves the document states to the worker', async () => {
    const { projectDoc, jobDoc, jobId } = sampleProject()
    const worker = channelWorker()
    const client = new FormatsClient(() => worker)
    const progress: TaskProgress[] = []
    const project = Y.encodeStateAsUpdate(projectDoc)
    const result = await client.run(
      {
        kind: 'export',
        format: 'boxes' as never,
        project,
        jobs: [{ jobId, state: Y.encodeStateAsUpdate(jobDoc) }],
        images: null,
        fileName: 'out',
      },
      { onProgress: (p) => progress.push(p) },
    )
    expect(FileTree.fromZip(result.zip).paths()).toEqual(['boxes.json'])
    expect(progress.at(-1)).toEqual({ done: 1, total: 1, phase: 'zip' })
    expect(project.byteLength).toBe(0) // moved, not copied
    client.terminate()
  })

  it('hands job documents to an import as it asks for them', async () => {
    const { projectDoc, jobDoc, jobId } = sampleProject()
    const client = new FormatsClient(channelWorker)
    const loadJob = vi.fn(async (id: string) => {
      expect(id).toBe(jobId)
      return { state: Y.encodeStateAsUpdate(jobDoc) }
    })
    const result = await client.run(
      {
        kind: 'import',
        source: { key: 's', files: [{ path: 'boxes.json', data: new Blob([boxes()]) }] },
        format: 'auto',
        projectId: 'p1',
        project: Y.encodeStateAsUpdate(projectDoc),
        userId: 'ana',
      },
      { loadJob },
    )
    expect(loadJob).toHaveBeenCalledTimes(1)
    const plan: ImportPlan = result.plan
    expect(plan.summary.shapesAdded).toBe(1)
    expect(plan.updates.map((u) => u.room)).toEqual([`job/p1/${jobId}`])
    client.terminate()
  })

  it('fails an import whose job cannot be loaded, with the loader’s reason', async () => {
    const { projectDoc } = sampleProject()
    const client = new FormatsClient(channelWorker)
    const run = client.run(
      {
        kind: 'import',
        source: { key: 's', files: [{ path: 'boxes.json', data: boxes() }] },
        format: 'auto',
        projectId: 'p1',
        project: Y.encodeStateAsUpdate(projectDoc),
        userId: 'ana',
      },
      { loadJob: () => Promise.reject(new Error('Job 1 is not on this device')) },
    )
    await expect(run).rejects.toEqual(new FormatsTaskError('failed', 'Job 1 is not on this device'))
    client.terminate()
  })

  it('rejects a malformed file with kind `format` and the exact message', async () => {
    const client = new FormatsClient(channelWorker)
    const run = client.run({
      kind: 'detect',
      source: { key: 's', files: [{ path: 'x.zip', data: new Uint8Array([1, 2, 3]) }] },
    })
    await expect(run).rejects.toMatchObject({
      kind: 'format',
      message: expect.stringMatching(/^\(archive\): expected a zip file/),
    })
    client.terminate()
  })
})

describe('FormatsClient cancel and failures', () => {
  it('rejects at once on cancel and tells the worker', async () => {
    const worker = silentWorker()
    const client = new FormatsClient(() => worker)
    const abort = new AbortController()
    const run = client.run({ kind: 'formats' }, { signal: abort.signal })
    abort.abort()
    const error = await run.catch((e: unknown) => e)
    expect(isCancelled(error)).toBe(true)
    expect(worker.sent.map((m) => m.type)).toEqual(['start', 'cancel'])
  })

  it('restarts a worker that does not stop within the grace period after a cancel', async () => {
    vi.useFakeTimers()
    try {
      const workers: ReturnType<typeof silentWorker>[] = []
      const client = new FormatsClient(
        () => {
          const w = silentWorker()
          workers.push(w)
          return w
        },
        { cancelGraceMs: 500 },
      )
      const abort = new AbortController()
      const run = client.run({ kind: 'formats' }, { signal: abort.signal }).catch(() => null)
      abort.abort()
      await run
      vi.advanceTimersByTime(499)
      expect(workers[0]!.terminated).toBe(false)
      vi.advanceTimersByTime(1)
      expect(workers[0]!.terminated).toBe(true)
      void client.run({ kind: 'formats' }).catch(() => null)
      expect(workers).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('keeps the worker when it acknowledges the cancel in time', async () => {
    vi.useFakeTimers()
    try {
      const worker = silentWorker()
      const client = new FormatsClient(() => worker, { cancelGraceMs: 500 })
      const abort = new AbortController()
      const run = client.run({ kind: 'formats' }, { signal: abort.signal }).catch(() => null)
      abort.abort()
      await run
      worker.answer({ type: 'error', id: 1, kind: 'cancelled', message: 'cancelled' })
      vi.advanceTimersByTime(1000)
      expect(worker.terminated).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('fails running tasks when the worker fails to load', async () => {
    const worker = silentWorker()
    const client = new FormatsClient(() => worker)
    const run = client.run({ kind: 'formats' })
    worker.onerror?.({ message: 'SyntaxError in worker', preventDefault() {} } as ErrorEvent)
    await expect(run).rejects.toEqual(new FormatsTaskError('failed', 'SyntaxError in worker'))
    expect(worker.terminated).toBe(true)
  })

  it('ignores progress after a task settled', async () => {
    const worker = silentWorker()
    const client = new FormatsClient(() => worker)
    const onProgress = vi.fn()
    const run = client.run({ kind: 'formats' }, { onProgress })
    worker.answer({ type: 'progress', id: 1, done: 1, total: 2, phase: 'x' })
    worker.answer({ type: 'result', id: 1, result: { kind: 'formats', formats: [] } })
    worker.answer({ type: 'progress', id: 1, done: 2, total: 2, phase: 'x' })
    await expect(run).resolves.toEqual({ kind: 'formats', formats: [] })
    expect(onProgress).toHaveBeenCalledTimes(1)
  })
})

describe('import and export helpers', () => {
  const plan = (summary: Partial<ImportPlan['summary']>): ImportPlan => ({
    updates: [],
    newImages: [],
    report: [],
    summary: {
      labelsAdded: 0,
      imagesAdded: 0,
      imagesMatched: 0,
      shapesAdded: 0,
      shapesSkipped: 0,
      tagsAdded: 0,
      jobsCreated: 0,
      ...summary,
    },
  })

  it('refuses what a role may not write', () => {
    expect(refusal('viewer', plan({}))).toMatch(/read-only/)
    expect(refusal('annotator', plan({ shapesAdded: 5 }))).toBeNull()
    expect(refusal('annotator', plan({ labelsAdded: 1, jobsCreated: 2 }))).toBe(
      'These files need 1 new label and 2 new jobs in the project, which only a manager can add. Ask a manager to import them, or to add the labels first.',
    )
    expect(refusal('manager', plan({ labelsAdded: 3 }))).toBeNull()
  })

  it('refuses a plan whose room update is larger than the relay takes in one message', () => {
    const big = plan({ shapesAdded: 1 })
    big.updates = [
      { room: 'project/p', update: new Uint8Array(10) },
      { room: 'job/p/j1', jobId: 'j1', update: new Uint8Array(MAX_UPDATE_BYTES + 1) },
    ]
    expect(tooLarge(big, new Map([['j1', 'Job 1']]))).toBe(
      'This import would write 16.0 MB into Job 1 in one change, more than the server accepts at once (16 MB). Import the annotations in smaller parts, e.g. one subset at a time.',
    )
    big.updates.pop()
    expect(tooLarge(big, new Map())).toBeNull()
  })

  it('names files, progress and export archives for people', () => {
    expect(exportFileName('Street scenes: 2024/05', 'coco')).toBe('Street-scenes-2024-05-coco')
    expect(exportFileName('   ', 'yolo')).toBe('project-yolo')
    expect(describeFiles([{ path: 'd.zip', data: new Uint8Array() }])).toBe('d.zip')
    expect(
      describeFiles([
        { path: 'set/a.json', data: new Uint8Array() },
        { path: 'set/b/c.txt', data: new Uint8Array() },
      ]),
    ).toBe('set/ (2 files)')
    expect(describeProgress({ done: 3, total: 1200, phase: 'read' })).toBe(
      'Reading annotations 3 / 1,200…',
    )
    expect(describeProgress({ done: 0, total: 1, phase: 'zip' })).toBe('Packing the archive…')
  })
})
