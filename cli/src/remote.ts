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

export async function exportOverHttp(
  server: { url: string; token: string },
  projectId: string,
  body: { format: string; jobIds?: string[]; includeImages: boolean },
): Promise<ExportResult> {
  const response = await send(
    `${server.url}/api/projects/${encodeURIComponent(projectId)}/export`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  )
  if (!response.ok) throw await failure(response, 'export failed')
  const bytes = new Uint8Array(await response.arrayBuffer())
  const header = response.headers.get('x-loupe-export-report')
  const report = header
    ? (JSON.parse(decodeURIComponent(header)) as ExportResult['report'])
    : undefined
  if (!report) throw new CliError('export failed: the server sent no export report')
  const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')
  return { bytes, report, fileName: disposition?.[1] ?? `${projectId}-${body.format}.zip` }
}
