import type { FlowRegistry, FlowRun, FlowStore } from '@loupe/flows'
import type { Logger } from '../logger'
import { isFileArtifactData } from './artifact-files'
import type { DirArtifactFiles } from './artifact-files'

const DAY_MS = 86_400_000
const PAGE = 200

export interface RunRetention {
  /** Ended runs older than this many days go; 0: no age limit. */
  days: number
  /** A deployment keeps its newest this many ended runs; 0: no count limit. */
  perDeployment: number
}

export interface PruneResult {
  runs: number
  files: number
}

interface PruneDeps {
  store: FlowStore
  files: DirArtifactFiles
  flows: FlowRegistry
  logger: Logger
}

/**
 * Deletes the ended runs `retention` no longer keeps, with their task runs, logs and files (files
 * first: a run is never left pointing at a file deleted under it, only the reverse if this stops
 * half way, which the next pass finishes). Runs of a flow that keeps its own files (backups) stay
 * while one of their files exists. Safe to run on several instances at once.
 */
export async function pruneRuns(
  deps: PruneDeps,
  retention: RunRetention,
  now = Date.now(),
): Promise<PruneResult> {
  const result: PruneResult = { runs: 0, files: 0 }
  /** Deletes what may go; returns how many of `runs` were kept. */
  const prune = async (runs: readonly FlowRun[]): Promise<number> => {
    const doomed: string[] = []
    for (const run of runs) {
      const files = (await deps.store.listArtifacts(run.id)).flatMap((artifact) =>
        artifact.type === 'file' && isFileArtifactData(artifact.data) ? [artifact.data.ref] : [],
      )
      if (deps.flows.get(run.name)?.options.keepsOwnFiles) {
        const present = await Promise.all(files.map((ref) => deps.files.exists(ref)))
        if (present.some(Boolean)) continue
      }
      for (const ref of files) if (await deps.files.remove(ref)) result.files++
      doomed.push(run.id)
    }
    const deleted = (await deps.store.deleteRuns(doomed)).length
    result.runs += deleted
    return runs.length - deleted // kept, or started again since it was listed
  }

  if (retention.days > 0) {
    const endedBefore = now - retention.days * DAY_MS
    let after: { endedAt: number; id: string } | undefined
    for (;;) {
      const page = await deps.store.listExpiredRuns({ endedBefore, after, limit: PAGE })
      await prune(page)
      const last = page[page.length - 1]
      if (page.length < PAGE || !last) break
      after = { endedAt: last.endedAt ?? 0, id: last.id }
    }
  }
  if (retention.perDeployment > 0) {
    for (const deployment of await deps.store.listDeployments()) {
      let kept = 0
      for (;;) {
        const page = await deps.store.listExpiredRuns({
          beyond: { deploymentId: deployment.id, keep: retention.perDeployment + kept },
          limit: PAGE,
        })
        kept += await prune(page)
        if (page.length < PAGE) break
      }
    }
  }
  if (result.runs > 0) deps.logger.info('flows: retention deleted ended runs', { ...result })
  return result
}
