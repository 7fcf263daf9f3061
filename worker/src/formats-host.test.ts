import * as Y from 'yjs'
import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { FileTree } from '@loupe/formats'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { boxesJson, sampleProject } from './__fixtures__/formats'
import { FormatsHost } from './formats-host'
import { ownBuffer, prepareResult } from './formats-protocol'
import type {
  FormatsResult,
  FormatsTask,
  PageMessage,
  ProgressMessage,
  WorkerMessage,
} from './formats-protocol'

/** A host whose messages are recorded; `run` starts a task and resolves with its last message. */
function harness(options: { now?: () => number; jobs?: Map<string, Uint8Array | null> } = {}) {
  const messages: WorkerMessage[] = []
  const waiters = new Map<number, (message: WorkerMessage) => void>()
  const post = (message: WorkerMessage) => {
    messages.push(message)
    if (message.type === 'need-job') {
      const state = options.jobs?.get(message.jobId) ?? null
      queueMicrotask(() =>
        host.handle({ type: 'job', id: message.id, jobId: message.jobId, state, reason: 'gone' }),
      )
    }
    if (message.type === 'result' || message.type === 'error') waiters.get(message.id)?.(message)
  }
  const host = new FormatsHost(post, options.now)
  let nextId = 1
  return {
    messages,
    host,
    start(task: FormatsTask): { id: number; done: Promise<WorkerMessage> } {
      const id = nextId++
      const done = new Promise<WorkerMessage>((resolve) => waiters.set(id, resolve))
      host.handle({ type: 'start', id, task } satisfies PageMessage)
      return { id, done }
    },
    async run(task: FormatsTask): Promise<WorkerMessage> {
      return this.start(task).done
    },
  }
}

function resultOf<K extends FormatsResult['kind']>(message: WorkerMessage, kind: K) {
  if (message.type !== 'result')
    throw new Error(`expected a result, got ${JSON.stringify(message)}`)
  expect(message.result.kind).toBe(kind)
  return message.result as Extract<FormatsResult, { kind: K }>
}

const source = (files: [string, Uint8Array | Blob][], key = 'k1') => ({
  key,
  files: files.map(([path, data]) => ({ path, data })),
})

describe('formats host', () => {
  it('lists the registered formats with their capabilities', async () => {
    const h = harness()
    const result = resultOf(await h.run({ kind: 'formats' }), 'formats')
    const ids = result.formats.map((f) => f.id)
    expect(ids).toEqual(expect.arrayContaining(['coco', 'yolo', 'voc', 'cvat', 'boxes']))
    expect(result.formats.find((f) => (f.id as string) === 'boxes')?.capabilities.shapes).toEqual([
      'rectangle',
    ])
  })

  it('detects the format of a zip (one top folder stripped) and counts files and images', async () => {
    const zip = zipSync({
      'dataset/boxes.json': boxesJson({ labels: [], images: [] }),
      'dataset/images/a.png': new Uint8Array([1, 2, 3]),
    })
    const h = harness()
    const result = resultOf(
      await h.run({ kind: 'detect', source: source([['dataset.zip', new Blob([zip])]]) }),
      'detect',
    )
    expect(result.detections[0]).toMatchObject({ id: 'boxes', name: 'Test boxes' })
    expect(result.files).toBe(2)
    expect(result.images).toBe(1)
    const phases = h.messages.filter((m) => m.type === 'progress').map((m) => m.phase)
    expect(phases).toContain('unzip')
  })

  it('reads a folder of files by their relative paths', async () => {
    const h = harness()
    const result = resultOf(
      await h.run({
        kind: 'detect',
        source: source([
          ['set/boxes.json', boxesJson({ labels: [], images: [] })],
          ['set/readme.txt', strToU8('hello')],
        ]),
      }),
      'detect',
    )
    expect(result.detections.map((d) => d.id)).toContain('boxes')
    expect(result.files).toBe(2)
  })

  it('answers a file that is not a zip with the file, where and what was expected', async () => {
    const h = harness()
    const message = await h.run({
      kind: 'detect',
      source: source([['broken.zip', strToU8('not a zip at all')]]),
    })
    expect(message).toMatchObject({ type: 'error', kind: 'format' })
    expect(message.type === 'error' && message.message).toMatch(/^\(archive\): expected a zip file/)
  })

  it('exports the project as a zip, with the report of what the format cannot hold', async () => {
    const { projectDoc, jobDoc, jobId } = sampleProject()
    const h = harness()
    const result = resultOf(
      await h.run({
        kind: 'export',
        format: 'boxes' as never,
        project: Y.encodeStateAsUpdate(projectDoc),
        jobs: [{ jobId, state: Y.encodeStateAsUpdate(jobDoc) }],
        images: null,
        fileName: 'street-boxes',
      }),
      'export',
    )
    expect(result.fileName).toBe('street-boxes.zip')
    const files = FileTree.fromZip(result.zip)
    expect(files.paths()).toEqual(['boxes.json'])
    expect(files.json('boxes.json')).toEqual({
      labels: ['car', 'person'],
      images: [
        { name: 'a.png', width: 640, height: 480, boxes: [[10, 20, 110, 90, 0]] },
        { name: 'b.png', width: 320, height: 240, boxes: [[1, 2, 3, 4, 0]] },
      ],
    })
    expect(result.report).toMatchObject({ format: 'boxes', images: 2, annotations: 2 })
    expect(result.report.entries).toContainEqual(
      expect.objectContaining({ kind: 'dropped', what: 'label colors', count: 2 }),
    )
    const phases = new Set(
      h.messages.filter((m): m is ProgressMessage => m.type === 'progress').map((m) => m.phase),
    )
    expect([...phases]).toEqual(['dataset', 'write', 'zip'])
  })

  it('puts the image files it was given into the export and warns about the others', async () => {
    const { projectDoc, jobDoc, jobId } = sampleProject()
    const h = harness()
    const result = resultOf(
      await h.run({
        kind: 'export',
        format: 'boxes' as never,
        project: Y.encodeStateAsUpdate(projectDoc),
        jobs: [{ jobId, state: Y.encodeStateAsUpdate(jobDoc) }],
        images: [{ sha256: 'a'.repeat(64), data: new Blob([new Uint8Array([137, 80, 78, 71])]) }],
        fileName: 'x',
      }),
      'export',
    )
    const files = FileTree.fromZip(result.zip)
    expect([...files.get('images/a.png')!]).toEqual([137, 80, 78, 71])
    expect(files.has('images/b.png')).toBe(false)
    expect(result.warnings).toEqual([
      '1 image is not on this device: the archive has its annotations but not the file',
    ])
  })

  it('exports only the chosen jobs', async () => {
    const { projectDoc, project, jobDoc, jobId } = sampleProject()
    // a second job with one image
    const [other] = project.addImages(
      [{ name: 'c.png', sha256: 'c'.repeat(64), width: 10, height: 10 }],
      { jobSize: 1 },
    )
    expect(other!.jobId).not.toBe(jobId)
    const h = harness()
    const result = resultOf(
      await h.run({
        kind: 'export',
        format: 'boxes' as never,
        project: Y.encodeStateAsUpdate(projectDoc),
        jobs: [{ jobId, state: Y.encodeStateAsUpdate(jobDoc) }],
        jobIds: [other!.jobId],
        images: null,
        fileName: 'x',
      }),
      'export',
    )
    const json = FileTree.fromZip(result.zip).json('boxes.json') as { images: { name: string }[] }
    expect(json.images.map((i) => i.name)).toEqual(['c.png'])
  })

  it('imports: plans on copies of the documents it asks for, and changes nothing itself', async () => {
    const { projectDoc, jobDoc, jobId } = sampleProject()
    const before = Y.encodeStateAsUpdate(jobDoc)
    const h = harness({ jobs: new Map([[jobId, before]]) })
    const file = boxesJson({
      labels: ['car', 'truck'],
      images: [
        {
          name: 'a.png',
          width: 640,
          height: 480,
          boxes: [
            [10, 20, 110, 90, 0], // already there
            [200, 100, 300, 200, 1],
          ],
        },
      ],
    })
    const result = resultOf(
      await h.run({
        kind: 'import',
        source: source([['boxes.json', file]]),
        format: 'auto',
        projectId: 'p1',
        project: Y.encodeStateAsUpdate(projectDoc),
        userId: 'ana',
      }),
      'import',
    )
    expect(result.format).toMatchObject({ id: 'boxes', name: 'Test boxes' })
    expect(result.plan.summary).toMatchObject({
      labelsAdded: 1,
      shapesAdded: 1,
      shapesSkipped: 1,
      imagesMatched: 1,
      imagesAdded: 0,
    })
    expect(h.messages.filter((m) => m.type === 'need-job')).toEqual([
      { type: 'need-job', id: 1, jobId },
    ])
    // Applied to the originals, the plan adds the truck and its box.
    for (const { room, update } of result.plan.updates) {
      Y.applyUpdate(room === 'project/p1' ? projectDoc : jobDoc, update)
    }
    const project = ProjectDocument.open(projectDoc)
    const truck = project.listLabels().find((l) => l.name === 'truck')
    expect(truck).toBeDefined()
    const job = JobDocument.open(jobDoc, project)
    expect(job.listShapes().map((s) => [s.labelId, s.points])).toContainEqual([
      truck!.id,
      [200, 100, 300, 200],
    ])
    expect(job.listShapes()).toHaveLength(3)
  })

  it('fails an import of a malformed file with `file: where: expected` before asking for jobs', async () => {
    const { projectDoc, jobId } = sampleProject()
    const h = harness({ jobs: new Map([[jobId, new Uint8Array()]]) })
    const file = boxesJson({
      labels: ['car'],
      images: [
        {
          name: 'a.png',
          width: 4,
          height: 4,
          boxes: [
            [0, 0, 1, 1, 0],
            [0, 0, 1],
          ],
        },
      ],
    })
    const message = await h.run({
      kind: 'import',
      source: source([['boxes.json', file]]),
      format: 'boxes' as never,
      projectId: 'p1',
      project: Y.encodeStateAsUpdate(projectDoc),
      userId: 'ana',
    })
    expect(message).toEqual({
      type: 'error',
      id: 1,
      kind: 'format',
      message: 'boxes.json: images[0].boxes[1]: expected 5 numbers',
    })
    expect(h.messages.some((m) => m.type === 'need-job')).toBe(false)
  })

  it('fails an import that needs a job this device does not have, with the reason given', async () => {
    const { projectDoc } = sampleProject()
    const h = harness({ jobs: new Map() })
    const message = await h.run({
      kind: 'import',
      source: source([
        [
          'boxes.json',
          boxesJson({
            labels: ['car'],
            images: [{ name: 'a.png', width: 640, height: 480, boxes: [[1, 1, 5, 5, 0]] }],
          }),
        ],
      ]),
      format: 'auto',
      projectId: 'p1',
      project: Y.encodeStateAsUpdate(projectDoc),
      userId: 'ana',
    })
    expect(message).toMatchObject({ type: 'error', kind: 'failed', message: 'gone' })
  })

  it('says when it cannot tell the format', async () => {
    const { projectDoc } = sampleProject()
    const h = harness()
    const message = await h.run({
      kind: 'import',
      source: source([['notes.txt', strToU8('hello')]]),
      format: 'auto',
      projectId: 'p1',
      project: Y.encodeStateAsUpdate(projectDoc),
      userId: 'ana',
    })
    expect(message).toMatchObject({
      type: 'error',
      kind: 'failed',
      message: 'Could not tell the format of these files: choose the format and try again',
    })
  })

  it('shows the error of a format that refuses (e.g. one not built yet) as it is', async () => {
    const h = harness()
    const message = await h.run({
      kind: 'import',
      source: source([['x.json', strToU8('{}')]]),
      format: 'nope' as never,
      projectId: 'p1',
      project: Y.encodeStateAsUpdate(sampleProject().projectDoc),
      userId: 'ana',
    })
    expect(message).toMatchObject({ type: 'error', kind: 'failed' })
    expect(message.type === 'error' && message.message).toMatch(/^unknown format "nope"/)
  })

  it('cancels a running import between images', async () => {
    const { projectDoc } = sampleProject()
    const h = harness()
    const images = Array.from({ length: 200 }, (_, i) => ({
      name: `i${i}.png`,
      width: 10,
      height: 10,
      boxes: [],
    }))
    const { id, done } = h.start({
      kind: 'import',
      source: source([['boxes.json', boxesJson({ labels: [], images })]]),
      format: 'boxes' as never,
      projectId: 'p1',
      project: Y.encodeStateAsUpdate(projectDoc),
      userId: 'ana',
    })
    // once reading has started, cancel
    await expect
      .poll(() => h.messages.some((m) => m.type === 'progress' && m.phase === 'read'))
      .toBe(true)
    h.host.handle({ type: 'cancel', id })
    expect(await done).toEqual({ type: 'error', id, kind: 'cancelled', message: 'cancelled' })
  })

  it('throttles progress within a phase but always reports the end', async () => {
    const h = harness({ now: () => 0 })
    const files = Array.from({ length: 50 }, (_, i): [string, Uint8Array] => [
      `set/f${i}.txt`,
      strToU8(String(i)),
    ])
    const message = await h.run({ kind: 'detect', source: source(files) })
    expect(message.type).toBe('result')
    const reads = h.messages.filter(
      (m): m is ProgressMessage => m.type === 'progress' && m.phase === 'files',
    )
    expect(reads.map((m) => m.done)).toEqual([1, 50])
  })
})

describe('results on the wire', () => {
  it('copies views into larger buffers and moves each buffer once', () => {
    const big = new Uint8Array(100)
    const view = big.subarray(10, 20)
    expect(ownBuffer(view).buffer.byteLength).toBe(10)
    const whole = new Uint8Array(8)
    expect(ownBuffer(whole)).toBe(whole)
    const { result, transfer } = prepareResult({
      kind: 'import',
      format: { id: 'coco', name: 'COCO', confidence: 1 },
      plan: {
        updates: [{ room: 'project/p', update: whole }],
        newImages: [
          { name: 'a', sha256: 'a', width: 1, height: 1, mime: 'image/png', data: view },
          { name: 'b', sha256: 'a', width: 1, height: 1, mime: 'image/png', data: whole },
        ],
        summary: {
          labelsAdded: 0,
          imagesAdded: 2,
          imagesMatched: 0,
          shapesAdded: 0,
          shapesSkipped: 0,
          tagsAdded: 0,
          jobsCreated: 0,
        },
        report: [],
      },
    })
    expect(transfer).toHaveLength(2)
    expect(transfer).not.toContain(big.buffer)
    expect(result.kind === 'import' && result.plan.newImages[0]!.data.byteLength).toBe(10)
  })
})
