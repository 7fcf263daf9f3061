import type { FlowDefinition } from '@loupe/flows'
import { autoAnnotateFlow } from './auto-annotate'
import { backupFlow } from './backup'
import type { BuiltinDeps } from './common'
import { exportFlow } from './export'
import { reportFlow } from './report'

export type { BuiltinDeps } from './common'
export { AUTO_ANNOTATE_USER } from './auto-annotate'
export { storeModel } from './model-source'

/** The flows every server has: export, backup, report, auto-annotate (DESIGN.md §6). */
export function builtinFlows(deps: BuiltinDeps, artifactDir: string): FlowDefinition[] {
  return [
    exportFlow(deps),
    backupFlow(deps),
    reportFlow(deps),
    autoAnnotateFlow(deps, artifactDir),
  ] as unknown as FlowDefinition[]
}
