import type { PostgresDatabase, PostgresMigrationStep } from './postgres-db'
import type { BlobRecord, MetaStore, ProjectRecord } from './types'

/** Append-only, like the SQLite steps: the same tables, so both stores answer alike. */
const STEPS: readonly PostgresMigrationStep[] = [
  {
    name: '001-projects-blobs-tokens',
    sql: `
      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size BIGINT NOT NULL,
        mime TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE project_blobs (
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        PRIMARY KEY (project_id, sha256)
      );
      CREATE INDEX project_blobs_by_sha ON project_blobs(sha256);
      CREATE TABLE revoked_tokens (
        token_id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        revoked_at TEXT NOT NULL
      );
    `,
  },
]

interface ProjectRow {
  id: string
  name: string
  created_at: string
}

interface BlobRow {
  sha256: string
  size: string
  mime: string
  width: number
  height: number
  created_at: string
}

const toProject = (row: ProjectRow): ProjectRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
})

const toBlob = (row: BlobRow): BlobRecord => ({
  sha256: row.sha256,
  size: Number(row.size),
  mime: row.mime,
  width: row.width,
  height: row.height,
  createdAt: row.created_at,
})

const byCreation = (a: ProjectRecord, b: ProjectRecord) =>
  a.createdAt < b.createdAt
    ? -1
    : a.createdAt > b.createdAt
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0

/** Project, blob and revoked-token metadata on PostgreSQL (cluster mode). */
export class PostgresMetaStore implements MetaStore {
  private constructor(readonly db: PostgresDatabase) {}

  /** Runs the store's migrations (safe when several instances start at once). */
  static async open(db: PostgresDatabase): Promise<PostgresMetaStore> {
    await db.migrate('meta', STEPS)
    return new PostgresMetaStore(db)
  }

  async createProject(project: ProjectRecord): Promise<void> {
    await this.db.query('INSERT INTO projects (id, name, created_at) VALUES ($1, $2, $3)', [
      project.id,
      project.name,
      project.createdAt,
    ])
  }

  async getProject(id: string): Promise<ProjectRecord | null> {
    const { rows } = await this.db.query<ProjectRow>(
      'SELECT id, name, created_at FROM projects WHERE id = $1',
      [id],
    )
    return rows[0] ? toProject(rows[0]) : null
  }

  async listProjects(ids?: string[]): Promise<ProjectRecord[]> {
    const { rows } =
      ids === undefined
        ? await this.db.query<ProjectRow>('SELECT id, name, created_at FROM projects')
        : await this.db.query<ProjectRow>(
            'SELECT id, name, created_at FROM projects WHERE id = ANY($1::text[])',
            [[...new Set(ids)]],
          )
    return rows.map(toProject).sort(byCreation)
  }

  async putBlob(blob: BlobRecord, projectId: string): Promise<void> {
    await this.db.transaction(async (client) => {
      await client.query(
        `INSERT INTO blobs (sha256, size, mime, width, height, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING`,
        [blob.sha256, blob.size, blob.mime, blob.width, blob.height, blob.createdAt],
      )
      await client.query(
        'INSERT INTO project_blobs (project_id, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [projectId, blob.sha256],
      )
    })
  }

  async getBlob(sha256: string): Promise<BlobRecord | null> {
    const { rows } = await this.db.query<BlobRow>(
      'SELECT sha256, size, mime, width, height, created_at FROM blobs WHERE sha256 = $1',
      [sha256],
    )
    return rows[0] ? toBlob(rows[0]) : null
  }

  async projectHoldsBlob(projectId: string, sha256: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'SELECT 1 FROM project_blobs WHERE project_id = $1 AND sha256 = $2',
      [projectId, sha256],
    )
    return (rowCount ?? 0) > 0
  }

  async revokeToken(tokenId: string, projectId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO revoked_tokens (token_id, project_id, revoked_at) VALUES ($1, $2, $3)
       ON CONFLICT (token_id) DO NOTHING`,
      [tokenId, projectId, new Date().toISOString()],
    )
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('SELECT 1 FROM revoked_tokens WHERE token_id = $1', [
      tokenId,
    ])
    return (rowCount ?? 0) > 0
  }

  /** The pool belongs to the server, which closes it after every store. */
  async close(): Promise<void> {}
}
