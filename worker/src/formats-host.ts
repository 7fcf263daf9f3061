// The formats worker's logic, apart from the worker global so it runs in Node tests too: tasks by
// id, each with its own AbortController; progress throttled; errors sorted into malformed input,
// cancelled and failed. Imports read files, parse them with a format and plan the changes on
// scratch copies of the documents; exports turn document states into a dataset, a format's files
// and a zip.

import * as Y from 'yjs'
import {
  CancelledError,
  FileTree,
  FormatError,
  detectFormat,
  exportReport,
  extensionOf,
  getFormat,
  isImagePath,
  listFormats,
  planImport,
  projectToDataset,
  throwIfCancelled,
} from '@loupe/formats'
import type { FormatModule, ProgressInfo } from '@loupe/formats'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { PROGRESS_INTERVAL_MS, prepareResult } from './formats-protocol'
import type {
  DetectResult,
  ErrorKind,
  ExportResult,
  ExportTask,
  FormatsResult,
  FormatsTask,
  ImportResult,
  ImportSource,
  ImportTask,
  PageMessage,
  WorkerMessage,
} from './formats-protocol'

export type PostMessage = (message: WorkerMessage, transfer?: Transferable[]) => void

interface Running {
  abort: AbortController
  /** Job documents asked of the page, by job id. */
  waiting: Map<string, { resolve: (doc: Y.Doc) => void; reject: (error: Error) => void }>
  progress: (info: ProgressInfo & { phase: string }) => void
}

/** Lets queued messages (a cancel, a job document) in between two steps of a task. */
const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export class FormatsHost {
  #tasks = new Map<number, Running>()
  /** The files of the last `detect`, so the import that follows does not unpack them again. */
  #opened: { key: string; tree: FileTree } | null = null

  constructor(
    private readonly post: PostMessage,
    private readonly now: () => number = () => Date.now(),
  ) {}

  handle(message: PageMessage): void {
    switch (message.type) {
      case 'start':
        void this.#start(message.id, message.task)
        return
      case 'cancel':
        this.#tasks.get(message.id)?.abort.abort()
        return
      case 'job': {
        const waiter = this.#tasks.get(message.id)?.waiting.get(message.jobId)
        if (!waiter) return
        this.#tasks.get(message.id)?.waiting.delete(message.jobId)
        if (message.state) {
          const doc = new Y.Doc()
          Y.applyUpdate(doc, message.state)
          waiter.resolve(doc)
        } else {
          waiter.reject(new Error(message.reason ?? `job ${message.jobId} is not on this device`))
        }
      }
    }
  }

  async #start(id: number, task: FormatsTask): Promise<void> {
    const abort = new AbortController()
    let last = { phase: '', at: -Infinity }
    const running: Running = {
      abort,
      waiting: new Map(),
      progress: ({ done, total, phase }) => {
        const at = this.now()
        if (phase === last.phase && done < total && at - last.at < PROGRESS_INTERVAL_MS) return
        last = { phase, at }
        this.post({ type: 'progress', id, done, total, phase })
      },
    }
    this.#tasks.set(id, running)
    abort.signal.addEventListener('abort', () => {
      for (const waiter of running.waiting.values()) waiter.reject(new CancelledError())
      running.waiting.clear()
    })
    try {
      const result = await this.#run(id, task, running)
      throwIfCancelled(abort.signal)
      const { result: message, transfer } = prepareResult(result)
      this.post({ type: 'result', id, result: message }, transfer)
    } catch (error) {
      const { kind, message } = describeError(error, abort.signal.aborted)
      this.post({ type: 'error', id, kind, message })
    } finally {
      this.#tasks.delete(id)
    }
  }

  #run(id: number, task: FormatsTask, running: Running): Promise<FormatsResult> {
    switch (task.kind) {
      case 'formats':
        return Promise.resolve({
          kind: 'formats',
          formats: listFormats().map(({ id, name, capabilities }) => ({ id, name, capabilities })),
        })
      case 'detect':
        return this.#detect(task.source, running)
      case 'import':
        return this.#import(id, task, running)
      case 'export':
        return this.#export(task, running)
    }
  }

  async #detect(source: ImportSource, running: Running): Promise<DetectResult> {
    const tree = await this.#tree(source, running)
    return {
      kind: 'detect',
      detections: detectFormat(tree).map(({ format, confidence }) => ({
        id: format.id,
        name: format.name,
        confidence,
      })),
      files: tree.size,
      images: tree.paths().filter(isImagePath).length,
    }
  }

  async #import(id: number, task: ImportTask, running: Running): Promise<ImportResult> {
    const signal = running.abort.signal
    const tree = await this.#tree(task.source, running)
    this.#opened = null
    const format = chooseFormat(tree, task.format)
    const projectDoc = new Y.Doc()
    Y.applyUpdate(projectDoc, task.project)
    const sizes = imageSizes(projectDoc)
    await yieldToMessages()
    throwIfCancelled(signal)
    const dataset = await format.read(tree, {
      imageSize: (name) => sizes.get(name) ?? sizes.get(basename(name)),
      signal,
      onProgress: (p) => running.progress({ ...p, phase: 'read' }),
    })
    await yieldToMessages()
    throwIfCancelled(signal)
    const plan = await planImport(
      dataset,
      {
        projectId: task.projectId,
        projectDoc,
        jobDocs: (jobId) => this.#requestJob(id, jobId, running),
      },
      {
        userId: task.userId,
        signal,
        onProgress: (p) => running.progress({ ...p, phase: 'plan' }),
      },
    )
    return {
      kind: 'import',
      format: { id: format.id, name: format.name, confidence: 1 },
      plan,
    }
  }

  #requestJob(id: number, jobId: string, running: Running): Promise<Y.Doc> {
    throwIfCancelled(running.abort.signal)
    return new Promise((resolve, reject) => {
      running.waiting.set(jobId, { resolve, reject })
      this.post({ type: 'need-job', id, jobId })
    })
  }

  async #export(task: ExportTask, running: Running): Promise<ExportResult> {
    const signal = running.abort.signal
    const format = getFormat(task.format)
    const projectDoc = new Y.Doc()
    Y.applyUpdate(projectDoc, task.project)
    const project = ProjectDocument.open(projectDoc)
    const jobs: JobDocument[] = []
    for (const { state } of task.jobs) {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, state)
      if (doc.getMap('meta').has('schemaVersion')) jobs.push(JobDocument.open(doc, project))
    }
    const images = task.images ? new Map(task.images.map((i) => [i.sha256, i.data])) : null
    let missingImages = 0
    const warnings: string[] = []
    const dataset = await projectToDataset(project, jobs, {
      ...(task.jobIds ? { jobIds: task.jobIds } : {}),
      ...(task.subsets ? { subsets: task.subsets } : {}),
      ...(images
        ? {
            imageData: async (image) => {
              const data = images.get(image.sha256)
              if (!data) {
                missingImages++
                return undefined
              }
              return data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer())
            },
          }
        : {}),
      onWarning: (message) => warnings.push(message),
      signal,
      onProgress: (p) => running.progress({ ...p, phase: 'dataset' }),
    })
    if (missingImages > 0) {
      warnings.push(
        `${missingImages} ${missingImages === 1 ? 'image is' : 'images are'} not on this device: the archive has ${missingImages === 1 ? 'its' : 'their'} annotations but not the file`,
      )
    }
    const report = exportReport(format, dataset)
    await yieldToMessages()
    throwIfCancelled(signal)
    const tree = await format.write(dataset, {
      includeImages: images !== null,
      signal,
      onProgress: (p) => running.progress({ ...p, phase: 'write' }),
    })
    await yieldToMessages()
    throwIfCancelled(signal)
    running.progress({ done: 0, total: 1, phase: 'zip' })
    const zip = tree.toZip()
    running.progress({ done: 1, total: 1, phase: 'zip' })
    return { kind: 'export', fileName: `${task.fileName}.zip`, zip, report, warnings }
  }

  /** The files of an import as a tree: one zip unpacked, or the files as they were chosen. */
  async #tree(source: ImportSource, running: Running): Promise<FileTree> {
    if (this.#opened?.key === source.key) return this.#opened.tree
    const signal = running.abort.signal
    const files = source.files
    if (files.length === 0) throw new Error('no files were chosen')
    const entries: [string, Uint8Array][] = []
    for (let i = 0; i < files.length; i++) {
      throwIfCancelled(signal)
      const file = files[i]!
      const data = file.data instanceof Uint8Array ? file.data : await blobBytes(file.data)
      entries.push([file.path, data])
      running.progress({ done: i + 1, total: files.length, phase: 'files' })
    }
    let tree: FileTree
    const [only] = entries
    if (entries.length === 1 && only && extensionOf(only[0]) === 'zip') {
      running.progress({ done: 0, total: 1, phase: 'unzip' })
      await yieldToMessages()
      throwIfCancelled(signal)
      tree = FileTree.fromZip(only[1])
      running.progress({ done: 1, total: 1, phase: 'unzip' })
    } else {
      tree = new FileTree(entries).stripCommonRoot()
    }
    this.#opened = { key: source.key, tree }
    return tree
  }
}

async function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer())
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The format to read with: the one asked for, or the most confident detection. */
export function chooseFormat(tree: FileTree, wanted: string): FormatModule {
  if (wanted !== 'auto') return getFormat(wanted)
  const [best] = detectFormat(tree)
  if (!best) {
    throw new Error('Could not tell the format of these files: choose the format and try again')
  }
  return best.format
}

/** Image sizes of the project by name and by base name (formats without sizes use them). */
function imageSizes(projectDoc: Y.Doc): Map<string, { width: number; height: number }> {
  const sizes = new Map<string, { width: number; height: number }>()
  const byBase = new Map<string, { width: number; height: number }>()
  projectDoc.getMap('images').forEach((value) => {
    if (!(value instanceof Y.Map)) return
    const name: unknown = value.get('name')
    const width: unknown = value.get('width')
    const height: unknown = value.get('height')
    if (typeof name !== 'string' || typeof width !== 'number' || typeof height !== 'number') return
    sizes.set(name, { width, height })
    byBase.set(basename(name), { width, height })
  })
  for (const [name, size] of byBase) if (!sizes.has(name)) sizes.set(name, size)
  return sizes
}

/** The message and kind of a failed task. */
export function describeError(
  error: unknown,
  cancelled: boolean,
): { kind: ErrorKind; message: string } {
  if (cancelled || error instanceof CancelledError)
    return { kind: 'cancelled', message: 'cancelled' }
  if (error instanceof FormatError) return { kind: 'format', message: error.message }
  if (error instanceof Error) return { kind: 'failed', message: error.message || error.name }
  return { kind: 'failed', message: String(error) }
}
