import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { FileTree, getFormat, type Dataset } from '@loupe/formats'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { jobRoom, projectRoom } from '@loupe/sync-protocol'
import { connectProvider, synced, waitFor } from '../sync/helpers'
import {
  ADMIN_TOKEN,
  createProject,
  expectErrorShape,
  request,
  share,
  startTestServer,
  upload,
  type TestServer,
} from './harness'
import { png } from './image-bytes'

let t: TestServer
let project: { id: string; token: string }
let jobId: string

beforeAll(async () => {
  t = await startTestServer()
  project = await createProject(t, {
    name: 'Birds',
    labels: [{ name: 'gull', attributes: [{ name: 'age', type: 'select', values: ['adult'] }] }],
  })
  const res = await upload(t, project.id, project.token, [
    { name: 'a.png', bytes: png(40, 30, 1) },
    { name: 'b.png', bytes: png(40, 30, 2) },
  ])
  expect(res.status).toBe(201)
  jobId = res.json.images[0].jobId
})

afterAll(() => t.close())

const coco = getFormat('coco')

function birdsDataset(): Dataset {
  return {
    labels: [
      {
        name: 'gull',
        attributes: [{ name: 'age', type: 'select', values: ['adult', 'juvenile'] }],
      },
      { name: 'tern', attributes: [] },
    ],
    images: [
      {
        name: 'a.png',
        width: 40,
        height: 30,
        subset: 'default',
        tags: [],
        annotations: [
          {
            type: 'rectangle',
            label: 'gull',
            points: [1, 2, 11, 12],
            attributes: { age: 'juvenile' },
          },
          { type: 'polygon', label: 'tern', points: [5, 5, 20, 5, 12, 15], attributes: {} },
        ],
      },
      { name: 'b.png', width: 40, height: 30, subset: 'default', tags: [], annotations: [] },
      {
        name: 'c.png',
        width: 16,
        height: 8,
        subset: 'default',
        tags: [],
        data: png(16, 8, 3),
        annotations: [{ type: 'rectangle', label: 'tern', points: [0, 0, 4, 4], attributes: {} }],
      },
    ],
  }
}

async function zipOf(dataset: Dataset): Promise<Uint8Array> {
  return (await coco.write(dataset, { includeImages: true })).toZip()
}

function importForm(file: { name: string; bytes: Uint8Array }, format?: string): FormData {
  const form = new FormData()
  if (format !== undefined) form.append('format', format)
  form.append('file', new Blob([file.bytes]), file.name)
  return form
}

const importFile = (file: { name: string; bytes: Uint8Array }, format?: string, token?: string) =>
  request(t, 'POST', `/api/projects/${project.id}/import`, {
    token: token ?? project.token,
    body: importForm(file, format),
  })

/** Every room of the project: its state vector and its full state. */
async function projectState(): Promise<Record<string, Uint8Array[]>> {
  const rooms = [projectRoom(project.id)]
  const doc = await t.server.relay.read(projectRoom(project.id), (d) => {
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(d))
    return copy
  })
  for (const job of ProjectDocument.open(doc).listJobs()) rooms.push(jobRoom(project.id, job.id))
  const out: Record<string, Uint8Array[]> = {}
  for (const room of rooms) {
    out[room] = await t.server.relay.read(room, (d) => [
      Y.encodeStateVector(d),
      Y.encodeStateAsUpdate(d),
    ])
  }
  return out
}

describe('POST /api/projects/:id/import', () => {
  it('a malformed file is a 422 naming file, path and expectation; the project stays as it was', async () => {
    const before = await projectState()
    const files = await coco.write(birdsDataset(), { includeImages: true })
    const path = 'annotations/instances_default.json'
    const json = JSON.parse(new TextDecoder().decode(files.get(path)))
    json.annotations[1].bbox = [1, 2, 3]
    files.set(path, JSON.stringify(json))
    const res = await importFile({ name: 'birds.zip', bytes: files.toZip() })
    expect(res.status).toBe(422)
    expectErrorShape(res)
    expect(res.json.error).toEqual({
      code: 'invalid_format',
      message: 'annotations/instances_default.json: annotations[1].bbox: expected 4 numbers',
    })
    expect(await projectState()).toEqual(before)

    // A model-level problem (a value no attribute allows) is the file's fault too.
    const typed = birdsDataset()
    typed.labels.push({ name: 'boxes', type: 'rectangle', attributes: [] })
    await t.server.relay.change(projectRoom(project.id), (doc) =>
      ProjectDocument.open(doc).addLabel({ name: 'boxes', type: 'rectangle' }),
    )
    const withLabel = await projectState()
    typed.images[0]!.annotations.push({
      type: 'polygon',
      label: 'boxes',
      points: [0, 0, 5, 0, 5, 5],
      attributes: {},
    })
    const bad = await importFile({ name: 'typed.zip', bytes: await zipOf(typed) })
    expect(bad.status).toBe(422)
    expect(bad.json.error.message).toBe(
      'a.png: annotations[2].labelId: label boxes (rectangle) does not allow a polygon',
    )
    expect(await projectState()).toEqual(withLabel)
  })

  it('imports into the live rooms: a connected client receives the shapes', async () => {
    const manager = await share(t, project.id, project.token, 'annotator')
    const doc = new Y.Doc()
    const wsUrl = t.url.replace(/^http/, 'ws') + '/sync'
    const provider = connectProvider(wsUrl, jobRoom(project.id, jobId), manager.token, doc)
    try {
      await synced(provider)
      const res = await importFile({ name: 'birds.zip', bytes: await zipOf(birdsDataset()) })
      expect(res.status, JSON.stringify(res.json)).toBe(200)
      expect(res.json.format).toBe('coco')
      expect(res.json.summary).toEqual({
        labelsAdded: 1,
        imagesAdded: 1,
        imagesMatched: 2,
        shapesAdded: 3,
        shapesSkipped: 0,
        tagsAdded: 0,
        jobsCreated: 0,
      })
      expect(res.json.report).toContain('label "gull": attribute "age" gains values "juvenile"')
      await waitFor(() => doc.getMap('shapes').size === 3, { message: 'the imported shapes' })

      const state = await t.server.relay.read(projectRoom(project.id), (d) => {
        const copy = new Y.Doc()
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(d))
        return copy
      })
      const projectDoc = ProjectDocument.open(state)
      const job = JobDocument.open(doc, projectDoc)
      const images = new Map(projectDoc.listImages().map((i) => [i.name, i]))
      expect(job.listShapes(images.get('a.png')!.id).map((s) => [s.type, s.source])).toEqual([
        ['rectangle', 'import'],
        ['polygon', 'import'],
      ])
      const c = images.get('c.png')!
      expect(c).toMatchObject({ width: 16, height: 8, jobId })
      // The new image's bytes are stored and served.
      const blob = await request(t, 'GET', `/api/blobs/${c.sha256}`, { token: project.token })
      expect(blob.status).toBe(200)
      expect(Buffer.from(blob.bytes).equals(png(16, 8, 3))).toBe(true)
    } finally {
      provider.destroy()
    }
  })

  it('a second import of the same file changes nothing', async () => {
    const before = await projectState()
    const res = await importFile({ name: 'birds.zip', bytes: await zipOf(birdsDataset()) })
    expect(res.status).toBe(200)
    expect(res.json.summary).toMatchObject({
      labelsAdded: 0,
      imagesAdded: 0,
      imagesMatched: 3,
      shapesAdded: 0,
      shapesSkipped: 3,
    })
    expect(await projectState()).toEqual(before)
  })

  it('takes a single annotation file, with the format named or detected', async () => {
    const dataset = birdsDataset()
    dataset.images = dataset.images.slice(0, 2)
    dataset.images[1]!.annotations.push({
      type: 'rectangle',
      label: 'gull',
      points: [3, 3, 9, 9],
      attributes: {},
    })
    const files = await coco.write(dataset)
    const bytes = files.get('annotations/instances_default.json')!
    const named = await importFile({ name: 'instances_default.json', bytes }, 'coco')
    expect(named.status, JSON.stringify(named.json)).toBe(200)
    expect(named.json.summary).toMatchObject({ shapesAdded: 1, shapesSkipped: 2 })
    const detected = await importFile({ name: 'instances_default.json', bytes })
    expect(detected.status).toBe(200)
    expect(detected.json.summary).toMatchObject({ shapesAdded: 0, shapesSkipped: 3 })
  })

  it('a format it cannot tell, or an unknown one, is a 400 with the candidates', async () => {
    const none = await importFile({ name: 'notes.txt', bytes: new TextEncoder().encode('hello') })
    expect(none.status).toBe(400)
    expect(none.json.error.code).toBe('unknown_format')
    expect(none.json.error.candidates).toEqual([])
    expect(none.json.error.message).toMatch(/^no format recognises these files; name one \(coco, /)

    const unknown = await importFile({ name: 'x.json', bytes: new Uint8Array([123, 125]) }, 'nope')
    expect(unknown.status).toBe(400)
    expect(unknown.json.error.message).toMatch(/^unknown format "nope": expected one of coco, /)
  })

  it('an annotation-only file for images the project lacks is a 422 naming them', async () => {
    const dataset = birdsDataset()
    dataset.images = [{ ...dataset.images[2]!, name: 'zzz.png', data: undefined }]
    const files = await coco.write(dataset)
    const res = await importFile(
      { name: 'x.json', bytes: files.get('annotations/instances_default.json')! },
      'coco',
    )
    expect(res.status).toBe(422)
    expect(res.json.error.message).toBe(
      '(archive): expected the image files of 1 images the project does not have: "zzz.png" (add the images to the project first, or import an archive that carries them)',
    )
  })

  it('needs a manager token; a bad form is a 400', async () => {
    const annotator = await share(t, project.id, project.token, 'annotator')
    const file = { name: 'birds.zip', bytes: await zipOf(birdsDataset()) }
    expect((await importFile(file, undefined, annotator.token)).status).toBe(403)
    const anon = await request(t, 'POST', `/api/projects/${project.id}/import`, {
      body: importForm(file),
    })
    expect(anon.status).toBe(401)
    const other = await createProject(t, { name: 'Other' })
    expect((await importFile(file, undefined, other.token)).status).toBe(403)
    expect((await importFile(file, undefined, ADMIN_TOKEN)).status).toBe(200)

    const noFile = new FormData()
    noFile.append('format', 'coco')
    const res = await request(t, 'POST', `/api/projects/${project.id}/import`, {
      token: project.token,
      body: noFile,
    })
    expect(res.status).toBe(400)
    expect(res.json.error.message).toBe('no file: send the dataset as a file part')
    const json = await request(t, 'POST', `/api/projects/${project.id}/import`, {
      token: project.token,
      json: {},
    })
    expect(json.status).toBe(415)
  })
})

/** Starts an export run, waits for it to complete, and downloads its file artifact. */
async function exportRun(token: string, body: unknown) {
  const started = await request(t, 'POST', `/api/projects/${project.id}/export`, {
    token,
    json: body,
  })
  expect(started.status, JSON.stringify(started.json)).toBe(202)
  expect(started.json.run).toMatchObject({ flow: 'export', state: 'Scheduled' })
  const id: string = started.json.run.id
  expect(started.headers.get('location')).toBe(`/api/flow-runs/${id}`)
  let run = started.json.run
  for (let i = 0; i < 200 && run.state !== 'Completed' && run.state !== 'Failed'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    run = (await request(t, 'GET', `/api/flow-runs/${id}`, { token })).json
  }
  expect(run.state, run.error).toBe('Completed')
  const file = await request(t, 'GET', `/api/flow-runs/${id}/artifact`, { token })
  expect(file.status).toBe(200)
  return { run, file }
}

describe('POST /api/projects/:id/export (an export flow run)', () => {
  it('runs to a zip artifact and a report; it reads back as the same annotations', async () => {
    const viewer = await share(t, project.id, project.token, 'viewer')
    const { run, file: res } = await exportRun(viewer.token, {
      format: 'coco',
      includeImages: true,
    })
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Birds-coco.zip"')
    const report = run.result.report
    expect(report).toMatchObject({ format: 'coco', images: 3, annotations: 4, warnings: [] })
    expect(report.entries).toContainEqual(expect.objectContaining({ what: 'label colors' }))

    const files = FileTree.fromZip(res.bytes)
    expect(files.paths()).toEqual([
      'annotations/instances_default.json',
      'images/default/a.png',
      'images/default/b.png',
      'images/default/c.png',
    ])
    const dataset = await coco.read(files)
    const byName = new Map(dataset.images.map((i) => [i.name, i]))
    expect(byName.get('a.png')!.annotations.map((a) => [a.label, a.type, a.attributes])).toEqual([
      ['gull', 'rectangle', { age: 'juvenile' }],
      ['tern', 'polygon', {}],
    ])

    // Importing the export again changes nothing.
    const before = await projectState()
    const again = await importFile({ name: 'Birds-coco.zip', bytes: res.bytes })
    expect(again.status).toBe(200)
    expect(again.json.summary).toMatchObject({ shapesAdded: 0, imagesAdded: 0 })
    expect(await projectState()).toEqual(before)
  })

  it('exports chosen jobs; unknown jobs, formats and bodies are 400s', async () => {
    const { file: some } = await exportRun(project.token, { format: 'coco', jobIds: [jobId] })
    // A dataset folder (annotations/) is kept even when it is the only top folder.
    expect(FileTree.fromZip(some.bytes).paths()).toEqual(['annotations/instances_default.json'])
    for (const [body, message] of [
      [{ format: 'coco', jobIds: ['nope'] }, `no job "nope" in project ${project.id}`],
      [{ format: 'png' }, 'unknown format "png": expected one of coco, '],
      [{ format: 'coco', extra: 1 }, 'extra'],
      [{}, 'format'],
    ] as const) {
      const res = await request(t, 'POST', `/api/projects/${project.id}/export`, {
        token: project.token,
        json: body,
      })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expectErrorShape(res)
      expect(res.json.error.message).toContain(message)
    }
    const other = await createProject(t, { name: 'Other' })
    const forbidden = await request(t, 'POST', `/api/projects/${project.id}/export`, {
      token: other.token,
      json: { format: 'coco' },
    })
    expect(forbidden.status).toBe(403)
  })
})
