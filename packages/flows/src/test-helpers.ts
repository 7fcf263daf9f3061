import { FakeClock } from './clock'
import { FlowRegistry } from './define'
import type { FlowDefinition } from './define'
import { MemoryFlowStore } from './memory-store'
import { seededRandom } from './random'
import { Runner } from './runner'
import type { RunnerOptions } from './runner'
import type { FlowStore } from './store'

export const T0 = Date.UTC(2026, 0, 1)

/** A runner on a fake clock and a memory store, polling and heartbeating only when told. */
export function harness(
  flows: readonly FlowDefinition[],
  options: Partial<RunnerOptions> & { store?: FlowStore; clock?: FakeClock } = {},
) {
  const clock = options.clock ?? new FakeClock(T0)
  const store = options.store ?? new MemoryFlowStore()
  const registry = new FlowRegistry(flows)
  const runner = new Runner({
    scheduler: false,
    random: seededRandom(7),
    ...options,
    store,
    clock,
    flows: registry,
  })
  const states = async (id: string) => (await store.history(id)).map((h) => h.state)
  return { clock, store, runner, registry, states }
}

/** A promise and its resolve, for work the test releases by hand. */
export function gate<T = void>() {
  let open!: (value: T) => void
  const promise = new Promise<T>((resolve) => (open = resolve))
  return { promise, open }
}
