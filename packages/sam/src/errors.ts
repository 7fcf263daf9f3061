// Typed errors the editor can show as they are: a model that will not load or does not fit,
// a prompt the model cannot take, a request superseded by a newer one.

export const SamErrorCode = {
  /** The file is not an ONNX model or is damaged (truncated, wrong bytes). */
  InvalidModel: 'invalid-model',
  /** The model loads but its inputs or outputs are not those of a supported SAM export. */
  IncompatibleModel: 'incompatible-model',
  /** The model's bytes do not have the expected SHA-256. */
  ChecksumMismatch: 'checksum-mismatch',
  /** Download failed (HTTP status, network, offline without a cached copy). */
  Download: 'download',
  /** A step took longer than its time limit. */
  Timeout: 'timeout',
  /** The prompt cannot be used (no point, box on a model without box input, out of image). */
  BadPrompt: 'bad-prompt',
  /** No embedding for the image yet, or no model loaded. */
  NotReady: 'not-ready',
  /** A newer request replaced this one before it ran. */
  Superseded: 'superseded',
  Cancelled: 'cancelled',
  /** Inference or anything else failed. */
  Failed: 'failed',
} as const
export type SamErrorCode = (typeof SamErrorCode)[keyof typeof SamErrorCode]

export class SamError extends Error {
  override name = 'SamError'
  constructor(
    readonly code: SamErrorCode,
    message: string,
  ) {
    super(message)
  }
}
