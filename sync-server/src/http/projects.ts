import { randomBytes } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import { Origin, ProjectDocument } from '@loupe/model'
import type { LabelInput } from '@loupe/model'
import { projectRoom } from '@loupe/sync-protocol'
import { AuthError, AuthErrorCode } from '../auth/tokens'
import type { AppDeps } from './app'
import { authenticate } from './auth'
import { readJsonBody } from './body'
import type { ApiEnv } from './env'
import { authorizeProject } from './project-access'
import { readProjectSummary } from './project-summary'

export const CreateProjectBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** Label definitions, validated in depth by the document model. */
  labels: z.array(z.record(z.string(), z.unknown())).max(1000).optional(),
})

/** 16 URL-safe characters (96 random bits): fits `isValidId`. */
export const newProjectId = () => randomBytes(12).toString('base64url')

/** `POST /api/projects` (admin), `GET /api/projects`, `GET /api/projects/:id`. */
export function projectRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { meta, tokens, rooms } = deps
  const routes = new Hono<ApiEnv>()
  const auth = authenticate({ tokens, meta })

  routes.post('/projects', auth, async (c) => {
    if (c.get('principal').role !== 'admin') {
      throw new AuthError(AuthErrorCode.forbidden, 'only the admin creates projects')
    }
    const body = await readJsonBody(c, CreateProjectBody)
    const id = newProjectId()
    const createdAt = new Date().toISOString()
    // The document first: a label the model rejects leaves no project record behind.
    await rooms.change(projectRoom(id), (doc) => {
      // Labels are checked in depth by the model (ModelError → 400 naming `labels[i].field`).
      const labels = body.labels as LabelInput[] | undefined
      ProjectDocument.create(doc, { name: body.name, createdAt, labels }, { origin: Origin.server })
    })
    await meta.createProject({ id, name: body.name, createdAt })
    const { token } = await tokens.issue({ projectId: id, role: 'manager' })
    deps.logger.info('project created', { projectId: id })
    return c.json({ id, token }, 201)
  })

  routes.get('/projects', auth, async (c) => {
    const principal = c.get('principal')
    const projects =
      principal.role === 'admin'
        ? await meta.listProjects()
        : await meta.listProjects([principal.projectId])
    return c.json({ projects })
  })

  routes.get('/projects/:id', auth, async (c) => {
    const project = await authorizeProject(meta, c.get('principal'), c.req.param('id'), 'viewer')
    const summary = await readProjectSummary(rooms, project.id)
    return c.json({ ...project, ...summary })
  })

  return routes
}
