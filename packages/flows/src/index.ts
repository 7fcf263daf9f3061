export {
  ACTIVE_STATES,
  ALL_STATES,
  CLAIMABLE_STATES,
  FINAL_STATES,
  StateType,
  TERMINAL_STATES,
  TRANSITIONS,
  TransitionError,
  TransitionRefusal,
  checkTransition,
} from './states'
export type { RunStateView, TransitionCheck, TransitionRequest } from './states'
export { FakeClock, sleep, systemClock } from './clock'
export type { Clock } from './clock'
export { seededRandom } from './random'
export type { Random } from './random'
export { exponentialBackoff, retryDelayMs } from './retry'
export type { RetryDelay, RetryDelayFn, RetryOptions } from './retry'
export {
  decodeCacheValue,
  defaultCacheKey,
  encodeCacheValue,
  hashText,
  isFresh,
  isPlainJson,
  stableStringify,
} from './cache'
export type { CacheEntry, CacheOptions } from './cache'
export { CancelledError, FlowError, FlowErrorCode, TimeoutError, errorMessage } from './errors'
export { FlowRegistry, flow, formatIssues, task } from './define'
export type { FlowDefinition, FlowOptions, TaskDefinition, TaskEntry, TaskOptions } from './define'
export { MemoryArtifactFiles } from './context'
export type {
  ArtifactFiles,
  Artifacts,
  FileArtifactInput,
  FlowContext,
  Logger,
  RunContext,
  TaskContext,
} from './context'
export { inlineExecutor, raceAbort } from './executor'
export type { ExecuteRequest, Executor } from './executor'
export { executeFlowRun } from './engine'
export type { Engine, FlowEvent } from './engine'
export { decodeCursor, encodeCursor } from './store'
export type {
  Artifact,
  ArtifactType,
  ClaimRequest,
  ExpiredRunsRequest,
  FlowRun,
  FlowStore,
  HeartbeatRequest,
  Lease,
  LeaseRequest,
  LogEntry,
  LogLevel,
  NewRun,
  RunFilter,
  RunKind,
  RunPage,
  RunPatch,
  RunProgress,
  ScheduleRunsRequest,
  ScheduleRunsResult,
  StateRecord,
  StoreTransitionRequest,
  TransitionResult,
} from './store'
export { applyTransition, decideTransition, materializeRun } from './store-rules'
export { MemoryFlowStore } from './memory-store'
export { missedRunPolicySchema, scheduleSchema } from './deployment'
export type { Deployment, MissedRunPolicy, Schedule } from './deployment'
export {
  ScheduleError,
  latestOccurrences,
  occurrencesBetween,
  scheduledRunKey,
  validateSchedule,
} from './schedule'
export { plannedRuns, scheduleDeployments } from './scheduler'
export type { ScheduleTickResult, SchedulerOptions } from './scheduler'
export { createDeployment, runDeploymentNow, updateDeployment } from './deployments'
export type { DeploymentChanges, DeploymentInput } from './deployments'
export { cancelRun, submitFlowRun } from './submit'
export type { SubmitOptions } from './submit'
export { Runner } from './runner'
export type { RunnerOptions, TickResult } from './runner'
export { newId } from './platform'
export type { AbortControllerLike, AbortSignalLike } from './platform'
