import { attempt } from './attempt'
import type { Engine, Scope } from './attempt'
import type { FlowDefinition } from './define'
import { LogWriter } from './log-writer'
import type { AbortSignalLike } from './platform'
import { flowContext } from './run-context'
import type { FlowRun } from './store'

export type { Engine, FlowEvent } from './attempt'

/**
 * Executes a claimed (Pending) top-level flow run once. It never sleeps for a retry: a failed
 * attempt with retries left is stored as AwaitingRetry with its next time, for any runner to
 * claim when due. Resolves when the run is left in a state; never rejects for the flow's own errors.
 */
export async function executeFlowRun(
  engine: Engine,
  run: FlowRun,
  definition: FlowDefinition,
  outer: AbortSignalLike,
): Promise<void> {
  const scope: Scope = {
    rootId: run.id,
    logs: new LogWriter(engine.store, engine.clock, run.id, (entry) =>
      engine.emit({ type: 'log', entry }),
    ),
    lastProgressAt: -Infinity,
  }
  try {
    await attempt(engine, scope, run, definition.options, 'stored', outer, async (signal, n) =>
      definition.fn(definition.parse(run.parameters), flowContext(engine, scope, run, n, signal)),
    )
  } catch {
    // Recorded in the run's state.
  } finally {
    await scope.logs.flush()
  }
}
