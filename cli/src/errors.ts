/** Exit codes of `loupe`: scripts tell a wrong command line from a failed operation. */
export const ExitCode = {
  ok: 0,
  /** The operation failed: the server refused, the file is malformed, the data dir is in use. */
  failed: 1,
  /** The command line is wrong: unknown command or option, a missing or conflicting one. */
  usage: 2,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** A failure the CLI reports as one line (`loupe: <message>`) and an exit code, without a stack. */
export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failed,
  ) {
    super(message)
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage)
