// The command line: `loupe <import|export> [options]`, checked in full before anything runs.
import { parseArgs } from 'node:util'
import { usageError } from './errors'

export const USAGE = `Usage:
  loupe export --project <id> --format <format> --out <file.zip|-> [--jobs <id,id>] [--images]
               (--server <url> --token <token> | --data-dir <dir>) [--json]
  loupe import --project <id> [--format <format>] <file-or-folder>
               (--server <url> --token <token> | --data-dir <dir>) [--json]

  --server, --token   a running Loupe server and a token for the project (manager to import);
                      also read from LOUPE_SERVER and LOUPE_TOKEN
  --data-dir          the server's data folder (loupe.sqlite + blobs/), used directly; only
                      while no server runs on it (the command refuses otherwise)
  --format            coco, yolo, ultralytics, voc, cvat, labelme, datumaro; import detects it
                      when left out
  --jobs              export only these jobs (ids, comma-separated)
  --images            put the image files into the export
  --json              print the result as JSON (import: format, summary, report; export: report)

Exit codes: 0 done, 1 the operation failed, 2 wrong command line.`

/** Where the data is: a running server, or a data dir opened directly. */
export type Target =
  { kind: 'server'; url: string; token: string } | { kind: 'dataDir'; dir: string }

export type Command =
  | { command: 'help' }
  | {
      command: 'export'
      projectId: string
      format: string
      out: string
      jobIds?: string[]
      includeImages: boolean
      target: Target
      json: boolean
    }
  | {
      command: 'import'
      projectId: string
      format?: string
      input: string
      target: Target
      json: boolean
    }

const OPTIONS = {
  project: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  jobs: { type: 'string' },
  images: { type: 'boolean' },
  server: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export function parseCommand(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Command {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw usageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.help || command === 'help') return { command: 'help' }
  if (command === undefined) throw usageError('give a command: import or export')
  if (command !== 'import' && command !== 'export') {
    throw usageError(`unknown command ${JSON.stringify(command)}: expected import or export`)
  }
  const projectId = values.project
  if (!projectId) throw usageError(`${command}: --project <id> is required`)
  const target = targetOf(values, env)
  const json = values.json ?? false
  if (command === 'export') {
    if (rest.length > 0) throw usageError(`export: unexpected argument ${JSON.stringify(rest[0])}`)
    if (!values.format) throw usageError('export: --format <format> is required')
    if (!values.out) throw usageError('export: --out <file.zip> is required (- for stdout)')
    const jobIds = values.jobs
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean)
    if (values.jobs !== undefined && !jobIds?.length) {
      throw usageError('export: --jobs needs at least one job id')
    }
    return {
      command,
      projectId,
      format: values.format,
      out: values.out,
      ...(jobIds ? { jobIds } : {}),
      includeImages: values.images ?? false,
      target,
      json,
    }
  }
  if (values.out !== undefined || values.jobs !== undefined || values.images !== undefined) {
    throw usageError('import: --out, --jobs and --images are export options')
  }
  if (rest.length !== 1) {
    throw usageError(
      rest.length === 0
        ? 'import: give the file or folder to import'
        : 'import: give exactly one file or folder',
    )
  }
  return {
    command,
    projectId,
    ...(values.format ? { format: values.format } : {}),
    input: rest[0]!,
    target,
    json,
  }
}

function targetOf(
  values: { server?: string; token?: string; 'data-dir'?: string },
  env: Record<string, string | undefined>,
): Target {
  const dir = values['data-dir']
  const server = values.server ?? (dir ? undefined : env.LOUPE_SERVER)
  if (dir && values.server) throw usageError('give either --server or --data-dir, not both')
  if (dir) {
    if (values.token) throw usageError('--token goes with --server, not --data-dir')
    return { kind: 'dataDir', dir }
  }
  if (!server) {
    throw usageError(
      'say where the project is: --server <url> --token <token>, or --data-dir <dir>',
    )
  }
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw usageError(
      `--server: expected a URL like http://localhost:8787, got ${JSON.stringify(server)}`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--server: expected an http(s) URL, got ${JSON.stringify(server)}`)
  }
  const token = values.token ?? env.LOUPE_TOKEN
  if (!token) throw usageError('--server needs --token <token> (or LOUPE_TOKEN)')
  return { kind: 'server', url: url.origin + url.pathname.replace(/\/+$/, ''), token }
}
