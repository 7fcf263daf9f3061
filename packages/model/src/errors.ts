/** Error codes of the document model. Stable strings: the UI and the server switch on them. */
export const ModelErrorCode = {
  /** A value has the wrong type, shape or range. */
  invalidInput: 'invalid_input',
  /** Geometry (`points`, `mask`, `visibility`) does not fit the shape type. */
  invalidGeometry: 'invalid_geometry',
  /** A `labelId` names no label of the project. */
  unknownLabel: 'unknown_label',
  /** The label's `type` does not allow this shape type. */
  labelTypeMismatch: 'label_type_mismatch',
  /** An attribute id is not declared by the label. */
  unknownAttribute: 'unknown_attribute',
  /** An attribute value does not fit the attribute's type or values. */
  invalidAttributeValue: 'invalid_attribute_value',
  /** An `imageId` names no image of the project (or of this job). */
  unknownImage: 'unknown_image',
  /** The id names nothing in the document. */
  notFound: 'not_found',
  /** The id (or a unique name) is already taken. */
  duplicate: 'duplicate',
  /** The document was written by newer code; this code may read it but not write it. */
  readOnly: 'read_only',
  /** The document is not a document of this kind (or holds nothing yet). */
  invalidDocument: 'invalid_document',
  /** A migration step failed; the document was left as it was. */
  migrationFailed: 'migration_failed',
} as const

export type ModelErrorCode = (typeof ModelErrorCode)[keyof typeof ModelErrorCode]

/** A rejected write or an unreadable document. `path` names the offending field, e.g. `shapes.s1.points`. */
export class ModelError extends Error {
  override name = 'ModelError'
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(path === undefined ? message : `${path}: ${message}`)
  }
}
