import type { z } from 'zod'
import { isPlainJson } from './cache'
import type { CacheOptions } from './cache'
import type { FlowContext, TaskContext } from './context'
import { FlowError } from './errors'
import type { RetryOptions } from './retry'

interface RunOptions extends RetryOptions {
  /** Aborts the run's signal and ends it as Failed (retried per policy) after this long. */
  timeoutSeconds?: number
  /** Concurrency limits by tag: a run holds one lease per limited tag while it runs. */
  tags?: readonly string[]
  description?: string
}

export interface FlowOptions<P> extends RunOptions {
  /** Validates (and types) parameters at submission; without it they must be plain JSON. */
  parameters?: z.ZodType<P>
  version?: string
  /**
   * The flow decides how long its files live (backups keep the newest N): run retention keeps a
   * run of it while any of its file artifacts still exists.
   */
  keepsOwnFiles?: boolean
}

export interface FlowDefinition<P = unknown, R = unknown> {
  readonly kind: 'flow'
  readonly name: string
  /** A method, so a definition of specific parameters is still a `FlowDefinition`. */
  fn(params: P, ctx: FlowContext): R | Promise<R>
  readonly options: FlowOptions<P>
  /** Parses parameters or throws FlowError('invalid_parameters') naming the path. */
  parse(input: unknown): P
}

/** Where an isolated task's function lives, so an Executor can run it in a killable worker. */
export interface TaskEntry {
  /** Module URL or path the executor can import. */
  module: string
  exportName: string
}

export interface TaskOptions<I> extends RunOptions, CacheOptions<I> {
  name?: string
  /** Run through the engine's Executor (e.g. a worker thread the server can terminate). */
  entry?: TaskEntry
}

export interface TaskDefinition<I = unknown, R = unknown> {
  readonly kind: 'task'
  readonly name: string
  fn(input: I, ctx: TaskContext): R | Promise<R>
  readonly options: TaskOptions<I>
}

/** `a.b[3]: message` for each issue. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      let path = ''
      for (const part of issue.path) {
        path += typeof part === 'number' ? `[${part}]` : path ? `.${String(part)}` : String(part)
      }
      return `${path || '(root)'}: ${issue.message}`
    })
    .join('; ')
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** Defines a flow: a plain function of validated parameters and a run context. */
export function flow<P = Record<string, unknown>, R = unknown>(
  name: string,
  fn: (params: P, ctx: FlowContext) => R | Promise<R>,
  options: FlowOptions<P> = {},
): FlowDefinition<P, R> {
  if (!NAME.test(name)) {
    throw new FlowError('invalid_definition', `flow name ${JSON.stringify(name)} is not valid`)
  }
  const schema = options.parameters
  return {
    kind: 'flow',
    name,
    fn,
    options,
    parse(input) {
      if (!schema) {
        const value = input ?? {}
        if (typeof value !== 'object' || Array.isArray(value) || !isPlainJson(value)) {
          throw new FlowError('invalid_parameters', 'parameters: expected an object of plain JSON')
        }
        return (input ?? {}) as P
      }
      const result = schema.safeParse(input ?? {})
      if (!result.success) {
        const path = result.error.issues[0]?.path.join('.')
        throw new FlowError('invalid_parameters', formatIssues(result.error), path)
      }
      return result.data
    },
  }
}

/** Defines a task: a plain function of one input, run inside a flow with `ctx.run(task, input)`. */
export function task<I = void, R = unknown>(
  fn: (input: I, ctx: TaskContext) => R | Promise<R>,
  options: TaskOptions<I> = {},
): TaskDefinition<I, R> {
  const name = options.name ?? fn.name
  if (!name && (options.cache || options.cacheKey)) {
    throw new FlowError('invalid_definition', 'a cached task needs a name (options.name)')
  }
  return { kind: 'task', name: name || 'task', fn, options }
}

/** The flows a runner can execute, by name. */
export class FlowRegistry {
  readonly #flows = new Map<string, FlowDefinition>()

  constructor(flows: readonly FlowDefinition[] = []) {
    for (const f of flows) this.register(f)
  }

  register(definition: FlowDefinition): void {
    if (this.#flows.has(definition.name)) {
      throw new FlowError('invalid_definition', `flow ${definition.name} is already registered`)
    }
    this.#flows.set(definition.name, definition as unknown as FlowDefinition)
  }

  get(name: string): FlowDefinition | undefined {
    return this.#flows.get(name)
  }

  require(name: string): FlowDefinition {
    const found = this.#flows.get(name)
    if (!found) throw new FlowError('unknown_flow', `no flow named ${name}`)
    return found
  }

  names(): string[] {
    return [...this.#flows.keys()].sort()
  }

  list(): FlowDefinition[] {
    return this.names().map((n) => this.require(n))
  }
}
