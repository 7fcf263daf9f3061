import * as Y from 'yjs'
import { z } from 'zod'
import type { FlowStore } from '@loupe/flows'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { isValidId, jobRoom, projectRoom } from '@loupe/sync-protocol'
import type { Logger } from '../../logger'
import type { RoomAccess } from '../../relay/room-access'
import type { BlobStore, MetaStore } from '../../storage/types'
import type { DirArtifactFiles } from '../artifact-files'

/** What the built-in flows work on: the live rooms, blobs, metadata and the flow store. */
export interface BuiltinDeps {
  rooms: RoomAccess
  blobs: BlobStore
  meta: MetaStore
  files: DirArtifactFiles
  store: FlowStore
  logger: Logger
}

/** Every built-in flow names the project it works on (the REST API authorizes by it). */
export const projectIdSchema = z.string().refine(isValidId, 'expected a project id')

/** A copy of a room's current state (reads never hold the room). */
export async function snapshotRoom(rooms: RoomAccess, room: string): Promise<Y.Doc> {
  const state = await rooms.read(room, (doc) => Y.encodeStateAsUpdate(doc))
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

export async function requireProject(deps: BuiltinDeps, projectId: string) {
  const record = await deps.meta.getProject(projectId)
  if (!record) throw new Error(`no project ${projectId}`)
  const doc = await snapshotRoom(deps.rooms, projectRoom(projectId))
  return { record, doc, project: ProjectDocument.open(doc) }
}

/** The job's document, or null when nobody opened the job yet (it then has no annotations). */
export async function openJob(
  deps: BuiltinDeps,
  project: ProjectDocument,
  projectId: string,
  jobId: string,
): Promise<{ doc: Y.Doc; job: JobDocument } | null> {
  const doc = await snapshotRoom(deps.rooms, jobRoom(projectId, jobId))
  if (doc.getMap('meta').size === 0) return null
  return { doc, job: JobDocument.open(doc, project) }
}

/** A name for files made from a project, e.g. `Birds` → `Birds`. */
export const fileStem = (name: string, fallback: string) =>
  (name || fallback).replace(/[^A-Za-z0-9._-]+/g, '_')

/** Throws the signal's reason when the run was cancelled or timed out: checked between steps. */
export function checkAborted(signal: { aborted: boolean; reason: unknown }): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted')
}
