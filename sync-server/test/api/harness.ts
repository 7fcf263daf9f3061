import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../src/server'
import type { LoupeServer } from '../../src/server'
import type { LoupeConfig } from '../../src/config'

export const ADMIN_TOKEN = 'a'.repeat(32)
export const SECRET = 'x'.repeat(32)

export interface TestServer {
  server: LoupeServer
  url: string
  dataDir: string
  close(): Promise<void>
}

/** A real server on a free port with its own data dir (SQLite file + blob folder). */
export async function startTestServer(config: Partial<LoupeConfig> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-api-'))
  const server = await startServer({
    env: {},
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: null,
      logLevel: 'silent',
      secret: SECRET,
      adminToken: ADMIN_TOKEN,
      ...config,
    },
  })
  return {
    server,
    url: server.url,
    dataDir,
    close: async () => {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface ApiResponse {
  status: number
  headers: Headers
  /** Parsed JSON body, or null when the body is empty or not JSON. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes: Uint8Array
}

export interface RequestOptions {
  token?: string
  json?: unknown
  body?: RequestInit['body']
  headers?: Record<string, string>
}

export async function request(
  t: TestServer,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  let body = options.body
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  const response = await fetch(t.url + path, { method, headers, body })
  const bytes = new Uint8Array(await response.arrayBuffer())
  let json = null
  if ((response.headers.get('content-type') ?? '').includes('application/json') && bytes.length) {
    json = JSON.parse(new TextDecoder().decode(bytes))
  }
  return { status: response.status, headers: response.headers, json, bytes }
}

export async function createProject(
  t: TestServer,
  body: { name: string; labels?: unknown[] } = { name: 'Birds' },
): Promise<{ id: string; token: string }> {
  const res = await request(t, 'POST', '/api/projects', { token: ADMIN_TOKEN, json: body })
  if (res.status !== 201)
    throw new Error(`create project: ${res.status} ${JSON.stringify(res.json)}`)
  return res.json
}

export async function share(
  t: TestServer,
  projectId: string,
  managerToken: string,
  role: 'viewer' | 'annotator' | 'manager',
  expiresInSeconds?: number,
): Promise<{ token: string; tokenId: string; url: string; role: string; expiresAt?: string }> {
  const res = await request(t, 'POST', `/api/projects/${projectId}/share`, {
    token: managerToken,
    json: { role, expiresInSeconds },
  })
  if (res.status !== 201) throw new Error(`share: ${res.status} ${JSON.stringify(res.json)}`)
  return res.json
}

export interface FilePart {
  name: string
  bytes: Uint8Array
  type?: string
}

/** A multipart body with one part named `files` per file, encoded by fetch's own FormData. */
export function filesForm(files: readonly FilePart[]): FormData {
  const form = new FormData()
  for (const file of files) {
    form.append(
      'files',
      new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    )
  }
  return form
}

export function upload(
  t: TestServer,
  projectId: string,
  token: string,
  files: readonly FilePart[],
) {
  return request(t, 'POST', `/api/projects/${projectId}/images`, { token, body: filesForm(files) })
}

export const expectErrorShape = (res: ApiResponse) => {
  if (
    typeof res.json?.error?.code !== 'string' ||
    typeof res.json?.error?.message !== 'string' ||
    Object.keys(res.json).length !== 1
  ) {
    throw new Error(`not the error shape: ${res.status} ${JSON.stringify(res.json)}`)
  }
}
