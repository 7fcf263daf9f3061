export { projectToDataset } from './to-dataset'
export { planImport } from './plan-import'
export type {
  ImportPlan,
  ImportSummary,
  ImportTarget,
  NewImage,
  PlanImportOptions,
  ProjectToDatasetOptions,
  RoomUpdate,
  SubsetMode,
} from './types'
