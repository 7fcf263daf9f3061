import * as Y from 'yjs'
import { validateAttributeValues } from './attributes'
import { ModelError, ModelErrorCode } from './errors'
import { fullAttributes, type JobScope } from './job-scope'
import type { LabelRecord, TagRecord } from './schema'
import {
  readTag,
  tagInputSchema,
  tagPatchSchema,
  writeTag,
  type TagInput,
  type TagPatch,
} from './tags'
import { joinPath, parseWith } from './validate'

function byId(a: { id: string }, b: { id: string }) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The `tags` map of a job document: image-level labels. */
export class TagStore {
  constructor(
    private readonly scope: JobScope,
    private readonly map: Y.Map<unknown>,
  ) {}

  getTag(id: string): TagRecord | undefined {
    return readTag(id, this.map.get(id))
  }

  listTags(imageId?: string): TagRecord[] {
    const out: TagRecord[] = []
    this.map.forEach((value, id) => {
      const tag = readTag(id, value)
      if (tag && (imageId === undefined || tag.imageId === imageId)) out.push(tag)
    })
    return out.sort(byId)
  }

  private requireTagLabel(labelId: string, path: string): LabelRecord {
    const label = this.scope.requireLabel(labelId, path)
    if (label.type !== 'any') {
      throw new ModelError(
        ModelErrorCode.labelTypeMismatch,
        `label ${label.name} (${label.type}) is not for tags`,
        path,
      )
    }
    return label
  }

  /** Tags an image with a label of type `any`. */
  addTag(input: TagInput): TagRecord {
    this.scope.writer.assertWritable()
    const { id, path } = this.scope.newRecordPath('tags', (input as { id?: unknown } | null)?.id)
    const parsed = parseWith(tagInputSchema, input, path)
    if (this.map.has(id))
      throw new ModelError(ModelErrorCode.duplicate, 'tag id in use', joinPath(path, 'id'))
    this.scope.checkImage(parsed.imageId, joinPath(path, 'imageId'))
    const label = this.requireTagLabel(parsed.labelId, joinPath(path, 'labelId'))
    const now = this.scope.writer.clock()
    const tag: TagRecord = {
      id,
      imageId: parsed.imageId,
      labelId: label.id,
      attributes: fullAttributes(label, parsed.attributes ?? {}, joinPath(path, 'attributes')),
      source: parsed.source ?? 'manual',
      createdBy: this.scope.writer.userId,
      updatedBy: this.scope.writer.userId,
      updatedAt: now,
    }
    this.scope.writer.transact(() => {
      const map = new Y.Map<unknown>()
      this.map.set(id, map)
      writeTag(map, tag)
    })
    return tag
  }

  /** Relabels a tag (attributes reset to the new label's) or merges attribute values. */
  updateTag(id: string, patch: TagPatch): TagRecord {
    this.scope.writer.assertWritable()
    const path = joinPath('tags', id)
    const map = this.scope.requireMap(this.map, 'tag', id)
    const current = readTag(id, map)
    if (!current)
      throw new ModelError(ModelErrorCode.invalidDocument, 'stored tag is unreadable', path)
    const p = parseWith(tagPatchSchema, patch, path)
    const relabel = p.labelId !== undefined && p.labelId !== current.labelId
    const label = this.requireTagLabel(p.labelId ?? current.labelId, joinPath(path, 'labelId'))
    const attributesPath = joinPath(path, 'attributes')
    const attributes = relabel
      ? fullAttributes(label, p.attributes ?? {}, attributesPath)
      : validateAttributeValues(label.attributes, p.attributes ?? {}, attributesPath)
    const now = this.scope.writer.clock()
    this.scope.writer.transact(() => {
      if (relabel) {
        map.set('labelId', label.id)
        const fresh = new Y.Map<unknown>()
        map.set('attributes', fresh)
        for (const [k, v] of Object.entries(attributes)) fresh.set(k, v)
      } else if (Object.keys(attributes).length > 0) {
        let target = map.get('attributes')
        if (!(target instanceof Y.Map)) {
          target = new Y.Map<unknown>()
          map.set('attributes', target)
        }
        for (const [k, v] of Object.entries(attributes)) (target as Y.Map<unknown>).set(k, v)
      }
      this.scope.writer.stamp(map, now)
    })
    return this.getTag(id) as TagRecord
  }

  deleteTag(id: string): void {
    this.scope.writer.assertWritable()
    this.scope.requireMap(this.map, 'tag', id)
    this.scope.writer.transact(() => this.map.delete(id))
  }
}
