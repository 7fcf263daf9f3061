import * as Y from 'yjs'
import { validateAttributeValues } from './attributes'
import type { CommentInput, CommentPatch } from './comments'
import { CommentStore } from './comment-store'
import { ModelError, ModelErrorCode } from './errors'
import { validateGeometry } from './geometry'
import { fullAttributes, JobScope } from './job-scope'
import { labelAllows } from './labels'
import { migrate, readSchemaVersion, type MigrationResult } from './migrations'
import type { LabelLookup } from './project'
import {
  SCHEMA_VERSION,
  type AttributeValue,
  type CommentRecord,
  type ShapeRecord,
  type TagRecord,
} from './schema'
import {
  compareShapes,
  readShape,
  shapeInputSchema,
  shapePatchSchema,
  writeShape,
  type ShapeInput,
  type ShapePatch,
} from './shapes'
import { TagStore } from './tag-store'
import type { TagInput, TagPatch } from './tags'
import { idSchema, joinPath, parseWith } from './validate'
import { Writer, type WriterOptions } from './writer'

export interface JobInit {
  projectId: string
  jobId: string
}

export interface JobMeta {
  schemaVersion: number
  projectId: string
  jobId: string
}

/**
 * A job document (DESIGN.md §2): `meta`, `shapes`, `tags`, `comments`. Labels and images are
 * looked up in the project (a ProjectDocument or any LabelLookup). Each record is a Y.Map whose
 * fields are written one by one, so concurrent edits of different fields merge; `points` is one
 * plain array, so concurrent moves end with one whole geometry.
 */
export class JobDocument {
  readonly meta: Y.Map<unknown>
  readonly shapes: Y.Map<unknown>
  readonly tags: Y.Map<unknown>
  readonly comments: Y.Map<unknown>
  /** What `open` migrated, if anything. */
  readonly migration: MigrationResult | undefined
  private readonly writer: Writer
  private readonly scope: JobScope
  private readonly tagStore: TagStore
  private readonly commentStore: CommentStore

  private constructor(
    readonly doc: Y.Doc,
    readonly project: LabelLookup,
    options: WriterOptions,
    migration?: MigrationResult,
  ) {
    this.writer = new Writer(doc, options)
    this.meta = doc.getMap('meta')
    this.shapes = doc.getMap('shapes')
    this.tags = doc.getMap('tags')
    this.comments = doc.getMap('comments')
    this.migration = migration
    this.scope = new JobScope(this.writer, project, this.meta)
    this.tagStore = new TagStore(this.scope, this.tags)
    this.commentStore = new CommentStore(
      this.scope,
      this.comments,
      (id) => this.getShape(id) !== undefined,
    )
  }

  /** Writes the meta of a new job into an empty document. */
  static create(
    doc: Y.Doc,
    init: JobInit,
    project: LabelLookup,
    options: WriterOptions = {},
  ): JobDocument {
    const job = new JobDocument(doc, project, options)
    if (readSchemaVersion(doc, 'job') !== undefined) {
      throw new ModelError(ModelErrorCode.invalidDocument, 'expected an empty document', 'meta')
    }
    const projectId = parseWith(idSchema, init.projectId, 'meta.projectId')
    const jobId = parseWith(idSchema, init.jobId, 'meta.jobId')
    job.writer.transact(() => {
      job.meta.set('schemaVersion', SCHEMA_VERSION)
      job.meta.set('projectId', projectId)
      job.meta.set('jobId', jobId)
    })
    return job
  }

  /** Opens an existing job document, migrating it; a newer document opens read-only. */
  static open(doc: Y.Doc, project: LabelLookup, options: WriterOptions = {}): JobDocument {
    const version = readSchemaVersion(doc, 'job')
    if (version === undefined) {
      throw new ModelError(
        ModelErrorCode.invalidDocument,
        'expected a job document, found an empty one',
        'meta',
      )
    }
    const migration = version > SCHEMA_VERSION ? undefined : migrate(doc, 'job')
    return new JobDocument(doc, project, options, migration)
  }

  get readOnly(): boolean {
    return this.writer.readOnly
  }

  get userId(): string {
    return this.writer.userId
  }

  getMeta(): JobMeta {
    const projectId: unknown = this.meta.get('projectId')
    const jobId: unknown = this.meta.get('jobId')
    return {
      schemaVersion: this.writer.schemaVersion ?? 0,
      projectId: typeof projectId === 'string' ? projectId : '',
      jobId: typeof jobId === 'string' ? jobId : '',
    }
  }

  get jobId(): string {
    return this.getMeta().jobId
  }

  // Shapes

  getShape(id: string): ShapeRecord | undefined {
    return readShape(id, this.shapes.get(id))
  }

  /** Shapes bottom to top (zOrder, then id), of one image if given. */
  listShapes(imageId?: string): ShapeRecord[] {
    const out: ShapeRecord[] = []
    this.shapes.forEach((value, id) => {
      const shape = readShape(id, value)
      if (shape && (imageId === undefined || shape.imageId === imageId)) out.push(shape)
    })
    return out.sort(compareShapes)
  }

  addShape(input: ShapeInput): ShapeRecord {
    this.writer.assertWritable()
    const { id, path } = this.scope.newRecordPath('shapes', (input as { id?: unknown } | null)?.id)
    const parsed = parseWith(shapeInputSchema, input, path)
    if (this.shapes.has(id))
      throw new ModelError(ModelErrorCode.duplicate, 'shape id in use', joinPath(path, 'id'))
    this.scope.checkImage(parsed.imageId, joinPath(path, 'imageId'))
    const label = this.scope.requireLabel(parsed.labelId, joinPath(path, 'labelId'))
    if (!labelAllows(label, parsed.type)) {
      throw new ModelError(
        ModelErrorCode.labelTypeMismatch,
        `label ${label.name} (${label.type}) does not allow a ${parsed.type}`,
        joinPath(path, 'labelId'),
      )
    }
    const geometry = validateGeometry(parsed, path, label.skeleton)
    const attributes = fullAttributes(label, parsed.attributes ?? {}, joinPath(path, 'attributes'))
    const zOrder =
      parsed.zOrder ??
      this.listShapes(parsed.imageId).reduce((z, s) => Math.max(z, s.zOrder + 1), 0)
    const now = this.writer.clock()
    const shape: ShapeRecord = {
      id,
      imageId: parsed.imageId,
      labelId: label.id,
      type: parsed.type,
      ...geometry,
      zOrder,
      occluded: parsed.occluded ?? false,
      attributes,
      source: parsed.source ?? 'manual',
      createdBy: this.writer.userId,
      updatedBy: this.writer.userId,
      updatedAt: now,
    }
    this.writer.transact(() => {
      const map = new Y.Map<unknown>()
      this.shapes.set(id, map)
      writeShape(map, shape)
    })
    return shape
  }

  /**
   * Changes some fields of a shape. The result is validated as a whole (geometry against the
   * type, label against the type, attributes against the label), but only the given fields are
   * written. A relabel resets the attributes to the new label's (given values over defaults).
   */
  updateShape(id: string, patch: ShapePatch): ShapeRecord {
    this.writer.assertWritable()
    const path = joinPath('shapes', id)
    const map = this.scope.requireMap(this.shapes, 'shape', id)
    const current = readShape(id, map)
    if (!current)
      throw new ModelError(ModelErrorCode.invalidDocument, 'stored shape is unreadable', path)
    const p = parseWith(shapePatchSchema, patch, path)
    const relabel = p.labelId !== undefined && p.labelId !== current.labelId
    const needsLabel = relabel || p.attributes !== undefined || current.type === 'skeleton'
    const label = needsLabel
      ? this.scope.requireLabel(p.labelId ?? current.labelId, joinPath(path, 'labelId'))
      : undefined
    if (relabel && label && !labelAllows(label, current.type)) {
      throw new ModelError(
        ModelErrorCode.labelTypeMismatch,
        `label ${label.name} (${label.type}) does not allow a ${current.type}`,
        joinPath(path, 'labelId'),
      )
    }
    const touchesGeometry = ['points', 'rotation', 'mask', 'visibility'].some((k) => k in p)
    const geometry = touchesGeometry
      ? validateGeometry(
          {
            type: current.type,
            points: p.points ?? current.points,
            rotation: p.rotation ?? current.rotation,
            mask: p.mask ?? current.mask,
            visibility: p.visibility ?? current.visibility,
          },
          path,
          label?.skeleton,
        )
      : undefined
    const attributesPath = joinPath(path, 'attributes')
    let attributes: Record<string, AttributeValue> | undefined
    let stale: string[] = []
    if (relabel && label) {
      const keep: Record<string, unknown> = {}
      for (const attribute of label.attributes) {
        const old = current.attributes[attribute.id]
        if (old !== undefined) {
          try {
            validateAttributeValues([attribute], { [attribute.id]: old }, attributesPath)
            keep[attribute.id] = old
          } catch {
            // The old value does not fit the new label's attribute: fall back to its default.
          }
        }
      }
      attributes = fullAttributes(label, { ...keep, ...p.attributes }, attributesPath)
      stale = Object.keys(current.attributes).filter((k) => !(k in attributes!))
    } else if (p.attributes !== undefined && label) {
      attributes = validateAttributeValues(label.attributes, p.attributes, attributesPath)
    }
    const now = this.writer.clock()
    this.writer.transact(() => {
      if (relabel && label) map.set('labelId', label.id)
      if (geometry && p.points !== undefined) map.set('points', geometry.points)
      if (geometry && p.rotation !== undefined) map.set('rotation', geometry.rotation)
      if (geometry?.mask && p.mask !== undefined) map.set('mask', geometry.mask)
      if (geometry?.visibility && p.visibility !== undefined)
        map.set('visibility', geometry.visibility)
      if (p.zOrder !== undefined) map.set('zOrder', p.zOrder)
      if (p.occluded !== undefined) map.set('occluded', p.occluded)
      if (attributes) {
        let target = map.get('attributes')
        if (!(target instanceof Y.Map)) {
          target = new Y.Map<unknown>()
          map.set('attributes', target)
        }
        const attributeMap = target as Y.Map<unknown>
        for (const key of stale) attributeMap.delete(key)
        for (const [k, v] of Object.entries(attributes)) {
          if (attributeMap.get(k) !== v) attributeMap.set(k, v)
        }
      }
      this.writer.stamp(map, now)
    })
    return this.getShape(id) as ShapeRecord
  }

  /** Sets one attribute value of a shape. */
  setAttribute(shapeId: string, attributeId: string, value: AttributeValue): ShapeRecord {
    return this.updateShape(shapeId, { attributes: { [attributeId]: value } })
  }

  deleteShape(id: string): void {
    this.writer.assertWritable()
    this.scope.requireMap(this.shapes, 'shape', id)
    this.writer.transact(() => this.shapes.delete(id))
  }

  // Tags

  getTag(id: string): TagRecord | undefined {
    return this.tagStore.getTag(id)
  }

  /** Tags by id, of one image if given. */
  listTags(imageId?: string): TagRecord[] {
    return this.tagStore.listTags(imageId)
  }

  /** Tags an image with a label of type `any`. */
  addTag(input: TagInput): TagRecord {
    return this.tagStore.addTag(input)
  }

  /** Relabels a tag (attributes reset to the new label's) or merges attribute values. */
  updateTag(id: string, patch: TagPatch): TagRecord {
    return this.tagStore.updateTag(id, patch)
  }

  deleteTag(id: string): void {
    this.tagStore.deleteTag(id)
  }

  // Comments

  getComment(id: string): CommentRecord | undefined {
    return this.commentStore.getComment(id)
  }

  /** Comments oldest first, of one image if given. */
  listComments(imageId?: string): CommentRecord[] {
    return this.commentStore.listComments(imageId)
  }

  /** Pins a comment to an image point, optionally about a shape or replying to a comment. */
  addComment(input: CommentInput): CommentRecord {
    return this.commentStore.addComment(input)
  }

  updateComment(id: string, patch: CommentPatch): CommentRecord {
    return this.commentStore.updateComment(id, patch)
  }

  deleteComment(id: string): void {
    this.commentStore.deleteComment(id)
  }

  /** Calls `fn` once after every transaction that changed this job; returns an unsubscribe. */
  onChange(fn: (origin: unknown) => void): () => void {
    const maps = new Set<unknown>([this.meta, this.shapes, this.tags, this.comments])
    const handler = (transaction: Y.Transaction) => {
      for (const type of transaction.changedParentTypes.keys()) {
        if (maps.has(type)) return fn(transaction.origin)
      }
    }
    this.doc.on('afterTransaction', handler)
    return () => this.doc.off('afterTransaction', handler)
  }
}
