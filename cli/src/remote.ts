// `--server`: the same operations over the REST API of a running server.
import type { ExportResult, ImportResult } from '@loupe/sync-server'
import { CliError } from './errors'
import type { ImportInput } from './input'

interface ErrorBody {
  error?: { code?: string; message?: string; candidates?: { format: string; confidence: number }[] }
}

async function failure(response: Response, what: string): Promise<CliError> {
  const text = await response.text()
  let body: ErrorBody | undefined
  try {
    body = JSON.parse(text) as ErrorBody
  } catch {
    // not JSON: use the text
  }
  const message = body?.error?.message ?? (text.trim() || response.statusText)
  const candidates = body?.error?.candidates?.length
    ? ` (candidates: ${body.error.candidates.map((c) => `${c.format} ${c.confidence}`).join(', ')})`
    : ''
  return new CliError(`${what}: ${response.status} ${message}${candidates}`)
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new CliError(
      `cannot reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? String(error)}`,
    )
  }
}

export async function importOverHttp(
  server: { url: string; token: string },
  projectId: string,
  input: ImportInput,
  format: string | undefined,
): Promise<ImportResult> {
  const form = new FormData()
  if (format) form.append('format', format)
  form.append('file', new Blob([input.bytes() as Uint8Array<ArrayBuffer>]), input.name)
  const response = await send(
    `${server.url}/api/projects/${encodeURIComponent(projectId)}/import`,
    { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: form },
  )
  if (!response.ok) throw await failure(response, 'import failed')
  return (await response.json()) as ImportResult
}

interface RunBody {
  id: string
  state: string
  error: string | null
  stateMessage: string | null
  result?: { report?: ExportResult['report']; fileName?: string } | null
}

const OVER = new Set(['Completed', 'Cached', 'Failed', 'Cancelled', 'Crashed'])

/**
 * Exports over the server: `POST /api/projects/:id/export` starts an `export` flow run; this polls
 * the run until it is over, then downloads its file artifact (the zip).
 */
export async function exportOverHttp(
  server: { url: string; token: string },
  projectId: string,
  body: { format: string; jobIds?: string[]; includeImages: boolean },
  options: { pollMs?: number; timeoutMs?: number } = {},
): Promise<ExportResult> {
  const auth = { authorization: `Bearer ${server.token}` }
  const started = await send(`${server.url}/api/projects/${encodeURIComponent(projectId)}/export`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!started.ok) throw await failure(started, 'export failed')
  let run = ((await started.json()) as { run: RunBody }).run
  const runUrl = `${server.url}/api/flow-runs/${encodeURIComponent(run.id)}`
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000)
  while (!OVER.has(run.state)) {
    if (Date.now() > deadline)
      throw new CliError(`export failed: run ${run.id} is still ${run.state}`)
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200))
    const response = await send(runUrl, { headers: auth })
    if (!response.ok) throw await failure(response, 'export failed')
    run = (await response.json()) as RunBody
  }
  if (run.state !== 'Completed' && run.state !== 'Cached') {
    const why = run.error ?? run.stateMessage ?? 'no reason given'
    throw new CliError(`export failed: run ${run.id} ${run.state}: ${why}`)
  }
  const report = run.result?.report
  if (!report) throw new CliError('export failed: the run has no export report')
  const file = await send(`${runUrl}/artifact?key=export`, { headers: auth })
  if (!file.ok) throw await failure(file, 'export failed')
  const bytes = new Uint8Array(await file.arrayBuffer())
  const disposition = /filename="([^"]+)"/.exec(file.headers.get('content-disposition') ?? '')
  return {
    bytes,
    report,
    fileName: disposition?.[1] ?? run.result?.fileName ?? `${projectId}-${body.format}.zip`,
  }
}
