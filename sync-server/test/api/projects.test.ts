import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  createProject,
  expectErrorShape,
  request,
  share,
  startTestServer,
  upload,
} from './harness'
import type { TestServer } from './harness'
import { png } from './image-bytes'

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

describe('projects', () => {
  it('the admin creates a project and gets a manager token for it', async () => {
    const res = await request(t, 'POST', '/api/projects', {
      token: ADMIN_TOKEN,
      json: {
        name: 'Street scenes',
        labels: [
          { name: 'car', color: '#ff0000', type: 'rectangle' },
          {
            name: 'person',
            attributes: [{ name: 'pose', type: 'select', values: ['standing', 'sitting'] }],
          },
        ],
      },
    })
    expect(res.status).toBe(201)
    expect(res.json).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      token: expect.any(String),
    })
    const principal = await t.server.tokens.verify(res.json.token)
    expect(principal).toMatchObject({ projectId: res.json.id, role: 'manager' })

    const got = await request(t, 'GET', `/api/projects/${res.json.id}`, { token: res.json.token })
    expect(got.status).toBe(200)
    expect(got.json).toMatchObject({
      id: res.json.id,
      name: 'Street scenes',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      imageCount: 0,
      jobs: [],
    })
    expect(
      got.json.labels.map((l: { name: string; color: string; type: string }) => [l.name, l.type]),
    ).toEqual([
      ['car', 'rectangle'],
      ['person', 'any'],
    ])
    expect(got.json.labels[0].color).toBe('#ff0000')
  })

  it('a label the document model rejects is a 400 naming the field, and no project is made', async () => {
    const before = (await request(t, 'GET', '/api/projects', { token: ADMIN_TOKEN })).json.projects
      .length
    const res = await request(t, 'POST', '/api/projects', {
      token: ADMIN_TOKEN,
      json: { name: 'Bad', labels: [{ name: 'car', color: 'red' }] },
    })
    expect(res.status).toBe(400)
    expectErrorShape(res)
    expect(res.json.error.message).toContain('labels')
    expect(res.json.error.message).toContain('color')
    const after = (await request(t, 'GET', '/api/projects', { token: ADMIN_TOKEN })).json.projects
      .length
    expect(after).toBe(before)
  })

  it('an empty name is a 400 naming the field', async () => {
    const res = await request(t, 'POST', '/api/projects', {
      token: ADMIN_TOKEN,
      json: { name: '  ' },
    })
    expect(res.status).toBe(400)
    expect(res.json.error.message).toMatch(/^name: /)
  })

  it('lists all projects for the admin and only its own for a project token', async () => {
    const a = await createProject(t, { name: 'A' })
    const b = await createProject(t, { name: 'B' })
    const all = await request(t, 'GET', '/api/projects', { token: ADMIN_TOKEN })
    expect(all.status).toBe(200)
    const ids = all.json.projects.map((p: { id: string }) => p.id)
    expect(ids).toContain(a.id)
    expect(ids).toContain(b.id)
    const viewer = await share(t, a.id, a.token, 'viewer')
    for (const token of [a.token, viewer.token]) {
      const own = await request(t, 'GET', '/api/projects', { token })
      expect(own.json).toEqual({
        projects: [{ id: a.id, name: 'A', createdAt: expect.any(String) }],
      })
    }
  })

  it('get: 404 for an unknown project (admin), 403 for another project’s token', async () => {
    const a = await createProject(t, { name: 'A2' })
    const missing = await request(t, 'GET', '/api/projects/doesNotExist', { token: ADMIN_TOKEN })
    expect(missing.status).toBe(404)
    expectErrorShape(missing)
    const other = await request(t, 'GET', '/api/projects/doesNotExist', { token: a.token })
    expect(other.status).toBe(403)
    expectErrorShape(other)
  })

  it('the summary counts images and jobs after an upload', async () => {
    const p = await createProject(t, { name: 'Counted' })
    const files = Array.from({ length: 3 }, (_, i) => ({
      name: `img${i}.png`,
      bytes: png(4, 4, i),
    }))
    expect((await upload(t, p.id, p.token, files)).status).toBe(201)
    const got = await request(t, 'GET', `/api/projects/${p.id}`, { token: p.token })
    expect(got.json.imageCount).toBe(3)
    expect(got.json.jobs).toHaveLength(1)
    expect(got.json.jobs[0]).toMatchObject({ imageCount: 3, state: 'new' })
  })
})
