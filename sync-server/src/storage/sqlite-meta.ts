import { migrate } from './sqlite'
import type { MigrationStep, SqliteDatabase } from './sqlite'
import type { BlobRecord, MetaStore, ProjectRecord } from './types'

/** Append-only: a step, once released, is never edited or renamed (applied steps are recorded). */
const STEPS: readonly MigrationStep[] = [
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
        size INTEGER NOT NULL,
        mime TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE project_blobs (
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        PRIMARY KEY (project_id, sha256)
      ) WITHOUT ROWID;
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
  size: number
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
  size: row.size,
  mime: row.mime,
  width: row.width,
  height: row.height,
  createdAt: row.created_at,
})

/** Project, blob and revoked-token metadata in the embedded SQLite file. */
export class SqliteMetaStore implements MetaStore {
  readonly #statements

  constructor(readonly db: SqliteDatabase) {
    migrate(db, 'meta', STEPS)
    this.#statements = {
      insertProject: db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)'),
      getProject: db.prepare('SELECT id, name, created_at FROM projects WHERE id = ?'),
      allProjects: db.prepare('SELECT id, name, created_at FROM projects ORDER BY created_at, id'),
      insertBlob: db.prepare(
        `INSERT INTO blobs (sha256, size, mime, width, height, created_at)
         VALUES (@sha256, @size, @mime, @width, @height, @createdAt)
         ON CONFLICT (sha256) DO NOTHING`,
      ),
      linkBlob: db.prepare(
        'INSERT INTO project_blobs (project_id, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      getBlob: db.prepare(
        'SELECT sha256, size, mime, width, height, created_at FROM blobs WHERE sha256 = ?',
      ),
      holdsBlob: db.prepare('SELECT 1 FROM project_blobs WHERE project_id = ? AND sha256 = ?'),
      revoke: db.prepare(
        `INSERT INTO revoked_tokens (token_id, project_id, revoked_at) VALUES (?, ?, ?)
         ON CONFLICT (token_id) DO NOTHING`,
      ),
      isRevoked: db.prepare('SELECT 1 FROM revoked_tokens WHERE token_id = ?'),
    }
  }

  async createProject(project: ProjectRecord): Promise<void> {
    this.#statements.insertProject.run(project.id, project.name, project.createdAt)
  }

  async getProject(id: string): Promise<ProjectRecord | null> {
    const row = this.#statements.getProject.get(id) as ProjectRow | undefined
    return row ? toProject(row) : null
  }

  async listProjects(ids?: string[]): Promise<ProjectRecord[]> {
    if (ids === undefined) {
      return (this.#statements.allProjects.all() as ProjectRow[]).map(toProject)
    }
    const rows: ProjectRecord[] = []
    for (const id of new Set(ids)) {
      const row = this.#statements.getProject.get(id) as ProjectRow | undefined
      if (row) rows.push(toProject(row))
    }
    return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  }

  async putBlob(blob: BlobRecord, projectId: string): Promise<void> {
    this.db.transaction(() => {
      this.#statements.insertBlob.run(blob)
      this.#statements.linkBlob.run(projectId, blob.sha256)
    })()
  }

  async getBlob(sha256: string): Promise<BlobRecord | null> {
    const row = this.#statements.getBlob.get(sha256) as BlobRow | undefined
    return row ? toBlob(row) : null
  }

  async projectHoldsBlob(projectId: string, sha256: string): Promise<boolean> {
    return this.#statements.holdsBlob.get(projectId, sha256) !== undefined
  }

  async revokeToken(tokenId: string, projectId: string): Promise<void> {
    this.#statements.revoke.run(tokenId, projectId, new Date().toISOString())
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    return this.#statements.isRevoked.get(tokenId) !== undefined
  }

  /** The database handle belongs to the server, which closes it after every store. */
  async close(): Promise<void> {}
}
