// What the SAM worker's error codes mean to a user: a short title; the worker's message (which
// names the missing input, the wrong shape, the HTTP status) follows it.

import { SamClientError } from '../../../worker/src/sam-client'

const TITLES: Record<string, string> = {
  'invalid-model': 'Not a usable ONNX model',
  'incompatible-model': 'Not a supported SAM export',
  'checksum-mismatch': 'The model file does not match its checksum',
  download: 'Download failed',
  timeout: 'Took too long',
  'bad-prompt': 'The prompt cannot be used',
  'not-ready': 'Not ready',
  cancelled: 'Cancelled',
  worker: 'The SAM worker stopped',
  failed: 'Segment Anything failed',
}

export function describeSamError(error: unknown): { code: string; title: string; message: string } {
  if (error instanceof SamClientError)
    return { code: error.code, title: TITLES[error.code] ?? 'Error', message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'failed', title: TITLES.failed!, message }
}

/** Whether an error only means a newer request took this one's place (a hover preview). */
export function isSuperseded(error: unknown): boolean {
  return (
    error instanceof SamClientError && (error.code === 'superseded' || error.code === 'cancelled')
  )
}
