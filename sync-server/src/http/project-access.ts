import { isValidId } from '@loupe/sync-protocol'
import { requireProjectRole } from '../auth/tokens'
import type { Principal, Role } from '../auth/tokens'
import type { MetaStore, ProjectRecord } from '../storage/types'
import { notFound } from './errors'

/**
 * The project a route acts on, after checking the principal may act on it with `role`: 403 for a
 * token of another project or too low a role (checked first, so a token learns nothing about
 * projects it cannot see), 404 when the project does not exist.
 */
export async function authorizeProject(
  meta: MetaStore,
  principal: Principal,
  projectId: string,
  role: Role,
): Promise<ProjectRecord> {
  requireProjectRole(principal, projectId, role)
  const project = isValidId(projectId) ? await meta.getProject(projectId) : null
  if (!project) throw notFound(`no project ${JSON.stringify(projectId)}`)
  return project
}
