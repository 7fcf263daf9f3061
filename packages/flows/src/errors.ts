export const FlowErrorCode = {
  InvalidParameters: 'invalid_parameters',
  UnknownFlow: 'unknown_flow',
  Timeout: 'timeout',
  Cancelled: 'cancelled',
  TaskFailed: 'task_failed',
  SubflowFailed: 'subflow_failed',
  InvalidDefinition: 'invalid_definition',
  NotFound: 'not_found',
} as const
export type FlowErrorCode = (typeof FlowErrorCode)[keyof typeof FlowErrorCode]

export class FlowError extends Error {
  override name = 'FlowError'
  constructor(
    readonly code: FlowErrorCode,
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The abort reason when a run is cancelled. */
export class CancelledError extends FlowError {
  override name = 'CancelledError'
  constructor(message = 'cancelled') {
    super('cancelled', message)
  }
}

/** The abort reason when a run or task exceeds its timeout. */
export class TimeoutError extends FlowError {
  override name = 'TimeoutError'
  constructor(seconds: number) {
    super('timeout', `timed out after ${seconds} s`)
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
