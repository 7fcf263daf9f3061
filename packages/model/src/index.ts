export { ModelError, ModelErrorCode } from './errors'
export { Origin, isOrigin } from './origins'
export { ID_PATTERN, isId, newId } from './ids'
export { naturalCompare } from './natural'
export type { Clock } from './clock'
export {
  SCHEMA_VERSION,
  SHAPE_TYPES,
  LABEL_TYPES,
  ATTRIBUTE_TYPES,
  JOB_STATES,
  SHAPE_SOURCES,
  NODE_VISIBILITIES,
} from './schema'
export type {
  ShapeType,
  LabelType,
  AttributeType,
  JobState,
  ShapeSource,
  NodeVisibility,
  AttributeValue,
  AttributeRecord,
  SkeletonDefinition,
  LabelRecord,
  ImageRecord,
  JobRecord,
  Rle,
  ShapeRecord,
  TagRecord,
  CommentRecord,
} from './schema'
export type { AttributeInput } from './attributes'
export { LABEL_PALETTE } from './labels'
export type { LabelInput, LabelPatch } from './labels'
export type { ImageInput } from './images'
export { DEFAULT_JOB_SIZE } from './jobs'
export type { JobPatch } from './jobs'
export type { ShapeInput, ShapePatch } from './shapes'
export type { TagInput, TagPatch } from './tags'
export type { CommentInput, CommentPatch } from './comments'
export { validateGeometry, validatePoints, validateRle } from './geometry'
export type { WriterOptions } from './writer'
export { ProjectDocument } from './project'
export type { LabelLookup, ProjectInit, ProjectMeta } from './project'
export { JobDocument } from './job'
export type { JobInit, JobMeta } from './job'
export { LocalUndoManager, createLocalUndoManager } from './undo'
export type { LocalUndoOptions } from './undo'
export { MIGRATIONS, migrate, readSchemaVersion } from './migrations'
export type { DocumentKind, Migration, MigrationResult } from './migrations'
