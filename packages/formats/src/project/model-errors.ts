// A write the document model rejects during an import is a problem of the imported file: it
// becomes a FormatError naming the image (or label) and the annotation, with the model's reason.

import { ModelError } from '@loupe/model'
import { FormatError } from '../errors'

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
  if (!(error instanceof ModelError)) throw error
  const path = error.path ?? ''
  const reason = path ? error.message.slice(path.length + 2) : error.message
  let rest = path.startsWith(recordPath) ? path.slice(recordPath.length) : path ? `.${path}` : ''
  if (rest && !rest.startsWith('.') && !rest.startsWith('[')) rest = `.${rest}`
  const formatError = new FormatError(file, where + rest, reason)
  ;(formatError as { cause?: unknown }).cause = error
  throw formatError
}
