// Local documents for the editor harness: a project with labels of every attribute type,
// three generated images in one job, and tabs of one browser kept in sync over a
// BroadcastChannel (documents and awareness), so presence can be tried without a server.

import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { JobDocument, ProjectDocument, type ImageRecord } from '@loupe/model'

export const DEV_IMAGES = [
  { name: 'street-001.png', width: 1600, height: 1000, hue: 210 },
  { name: 'street-002.png', width: 1200, height: 900, hue: 30 },
  { name: 'street-003.png', width: 2400, height: 1600, hue: 120 },
]

const SEED_KEY = 'loupe.editor-dev.seed'

function seedDocs(): { project: Y.Doc; job: Y.Doc } {
  const projectDoc = new Y.Doc()
  const project = ProjectDocument.create(projectDoc, {
    name: 'Editor harness',
    labels: [
      {
        id: 'car',
        name: 'car',
        color: '#4f7cff',
        type: 'any',
        attributes: [
          {
            id: 'color',
            name: 'color',
            type: 'select',
            values: ['red', 'blue', 'white'],
            default: 'white',
            mutable: true,
          },
          { id: 'parked', name: 'parked', type: 'checkbox', default: false, mutable: true },
          { id: 'make', name: 'make', type: 'text', default: '', mutable: false },
        ],
      },
      {
        id: 'person',
        name: 'person',
        color: '#e15759',
        type: 'any',
        attributes: [
          {
            id: 'pose',
            name: 'pose',
            type: 'radio',
            values: ['standing', 'sitting'],
            default: 'standing',
            mutable: true,
          },
          {
            id: 'age',
            name: 'age',
            type: 'number',
            values: [0, 120, 1],
            default: 30,
            mutable: true,
          },
        ],
      },
      { id: 'road', name: 'road', color: '#48c78e', type: 'polygon', attributes: [] },
      { id: 'lane', name: 'lane', color: '#f0b450', type: 'polyline', attributes: [] },
      { id: 'sky', name: 'sky', color: '#b07aa1', type: 'mask', attributes: [] },
      { id: 'daytime', name: 'daytime', color: '#76b7b2', type: 'any', attributes: [] },
    ],
  })
  project.addImages(
    DEV_IMAGES.map((img, i) => ({
      id: `img${i + 1}`,
      name: img.name,
      sha256: String(i + 1).repeat(64),
      width: img.width,
      height: img.height,
    })),
  )
  const jobId = project.listJobs()[0]!.id
  const jobDoc = new Y.Doc()
  const job = JobDocument.create(jobDoc, { projectId: 'dev', jobId }, project)
  job.addShape({ imageId: 'img1', labelId: 'car', type: 'rectangle', points: [200, 500, 520, 720] })
  job.addShape({
    imageId: 'img1',
    labelId: 'road',
    type: 'polygon',
    points: [0, 1000, 700, 620, 900, 620, 1600, 1000],
  })
  return { project: projectDoc, job: jobDoc }
}

const toBase64 = (u: Uint8Array) => btoa(String.fromCharCode(...u))
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))

function readSeed(): { project: string; job: string } | null {
  try {
    return JSON.parse(localStorage.getItem(SEED_KEY) ?? 'null') as {
      project: string
      job: string
    } | null
  } catch {
    return null
  }
}

export interface DevSession {
  project: ProjectDocument
  job: JobDocument
  images: ImageRecord[]
  awareness: Awareness
}

/** Opens (or seeds) the harness documents and joins the tabs' channel. */
export function openDevSession(userId: string, fresh: boolean): DevSession {
  const seed = fresh ? null : readSeed()
  const projectDoc = new Y.Doc()
  const jobDoc = new Y.Doc()
  if (seed) {
    Y.applyUpdate(projectDoc, fromBase64(seed.project))
    Y.applyUpdate(jobDoc, fromBase64(seed.job))
  } else {
    const made = seedDocs()
    Y.applyUpdate(projectDoc, Y.encodeStateAsUpdate(made.project))
    Y.applyUpdate(jobDoc, Y.encodeStateAsUpdate(made.job))
  }
  const save = () =>
    localStorage.setItem(
      SEED_KEY,
      JSON.stringify({
        project: toBase64(Y.encodeStateAsUpdate(projectDoc)),
        job: toBase64(Y.encodeStateAsUpdate(jobDoc)),
      }),
    )
  save()
  const project = ProjectDocument.open(projectDoc, { userId })
  const job = JobDocument.open(jobDoc, project, { userId })
  const awareness = new Awareness(jobDoc)
  const channel = new BroadcastChannel('loupe-editor-dev')
  const docs = { project: projectDoc, job: jobDoc }
  for (const [name, doc] of Object.entries(docs)) {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== channel) channel.postMessage({ doc: name, update })
      save()
    })
  }
  awareness.on(
    'update',
    ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin === channel) return
      const changed = [...added!, ...updated!, ...removed!]
      channel.postMessage({ awareness: encodeAwarenessUpdate(awareness, changed) })
    },
  )
  channel.onmessage = (
    e: MessageEvent<{
      doc?: 'project' | 'job'
      update?: Uint8Array
      awareness?: Uint8Array
      hello?: boolean
    }>,
  ) => {
    const { doc, update } = e.data
    if (doc && update) Y.applyUpdate(docs[doc], update, channel)
    if (e.data.awareness) applyAwarenessUpdate(awareness, e.data.awareness, channel)
    if (e.data.hello)
      channel.postMessage({ awareness: encodeAwarenessUpdate(awareness, [awareness.clientID]) })
  }
  channel.postMessage({ hello: true })
  window.addEventListener('beforeunload', () => awareness.setLocalState(null))
  return { project, job, images: project.jobImages(job.jobId), awareness }
}

/** A test picture: a gradient street scene with a grid, so zoom and pan are visible. */
export async function drawDevImage(image: ImageRecord): Promise<ImageBitmap> {
  const spec = DEV_IMAGES.find((d) => d.name === image.name) ?? { hue: 200 }
  const canvas = new OffscreenCanvas(image.width, image.height)
  const g = canvas.getContext('2d')!
  const sky = g.createLinearGradient(0, 0, 0, image.height)
  sky.addColorStop(0, `hsl(${spec.hue} 60% 70%)`)
  sky.addColorStop(0.6, `hsl(${spec.hue} 30% 40%)`)
  sky.addColorStop(1, `hsl(${spec.hue} 10% 20%)`)
  g.fillStyle = sky
  g.fillRect(0, 0, image.width, image.height)
  g.strokeStyle = 'rgba(255,255,255,0.15)'
  for (let x = 0; x < image.width; x += 100) g.strokeRect(x, 0, 0, image.height)
  for (let y = 0; y < image.height; y += 100) g.strokeRect(0, y, image.width, 0)
  g.fillStyle = 'rgba(0,0,0,0.35)'
  g.beginPath()
  g.moveTo(0, image.height)
  g.lineTo(image.width * 0.44, image.height * 0.62)
  g.lineTo(image.width * 0.56, image.height * 0.62)
  g.lineTo(image.width, image.height)
  g.fill()
  g.fillStyle = '#fff'
  g.font = `${Math.round(image.height / 12)}px sans-serif`
  g.fillText(image.name, 40, image.height / 8)
  return createImageBitmap(canvas)
}
