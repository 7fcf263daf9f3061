import type { FlowDefinition, TaskDefinition } from './define'
import type { AbortSignalLike } from './platform'
import type { Artifact, LogLevel } from './store'

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
}

export interface FileArtifactInput {
  name: string
  mimeType: string
  data: Uint8Array
  description?: string
}

export interface Artifacts {
  markdown(key: string, markdown: string, description?: string): Promise<Artifact>
  /** Rows of plain values; the first row's keys name the columns. */
  table(
    key: string,
    rows: readonly Record<string, unknown>[],
    description?: string,
  ): Promise<Artifact>
  link(key: string, url: string, text?: string, description?: string): Promise<Artifact>
  /** Bytes go to the host's ArtifactFiles; the artifact records name, type, size and ref. */
  file(key: string, file: FileArtifactInput): Promise<Artifact>
}

/** What every flow and task function receives. */
export interface RunContext {
  readonly runId: string
  /** The top-level flow run. */
  readonly rootId: string
  readonly name: string
  /** 1 on the first attempt. */
  readonly attempt: number
  /** Aborted on cancel or timeout; long work should check it or pass it on. */
  readonly signal: AbortSignalLike
  readonly log: Logger
  /** Reports progress (fraction 0…1) of the top-level run; stored and sent to listeners. */
  progress(fraction: number, message?: string): void
  readonly artifacts: Artifacts
  now(): number
  /** Waits on the engine's clock; rejects when the run is cancelled or times out. */
  sleep(ms: number): Promise<void>
}

export type TaskContext = RunContext

export interface FlowContext extends RunContext {
  /** Runs a task as a task run of this flow run (retries, cache, timeout, tags applied). */
  run<I, R>(task: TaskDefinition<I, R>, input: I): Promise<R>
  /** Runs another flow as a child flow run, inline, and returns its result. */
  subflow<P, R>(flow: FlowDefinition<P, R>, params: P): Promise<R>
}

/** Bytes of file artifacts; the server stores them in its blob folder. */
export interface ArtifactFiles {
  put(rootId: string, name: string, data: Uint8Array): Promise<string>
}

export class MemoryArtifactFiles implements ArtifactFiles {
  readonly files = new Map<string, Uint8Array>()
  put(rootId: string, name: string, data: Uint8Array): Promise<string> {
    const ref = `memory:${rootId}/${this.files.size}/${name}`
    this.files.set(ref, data)
    return Promise.resolve(ref)
  }
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error']
