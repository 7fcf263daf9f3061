// `loupe import` / `loupe export` (see USAGE): against a running server (REST API) or directly
// on a data dir, through the same import/export code the server runs.
import { rename, writeFile } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'
import {
  FormatChoiceError,
  exportDataset,
  fileTreeOf,
  importDataset,
  type ExportResult,
  type ImportResult,
} from '@loupe/sync-server'
import { parseCommand, USAGE, type Command } from './args'
import { openDataDir, type DataDir } from './data-dir'
import { CliError, ExitCode } from './errors'
import { readImportInput } from './input'
import { exportOverHttp, importOverHttp } from './remote'

export interface Io {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Raw bytes to stdout (`--out -`). */
  stdoutBytes: (bytes: Uint8Array) => Promise<void>
  env: Record<string, string | undefined>
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutBytes: (bytes) =>
    new Promise((resolve, reject) =>
      process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())),
    ),
  env: process.env,
}

/** Runs one command line; resolves with the exit code (never throws). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let command: Command
  try {
    command = parseCommand(argv, io.env)
  } catch (error) {
    io.stderr(`loupe: ${(error as Error).message}\n\n${USAGE}\n`)
    return ExitCode.usage
  }
  if (command.command === 'help') {
    io.stdout(`${USAGE}\n`)
    return ExitCode.ok
  }
  try {
    if (command.command === 'import') await runImport(command, io)
    else await runExport(command, io)
    return ExitCode.ok
  } catch (error) {
    io.stderr(`loupe: ${describe(error)}\n`)
    return error instanceof CliError ? error.exitCode : ExitCode.failed
  }
}

function describe(error: unknown): string {
  if (error instanceof FormatChoiceError && error.candidates.length > 0) {
    const candidates = error.candidates.map((c) => `${c.format} ${c.confidence}`).join(', ')
    return `${error.message} (candidates: ${candidates})`
  }
  if (error instanceof CliError || (error instanceof Error && error.name !== 'Error')) {
    return error.message
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

async function withDataDir<T>(dir: string, projectId: string, fn: (data: DataDir) => Promise<T>) {
  const data = openDataDir(dir)
  try {
    if (!(await data.meta.getProject(projectId))) {
      throw new CliError(`no project ${JSON.stringify(projectId)} in ${data.dir}`)
    }
    return await fn(data)
  } finally {
    await data.close()
  }
}

async function runImport(command: Extract<Command, { command: 'import' }>, io: Io) {
  const input = await readImportInput(command.input, fileTreeOf)
  const { target, projectId, format } = command
  const result: ImportResult =
    target.kind === 'server'
      ? await importOverHttp(target, projectId, input, format)
      : await withDataDir(target.dir, projectId, (data) =>
          importDataset(data, projectId, input.tree, { format, userId: 'loupe-cli' }),
        )
  if (command.json) {
    io.stdout(`${JSON.stringify(result)}\n`)
    return
  }
  const s = result.summary
  io.stdout(
    `imported ${input.name} (${result.format}) into project ${projectId}: ` +
      `${s.shapesAdded} shapes added, ${s.shapesSkipped} already there, ${s.tagsAdded} tags added, ` +
      `${s.imagesAdded} images added, ${s.imagesMatched} matched, ${s.labelsAdded} labels added, ` +
      `${s.jobsCreated} jobs created\n`,
  )
  for (const line of result.report) io.stdout(`  ${line}\n`)
}

async function runExport(command: Extract<Command, { command: 'export' }>, io: Io) {
  const { target, projectId } = command
  const body = {
    format: command.format,
    ...(command.jobIds ? { jobIds: command.jobIds } : {}),
    includeImages: command.includeImages,
  }
  const result: ExportResult =
    target.kind === 'server'
      ? await exportOverHttp(target, projectId, body)
      : await withDataDir(target.dir, projectId, (data) => exportDataset(data, projectId, body))
  const toStdout = command.out === '-'
  if (toStdout) await io.stdoutBytes(result.bytes)
  else await writeAtomically(command.out, result.bytes)
  // With the zip on stdout, the summary goes to stderr.
  const say = toStdout ? io.stderr : io.stdout
  if (command.json) {
    say(`${JSON.stringify(result.report)}\n`)
    return
  }
  const { report } = result
  say(
    `wrote ${toStdout ? 'stdout' : command.out} (${result.bytes.byteLength} bytes): ` +
      `${report.format}, ${report.images} images, ${report.annotations} annotations\n`,
  )
  for (const entry of report.entries) {
    say(`  ${entry.kind} ${entry.what} ×${entry.count}: ${entry.detail}\n`)
  }
  for (const warning of report.warnings) say(`  ${warning}\n`)
}

/** A half-written zip never appears under the target name. */
async function writeAtomically(path: string, bytes: Uint8Array) {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    await writeFile(temp, bytes)
    await rename(temp, path)
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`)
  }
}
