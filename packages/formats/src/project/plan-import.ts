// The neutral dataset → changes to a project's documents (import side). Planned on scratch
// copies through the document model, so every write is validated; nothing touches the caller's
// documents, and any error means no plan at all (all-or-nothing).

import type { Dataset } from '../dataset'
import type { ImportPlan, ImportTarget, PlanImportOptions } from './types'

export async function planImport(
  dataset: Dataset,
  target: ImportTarget,
  options: PlanImportOptions = {},
): Promise<ImportPlan> {
  void dataset
  void target
  void options
  await Promise.resolve()
  throw new Error('planImport is not built yet')
}
