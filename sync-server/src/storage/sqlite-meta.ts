// STUB — the REST helper replaces this file.
import type { SqliteDatabase } from './sqlite'
import type { BlobRecord, MetaStore, ProjectRecord } from './types'

export class SqliteMetaStore implements MetaStore {
  constructor(readonly db: SqliteDatabase) {}
  async createProject(_project: ProjectRecord): Promise<void> {}
  async getProject(_id: string): Promise<ProjectRecord | null> {
    return null
  }
  async listProjects(_ids?: string[]): Promise<ProjectRecord[]> {
    return []
  }
  async putBlob(_blob: BlobRecord, _projectId: string): Promise<void> {}
  async getBlob(_sha256: string): Promise<BlobRecord | null> {
    return null
  }
  async projectHoldsBlob(_projectId: string, _sha256: string): Promise<boolean> {
    return false
  }
  async revokeToken(_tokenId: string, _projectId: string): Promise<void> {}
  async isTokenRevoked(_tokenId: string): Promise<boolean> {
    return false
  }
  async close(): Promise<void> {}
}
