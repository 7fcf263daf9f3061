import type * as Y from 'yjs'
import { RejectionCode } from '@loupe/sync-protocol'
import type { RoomName } from '@loupe/sync-protocol'
import type { Role } from '../auth/tokens'
import { RelayRejection } from './errors'
import type { DecodedUpdate } from './protocol'
import { StructRoots } from './struct-roots'
import type { UpdateEffect } from './update-effect'

/** Root types of the project document an annotator may write (DESIGN.md §2: image records). */
const ANNOTATOR_PROJECT_ROOTS: ReadonlySet<string> = new Set(['images'])

/** What a role may write in a room: everything, nothing, or only some root types. */
export type WriteAccess =
  { kind: 'all' } | { kind: 'none' } | { kind: 'roots'; roots: ReadonlySet<string> }

export function writeAccess(role: Role, room: RoomName): WriteAccess {
  if (role === 'viewer') return { kind: 'none' }
  if (role === 'annotator' && room.kind === 'project') {
    return { kind: 'roots', roots: ANNOTATOR_PROJECT_ROOTS }
  }
  return { kind: 'all' }
}

const forbidden = (message: string) =>
  new RelayRejection(RejectionCode.forbiddenField, message, null)

/**
 * Throws a RelayRejection unless the update's effect is allowed. An update that changes nothing
 * is always allowed (readers send an empty sync step 2 after connecting).
 */
export function checkWrite(
  access: WriteAccess,
  doc: Y.Doc,
  update: DecodedUpdate,
  effect: UpdateEffect,
): void {
  if (access.kind === 'all') return
  if (access.kind === 'none') {
    throw new RelayRejection(RejectionCode.readOnly, 'this token may only read this room', null)
  }
  const roots = new StructRoots(doc, update)
  const allowed = (root: ReturnType<StructRoots['rootOf']>) =>
    root.kind === 'collected' || (root.kind === 'root' && access.roots.has(root.name))
  const describe = (root: ReturnType<StructRoots['rootOf']>) =>
    root.kind === 'root' ? `"${root.name}"` : 'an unknown place'
  for (const struct of effect.newStructs) {
    const root = roots.rootOf(struct)
    if (!allowed(root)) throw forbidden(`this token may not write to ${describe(root)}`)
  }
  for (const item of effect.deletedItems) {
    const root = roots.rootOf(item)
    if (!allowed(root)) throw forbidden(`this token may not delete from ${describe(root)}`)
  }
  for (const range of effect.unknownDeletes) {
    if (!roots.coveredByUpdate(range.client, range.clock, range.len)) {
      throw forbidden('this token may not delete content the room does not have')
    }
  }
}
