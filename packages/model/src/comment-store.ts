import * as Y from 'yjs'
import {
  commentInputSchema,
  commentPatchSchema,
  readComment,
  writeComment,
  type CommentInput,
  type CommentPatch,
} from './comments'
import { ModelError, ModelErrorCode } from './errors'
import type { JobScope } from './job-scope'
import type { CommentRecord } from './schema'
import { joinPath, parseWith } from './validate'

function byId(a: { id: string }, b: { id: string }) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The `comments` map of a job document: review issues pinned to image points. */
export class CommentStore {
  constructor(
    private readonly scope: JobScope,
    private readonly map: Y.Map<unknown>,
    private readonly hasShape: (id: string) => boolean,
  ) {}

  getComment(id: string): CommentRecord | undefined {
    return readComment(id, this.map.get(id))
  }

  /** Comments oldest first, of one image if given. */
  listComments(imageId?: string): CommentRecord[] {
    const out: CommentRecord[] = []
    this.map.forEach((value, id) => {
      const comment = readComment(id, value)
      if (comment && (imageId === undefined || comment.imageId === imageId)) out.push(comment)
    })
    return out.sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : byId(a, b),
    )
  }

  addComment(input: CommentInput): CommentRecord {
    this.scope.writer.assertWritable()
    const { id, path } = this.scope.newRecordPath(
      'comments',
      (input as { id?: unknown } | null)?.id,
    )
    const parsed = parseWith(commentInputSchema, input, path)
    if (this.map.has(id))
      throw new ModelError(ModelErrorCode.duplicate, 'comment id in use', joinPath(path, 'id'))
    this.scope.checkImage(parsed.imageId, joinPath(path, 'imageId'))
    if (parsed.shapeId !== undefined && !this.hasShape(parsed.shapeId)) {
      throw new ModelError(ModelErrorCode.notFound, 'no such shape', joinPath(path, 'shapeId'))
    }
    if (
      parsed.replyTo !== undefined &&
      this.getComment(parsed.replyTo)?.imageId !== parsed.imageId
    ) {
      throw new ModelError(
        ModelErrorCode.notFound,
        'no such comment on this image',
        joinPath(path, 'replyTo'),
      )
    }
    const now = this.scope.writer.clock()
    const comment: CommentRecord = {
      id,
      imageId: parsed.imageId,
      position: parsed.position,
      text: parsed.text,
      resolved: false,
      createdBy: this.scope.writer.userId,
      createdAt: now,
      updatedBy: this.scope.writer.userId,
      updatedAt: now,
    }
    if (parsed.shapeId !== undefined) comment.shapeId = parsed.shapeId
    if (parsed.replyTo !== undefined) comment.replyTo = parsed.replyTo
    this.scope.writer.transact(() => {
      const map = new Y.Map<unknown>()
      this.map.set(id, map)
      writeComment(map, comment)
    })
    return comment
  }

  updateComment(id: string, patch: CommentPatch): CommentRecord {
    this.scope.writer.assertWritable()
    const path = joinPath('comments', id)
    const map = this.scope.requireMap(this.map, 'comment', id)
    const p = parseWith(commentPatchSchema, patch, path)
    const now = this.scope.writer.clock()
    this.scope.writer.transact(() => {
      if (p.text !== undefined) map.set('text', p.text)
      if (p.resolved !== undefined) map.set('resolved', p.resolved)
      if (p.position !== undefined) map.set('position', p.position)
      this.scope.writer.stamp(map, now)
    })
    return this.getComment(id) as CommentRecord
  }

  deleteComment(id: string): void {
    this.scope.writer.assertWritable()
    this.scope.requireMap(this.map, 'comment', id)
    this.scope.writer.transact(() => this.map.delete(id))
  }
}
