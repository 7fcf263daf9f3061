export { DEFAULT_SUBSET, subsetsOf } from './dataset'
export type {
  Dataset,
  DatasetAnnotation,
  DatasetAttribute,
  DatasetImage,
  DatasetLabel,
  DatasetTag,
} from './dataset'
export { CancelledError, FormatError, jsonPath, throwIfCancelled } from './errors'
export {
  FileTree,
  basename,
  decodeText,
  extensionOf,
  isImagePath,
  lineColumn,
  normalizePath,
  parseJson,
  parseWithSchema,
  stripExtension,
} from './files'
export type {
  CancelSignal,
  ExportReport,
  FormatCapabilities,
  FormatId,
  FormatModule,
  ProgressInfo,
  ReadOptions,
  ReportEntry,
  WriteOptions,
} from './format'
export { exportReport } from './report'
export { detectFormat, getFormat, listFormats, registerFormat } from './registry'
export type { Detection } from './registry'
export { BUILTIN_FORMATS } from './builtin'
export { planImport, projectToDataset } from './project'
export type {
  ImportPlan,
  ImportSummary,
  ImportTarget,
  NewImage,
  PlanImportOptions,
  ProjectToDatasetOptions,
  RoomUpdate,
  SubsetMode,
} from './project'
