import * as Y from 'yjs'
import { ModelError, ModelErrorCode } from './errors'
import { Origin } from './origins'
import { SCHEMA_VERSION } from './schema'

export type DocumentKind = 'project' | 'job'

/** The top-level maps of each kind of document (besides `meta`). */
export const DOCUMENT_MAPS: Record<DocumentKind, readonly string[]> = {
  project: ['labels', 'images', 'jobs'],
  job: ['shapes', 'tags', 'comments'],
}

/** One named step from `from` to `from + 1`. Steps must be deterministic: peers may run them concurrently. */
export interface Migration {
  name: string
  from: number
  up(doc: Y.Doc, kind: DocumentKind): void
}

function renameKey(map: Y.Map<unknown>, from: string, to: string) {
  if (!map.has(from)) return
  if (!map.has(to)) map.set(to, map.get(from))
  map.delete(from)
}

function eachEntry(doc: Y.Doc, name: string, fn: (entry: Y.Map<unknown>) => void) {
  doc.getMap(name).forEach((value) => {
    if (value instanceof Y.Map) fn(value as Y.Map<unknown>)
  })
}

function attributesToYMap(entry: Y.Map<unknown>) {
  const attributes = entry.get('attributes')
  if (attributes instanceof Y.Map) return
  const map = new Y.Map<unknown>()
  if (typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes)) {
    for (const [k, v] of Object.entries(attributes)) map.set(k, v)
  }
  entry.set('attributes', map)
}

/**
 * Version 0 (before `meta.schemaVersion` existed) → 1. The v0 layout used `colour` on labels,
 * `job` on images and `label` on shapes and tags; it stored shape geometry as a Y.Array (whose
 * concurrent edits interleave vertices) and attribute values as a plain object (whose
 * concurrent edits overwrite each other). Version 1 is DESIGN.md §2.
 */
const legacyFieldNames: Migration = {
  name: 'v1-design-field-names-plain-geometry',
  from: 0,
  up(doc, kind) {
    if (kind === 'project') {
      eachEntry(doc, 'labels', (label) => renameKey(label, 'colour', 'color'))
      eachEntry(doc, 'images', (image) => renameKey(image, 'job', 'jobId'))
      return
    }
    eachEntry(doc, 'shapes', (shape) => {
      renameKey(shape, 'label', 'labelId')
      const points = shape.get('points')
      if (points instanceof Y.Array) shape.set('points', points.toArray())
      attributesToYMap(shape)
    })
    eachEntry(doc, 'tags', (tag) => {
      renameKey(tag, 'label', 'labelId')
      attributesToYMap(tag)
    })
  },
}

/** Append-only: never edit or reorder a released step; add a new one and bump SCHEMA_VERSION. */
export const MIGRATIONS: readonly Migration[] = [legacyFieldNames]

/**
 * The schema version stored in `meta`: a number, 0 for a legacy document with content but no
 * version, undefined for an empty document.
 */
export function readSchemaVersion(doc: Y.Doc, kind: DocumentKind): number | undefined {
  const meta = doc.getMap('meta')
  const version: unknown = meta.get('schemaVersion')
  if (typeof version === 'number' && Number.isInteger(version) && version >= 0) return version
  if (meta.size > 0) return 0
  return DOCUMENT_MAPS[kind].some((name) => doc.getMap(name).size > 0) ? 0 : undefined
}

export interface MigrationResult {
  from: number
  to: number
  /** Names of the steps run, in order. */
  applied: string[]
}

function stepsFrom(version: number, target: number, migrations: readonly Migration[]) {
  const steps: Migration[] = []
  for (let v = version; v < target; v++) {
    const step = migrations.find((m) => m.from === v)
    if (!step) {
      throw new ModelError(
        ModelErrorCode.migrationFailed,
        `no migration from version ${v}`,
        'meta.schemaVersion',
      )
    }
    steps.push(step)
  }
  return steps
}

function runSteps(doc: Y.Doc, kind: DocumentKind, steps: readonly Migration[]) {
  const meta = doc.getMap('meta')
  for (const step of steps) {
    step.up(doc, kind)
    meta.set('schemaVersion', step.from + 1)
  }
}

/**
 * Brings a document up to `target` in ONE transaction with the `migration` origin. The steps
 * are first run on a scratch copy, so a failing step throws before the document is touched
 * (Yjs cannot roll a transaction back). A document at or above `target` is left alone.
 */
export function migrate(
  doc: Y.Doc,
  kind: DocumentKind,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): MigrationResult {
  const from = readSchemaVersion(doc, kind)
  if (from === undefined) {
    throw new ModelError(
      ModelErrorCode.invalidDocument,
      `expected a ${kind} document, found an empty one`,
      'meta',
    )
  }
  if (from >= target) return { from, to: from, applied: [] }
  const steps = stepsFrom(from, target, migrations)
  const scratch = new Y.Doc()
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
  try {
    scratch.transact(() => runSteps(scratch, kind, steps), Origin.migration)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new ModelError(
      ModelErrorCode.migrationFailed,
      `migration failed: ${message}`,
      'meta.schemaVersion',
    )
  } finally {
    scratch.destroy()
  }
  doc.transact(() => runSteps(doc, kind, steps), Origin.migration)
  return { from, to: target, applied: steps.map((s) => s.name) }
}
