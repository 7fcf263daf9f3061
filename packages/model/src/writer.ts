import type * as Y from 'yjs'
import { systemClock, type Clock } from './clock'
import { ModelError, ModelErrorCode } from './errors'
import { isOrigin, Origin } from './origins'
import { SCHEMA_VERSION } from './schema'
import { nameSchema, parseWith } from './validate'

/** Options of a document wrapper: who writes, with which origin, on which clock. */
export interface WriterOptions {
  /** Stamped as `createdBy`/`updatedBy`; defaults to `anonymous`. */
  userId?: string
  /** Origin of every write of this wrapper; defaults to `local`. */
  origin?: Origin
  /** Returns ISO 8601 strings for `updatedAt`; defaults to the system clock. */
  clock?: Clock
}

/** Runs validated writes on a document: transact with a typed origin, stamp who and when. */
export class Writer {
  readonly userId: string
  readonly origin: Origin
  readonly clock: Clock

  constructor(
    readonly doc: Y.Doc,
    options: WriterOptions = {},
  ) {
    this.userId = options.userId ?? 'anonymous'
    if (options.userId !== undefined) parseWith(nameSchema, options.userId, 'options.userId')
    const origin = options.origin ?? Origin.local
    if (!isOrigin(origin)) {
      throw new ModelError(
        ModelErrorCode.invalidInput,
        `expected one of ${Object.values(Origin).join('|')}`,
        'options.origin',
      )
    }
    this.origin = origin
    this.clock = options.clock ?? systemClock
  }

  /** The stored schema version, or undefined when `meta` holds none. */
  get schemaVersion(): number | undefined {
    const version: unknown = this.doc.getMap('meta').get('schemaVersion')
    return typeof version === 'number' ? version : undefined
  }

  /** True when the document was written by newer code: reads work, writes throw. */
  get readOnly(): boolean {
    return (this.schemaVersion ?? 0) > SCHEMA_VERSION
  }

  /** Throws `read_only` when the document is newer than this code. Call before validating. */
  assertWritable(): void {
    if (this.readOnly) {
      throw new ModelError(
        ModelErrorCode.readOnly,
        `document schema version ${this.schemaVersion} is newer than ${SCHEMA_VERSION}; open read-only`,
      )
    }
  }

  /** Runs `fn` in one transaction with this writer's origin. Validate everything before calling. */
  transact<T>(fn: () => T): T {
    this.assertWritable()
    let result: T | undefined
    this.doc.transact(() => {
      result = fn()
    }, this.origin)
    return result as T
  }

  /** Stamps `updatedBy` and `updatedAt` on a record map (inside a transaction). */
  stamp(map: Y.Map<unknown>, now: string): void {
    map.set('updatedBy', this.userId)
    map.set('updatedAt', now)
  }
}
