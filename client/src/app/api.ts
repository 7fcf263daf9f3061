export interface ProjectSummary {
  id: string
  name: string
  createdAt: string
}

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** A small typed client for the REST API of DESIGN.md §4 (uploads: see data/upload.ts). */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly base = '',
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.base + path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    const json: unknown = text ? JSON.parse(text) : null
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error
      throw new ApiError(
        response.status,
        error?.code ?? 'http_error',
        error?.message ?? `${method} ${path} failed with ${response.status}`,
      )
    }
    return json as T
  }

  listProjects(): Promise<{ projects: ProjectSummary[] }> {
    return this.request('GET', '/api/projects')
  }

  createProject(name: string): Promise<{ id: string; token: string }> {
    return this.request('POST', '/api/projects', { name })
  }

  getProject(id: string): Promise<ProjectDetails> {
    return this.request('GET', `/api/projects/${encodeURIComponent(id)}`)
  }

  /** A share link for a role (manager). */
  share(projectId: string, role: 'viewer' | 'annotator' | 'manager'): Promise<ShareLink> {
    return this.request('POST', `/api/projects/${encodeURIComponent(projectId)}/share`, { role })
  }

  get authToken(): string {
    return this.token
  }

  get baseUrl(): string {
    return this.base
  }
}

export interface ProjectDetails extends ProjectSummary {
  imageCount: number
  jobs: { id: string; name: string; state: string; assignee: string; imageCount: number }[]
}

export interface ShareLink {
  token: string
  tokenId: string
  url: string
  role: string
  expiresAt?: string
}
