import * as Y from 'yjs'
import { z } from 'zod'
import { ModelError, ModelErrorCode } from './errors'
import { imageInputSchema, readImage, writeImage, type ImageInput } from './images'
import {
  compareJobs,
  DEFAULT_JOB_SIZE,
  jobPatchSchema,
  nextJobNumber,
  readJob,
  writeJob,
  type JobPatch,
} from './jobs'
import {
  normalizeLabel,
  patchLabel,
  readLabel,
  writeLabel,
  type LabelInput,
  type LabelPatch,
} from './labels'
import { migrate, readSchemaVersion, type MigrationResult } from './migrations'
import { naturalCompare } from './natural'
import { newId } from './ids'
import { SCHEMA_VERSION, type ImageRecord, type JobRecord, type LabelRecord } from './schema'
import { isoDateSchema, joinPath, nameSchema, parseWith } from './validate'
import { Writer, type WriterOptions } from './writer'

/** What a job document needs from its project: labels (always) and images (when available). */
export interface LabelLookup {
  getLabel(id: string): LabelRecord | undefined
  /** When present, shapes, tags and comments must name an image of the job. */
  getImage?(id: string): ImageRecord | undefined
}

export interface ProjectInit {
  name: string
  createdAt?: string
  labels?: LabelInput[]
}

export interface ProjectMeta {
  schemaVersion: number
  name: string
  createdAt: string
}

const jobSizeSchema = z
  .int({ error: 'expected a positive integer' })
  .min(1, { error: 'expected a positive integer' })

function byNameThenId(a: { name: string; id: string }, b: { name: string; id: string }) {
  return naturalCompare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * The project document (DESIGN.md §2): `meta`, `labels`, `images`, `jobs`. Every write is
 * validated in full, then applied in one transaction with the wrapper's origin.
 */
export class ProjectDocument implements LabelLookup {
  readonly meta: Y.Map<unknown>
  readonly labels: Y.Map<unknown>
  readonly images: Y.Map<unknown>
  readonly jobs: Y.Map<unknown>
  /** What `open` migrated, if anything. */
  readonly migration: MigrationResult | undefined
  private readonly writer: Writer

  private constructor(
    readonly doc: Y.Doc,
    options: WriterOptions,
    migration?: MigrationResult,
  ) {
    this.writer = new Writer(doc, options)
    this.meta = doc.getMap('meta')
    this.labels = doc.getMap('labels')
    this.images = doc.getMap('images')
    this.jobs = doc.getMap('jobs')
    this.migration = migration
  }

  /** Writes a new project into an empty document. Throws ModelError on invalid input. */
  static create(doc: Y.Doc, init: ProjectInit, options: WriterOptions = {}): ProjectDocument {
    const project = new ProjectDocument(doc, options)
    if (readSchemaVersion(doc, 'project') !== undefined) {
      throw new ModelError(ModelErrorCode.invalidDocument, 'expected an empty document', 'meta')
    }
    const name = parseWith(nameSchema, init.name, 'meta.name')
    const createdAt =
      parseWith(isoDateSchema.optional(), init.createdAt, 'meta.createdAt') ??
      project.writer.clock()
    const labels: LabelRecord[] = []
    ;(init.labels ?? []).forEach((input, i) => {
      const label = normalizeLabel(input, joinPath('labels', i), i)
      if (labels.some((other) => other.id === label.id)) {
        throw new ModelError(
          ModelErrorCode.duplicate,
          'label id in use',
          joinPath('labels', i, 'id'),
        )
      }
      project.checkLabelUnique(label, labels, joinPath('labels', i))
      labels.push(label)
    })
    project.writer.transact(() => {
      project.meta.set('schemaVersion', SCHEMA_VERSION)
      project.meta.set('name', name)
      project.meta.set('createdAt', createdAt)
      for (const label of labels) project.insertLabel(label, createdAt)
    })
    return project
  }

  /** Opens an existing project document, migrating it; a newer document opens read-only. */
  static open(doc: Y.Doc, options: WriterOptions = {}): ProjectDocument {
    const version = readSchemaVersion(doc, 'project')
    if (version === undefined) {
      throw new ModelError(
        ModelErrorCode.invalidDocument,
        'expected a project document, found an empty one',
        'meta',
      )
    }
    const migration = version > SCHEMA_VERSION ? undefined : migrate(doc, 'project')
    return new ProjectDocument(doc, options, migration)
  }

  get readOnly(): boolean {
    return this.writer.readOnly
  }

  get userId(): string {
    return this.writer.userId
  }

  getMeta(): ProjectMeta {
    const name: unknown = this.meta.get('name')
    const createdAt: unknown = this.meta.get('createdAt')
    return {
      schemaVersion: this.writer.schemaVersion ?? 0,
      name: typeof name === 'string' ? name : '',
      createdAt: typeof createdAt === 'string' ? createdAt : '',
    }
  }

  setName(name: string): void {
    this.writer.assertWritable()
    const valid = parseWith(nameSchema, name, 'meta.name')
    this.writer.transact(() => this.meta.set('name', valid))
  }

  // Labels

  getLabel(id: string): LabelRecord | undefined {
    return readLabel(id, this.labels.get(id))
  }

  /** Labels in natural order of name. */
  listLabels(): LabelRecord[] {
    const out: LabelRecord[] = []
    this.labels.forEach((value, id) => {
      const label = readLabel(id, value)
      if (label) out.push(label)
    })
    return out.sort(byNameThenId)
  }

  addLabel(input: LabelInput): LabelRecord {
    this.writer.assertWritable()
    const path = typeof input?.id === 'string' ? joinPath('labels', input.id) : 'labels'
    const label = normalizeLabel(input, path, this.labels.size)
    if (this.labels.has(label.id)) {
      throw new ModelError(
        ModelErrorCode.duplicate,
        'label id in use',
        joinPath('labels', label.id),
      )
    }
    this.checkLabelUnique(label, this.listLabels(), joinPath('labels', label.id))
    this.writer.transact(() => this.insertLabel(label, this.writer.clock()))
    return label
  }

  /** Changes any of name, color, type, attributes, skeleton; only the given fields are written. */
  updateLabel(id: string, patch: LabelPatch): LabelRecord {
    this.writer.assertWritable()
    const path = joinPath('labels', id)
    const current = this.requireLabel(id)
    const next = patchLabel(current, patch, path)
    this.checkLabelUnique(next, this.listLabels(), path)
    const fields = new Set(Object.keys(patch))
    const map = this.labels.get(id) as Y.Map<unknown>
    this.writer.transact(() => {
      writeLabel(map, next, fields)
      this.writer.stamp(map, this.writer.clock())
    })
    return next
  }

  renameLabel(id: string, name: string): LabelRecord {
    return this.updateLabel(id, { name })
  }

  recolorLabel(id: string, color: string): LabelRecord {
    return this.updateLabel(id, { color })
  }

  /**
   * Deletes a label. Shapes in job documents that use it stay (they live in other documents);
   * they keep their `labelId` and can be relabelled, but their attributes can no longer be edited.
   */
  deleteLabel(id: string): void {
    this.writer.assertWritable()
    this.requireLabel(id)
    this.writer.transact(() => this.labels.delete(id))
  }

  private requireLabel(id: string): LabelRecord {
    const label = this.getLabel(id)
    if (!label)
      throw new ModelError(ModelErrorCode.notFound, 'no such label', joinPath('labels', id))
    return label
  }

  private checkLabelUnique(label: LabelRecord, others: readonly LabelRecord[], path: string) {
    for (const other of others) {
      if (other.id === label.id) continue
      if (other.name === label.name) {
        throw new ModelError(
          ModelErrorCode.duplicate,
          `a label named ${JSON.stringify(label.name)} exists`,
          joinPath(path, 'name'),
        )
      }
    }
  }

  private insertLabel(label: LabelRecord, now: string) {
    if (this.labels.has(label.id)) {
      throw new ModelError(
        ModelErrorCode.duplicate,
        'label id in use',
        joinPath('labels', label.id),
      )
    }
    const map = new Y.Map<unknown>()
    this.labels.set(label.id, map)
    writeLabel(map, label)
    this.writer.stamp(map, now)
  }

  // Images and jobs

  getImage(id: string): ImageRecord | undefined {
    return readImage(id, this.images.get(id))
  }

  /** All images in natural order of name. */
  listImages(): ImageRecord[] {
    const out: ImageRecord[] = []
    this.images.forEach((value, id) => {
      const image = readImage(id, value)
      if (image) out.push(image)
    })
    return out.sort(byNameThenId)
  }

  /** The images of a job: those whose `jobId` names it, in natural order of name. */
  jobImages(jobId: string): ImageRecord[] {
    return this.listImages().filter((image) => image.jobId === jobId)
  }

  getJob(id: string): JobRecord | undefined {
    return readJob(id, this.jobs.get(id))
  }

  /** Jobs oldest first. */
  listJobs(): JobRecord[] {
    const out: JobRecord[] = []
    this.jobs.forEach((value, id) => {
      const job = readJob(id, value)
      if (job) out.push(job)
    })
    return out.sort(compareJobs)
  }

  /**
   * Registers images. New images fill the newest job up to `jobSize` (default 100), then new
   * jobs `Job N` are created. An image whose sha256 and name are both already registered
   * returns the existing record. Records come back in input order.
   */
  addImages(images: readonly ImageInput[], options: { jobSize?: number } = {}): ImageRecord[] {
    this.writer.assertWritable()
    const jobSize = parseWith(jobSizeSchema, options.jobSize ?? DEFAULT_JOB_SIZE, 'options.jobSize')
    if (!Array.isArray(images)) {
      throw new ModelError(ModelErrorCode.invalidInput, 'expected an array of images', 'images')
    }
    const inputs = images.map((image, i) =>
      parseWith(imageInputSchema, image, joinPath('images', i)),
    )
    const now = this.writer.clock()
    const known = new Map<string, ImageRecord>()
    for (const image of this.listImages()) known.set(`${image.sha256}/${image.name}`, image)

    const jobs = this.listJobs()
    let job = jobs[jobs.length - 1]
    let filled = job ? this.jobImages(job.id).length : 0
    let number = nextJobNumber(jobs)
    const newJobs: JobRecord[] = []
    const newImages: ImageRecord[] = []
    const ids = new Set<string>()
    const result = inputs.map((input, i) => {
      const existing = known.get(`${input.sha256}/${input.name}`)
      if (existing) return existing
      const id = input.id ?? newId()
      if (this.images.has(id) || ids.has(id)) {
        throw new ModelError(
          ModelErrorCode.duplicate,
          'image id in use',
          joinPath('images', i, 'id'),
        )
      }
      ids.add(id)
      if (!job || filled >= jobSize) {
        job = { id: newId(), name: `Job ${number++}`, assignee: '', state: 'new', createdAt: now }
        newJobs.push(job)
        filled = 0
      }
      filled++
      const record: ImageRecord = {
        id,
        name: input.name,
        sha256: input.sha256,
        width: input.width,
        height: input.height,
        jobId: job.id,
        addedAt: input.addedAt ?? now,
      }
      known.set(`${record.sha256}/${record.name}`, record)
      newImages.push(record)
      return record
    })
    if (newImages.length > 0) {
      this.writer.transact(() => {
        for (const record of newJobs) {
          const map = new Y.Map<unknown>()
          this.jobs.set(record.id, map)
          writeJob(map, record)
          this.writer.stamp(map, now)
        }
        for (const record of newImages) {
          const map = new Y.Map<unknown>()
          this.images.set(record.id, map)
          writeImage(map, record)
          this.writer.stamp(map, now)
        }
      })
    }
    return result
  }

  /** Moves images to another existing job. */
  moveImages(imageIds: readonly string[], jobId: string): void {
    this.writer.assertWritable()
    if (!this.getJob(jobId))
      throw new ModelError(ModelErrorCode.notFound, 'no such job', joinPath('jobs', jobId))
    const maps = imageIds.map((id) => {
      if (!this.getImage(id))
        throw new ModelError(ModelErrorCode.notFound, 'no such image', joinPath('images', id))
      return this.images.get(id) as Y.Map<unknown>
    })
    const now = this.writer.clock()
    this.writer.transact(() => {
      for (const map of maps) {
        map.set('jobId', jobId)
        this.writer.stamp(map, now)
      }
    })
  }

  /** Changes a job's name, assignee or state; only the given fields are written. */
  updateJob(id: string, patch: JobPatch): JobRecord {
    this.writer.assertWritable()
    const path = joinPath('jobs', id)
    const current = this.getJob(id)
    if (!current) throw new ModelError(ModelErrorCode.notFound, 'no such job', path)
    const valid = parseWith(jobPatchSchema, patch, path)
    const map = this.jobs.get(id) as Y.Map<unknown>
    this.writer.transact(() => {
      if (valid.name !== undefined) map.set('name', valid.name)
      if (valid.assignee !== undefined) map.set('assignee', valid.assignee)
      if (valid.state !== undefined) map.set('state', valid.state)
      this.writer.stamp(map, this.writer.clock())
    })
    return { ...current, ...valid }
  }

  /** Calls `fn` once after every transaction that changed the project; returns an unsubscribe. */
  onChange(fn: (origin: unknown) => void): () => void {
    const maps = new Set<unknown>([this.meta, this.labels, this.images, this.jobs])
    const handler = (transaction: Y.Transaction) => {
      for (const type of transaction.changedParentTypes.keys()) {
        if (maps.has(type)) return fn(transaction.origin)
      }
    }
    this.doc.on('afterTransaction', handler)
    return () => this.doc.off('afterTransaction', handler)
  }
}
