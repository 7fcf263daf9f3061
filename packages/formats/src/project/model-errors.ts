// A write the document model rejects during an import is a problem of the imported file: it
// becomes a FormatError naming the image (or label) and the annotation, with the model's reason.

import { ModelError, ModelErrorCode } from '@loupe/model'
import { FormatError } from '../errors'

/** Model errors caused by what the file says; the rest (a read-only document…) stay ModelErrors. */
const FILE_FAULTS: ReadonlySet<string> = new Set([
  ModelErrorCode.invalidInput,
  ModelErrorCode.invalidGeometry,
  ModelErrorCode.unknownLabel,
  ModelErrorCode.labelTypeMismatch,
  ModelErrorCode.unknownAttribute,
  ModelErrorCode.invalidAttributeValue,
  ModelErrorCode.unknownImage,
  ModelErrorCode.duplicate,
])

/**
 * Rethrows a ModelError as FormatError(file, where + the model's path below the record, reason);
 * `recordPath` is the model's path prefix of the record (`shapes`, `labels.<id>`), dropped.
 */
export function rethrowAsFormatError(
  error: unknown,
  file: string,
  where: string,
  recordPath: string,
): never {
  if (!(error instanceof ModelError) || !FILE_FAULTS.has(error.code)) throw error
  const path = error.path ?? ''
  const reason = path ? error.message.slice(path.length + 2) : error.message
  let rest = path.startsWith(recordPath) ? path.slice(recordPath.length) : path ? `.${path}` : ''
  if (rest && !rest.startsWith('.') && !rest.startsWith('[')) rest = `.${rest}`
  const formatError = new FormatError(file, where + rest, reason)
  ;(formatError as { cause?: unknown }).cause = error
  throw formatError
}
