// Test data set up through the REST API (what is not under test), and reads of the server's
// documents (the most honest check of what reached the server).

import { crc32, deflateSync } from 'node:zlib'
import type * as Y from 'yjs'
import { JobDocument, Origin } from '@loupe/model'
import type { LabelRecord } from '@loupe/model'
import type { E2E } from './harness'
import { ADMIN_TOKEN } from './harness'

type Label = LabelRecord

export interface UploadedImage {
  id: string
  name: string
  jobId: string
}

export interface ServerShape {
  id: string
  imageId: string
  labelId: string
  type: string
  points: number[]
}

async function call<T>(e2e: E2E, token: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${e2e.server.url}/api${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, ...init.headers },
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

function postJson<T>(e2e: E2E, token: string, path: string, body: unknown): Promise<T> {
  return call<T>(e2e, token, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
}

export const CAR = { name: 'car', color: '#e53935' }
export const PERSON = { name: 'person', color: '#1e88e5' }

/**
 * A project whose first labels are car and person (then `more`); returns its id, manager token
 * and labels.
 */
export async function createProject(
  e2e: E2E,
  name: string,
  more: Array<{ name: string; color: string; type?: string; skeleton?: unknown }> = [],
) {
  const { id, token } = await postJson<{ id: string; token: string }>(
    e2e,
    ADMIN_TOKEN,
    '/projects',
    {
      name,
      labels: [CAR, PERSON, ...more],
    },
  )
  const { labels } = await call<{ labels: Label[] }>(e2e, token, `/projects/${id}`)
  const byName = (n: string) => labels.find((l) => l.name === n)!
  return { id, token, labels, car: byName('car'), person: byName('person') }
}

export async function shareLink(
  e2e: E2E,
  projectId: string,
  managerToken: string,
  role: 'annotator' | 'viewer',
): Promise<string> {
  const { token } = await postJson<{ token: string }>(
    e2e,
    managerToken,
    `/projects/${projectId}/share`,
    { role },
  )
  return token
}

/** Uploads real PNGs (a small street-like scene each) and returns the registered images. */
export async function uploadImages(
  e2e: E2E,
  projectId: string,
  token: string,
  names: string[],
): Promise<UploadedImage[]> {
  const form = new FormData()
  names.forEach((name, i) => {
    const bytes = scenePng(640, 480, i)
    form.append('files', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name)
  })
  const { images } = await call<{ images: UploadedImage[] }>(
    e2e,
    token,
    `/projects/${projectId}/images`,
    { method: 'POST', body: form },
  )
  return images
}

/** The shapes of a job as the server holds them. */
export function serverShapes(e2e: E2E, projectId: string, jobId: string): Promise<ServerShape[]> {
  return e2e.server.relay.read(`job/${projectId}/${jobId}`, (doc: Y.Doc) => {
    const shapes = doc.getMap('shapes').toJSON() as Record<string, Omit<ServerShape, 'id'>>
    return Object.entries(shapes).map(([id, s]) => ({
      id,
      imageId: s.imageId,
      labelId: s.labelId,
      type: s.type,
      points: s.points,
    }))
  })
}

/**
 * Boxes written on the server, as if an annotator had drawn them earlier (creates the job
 * document when nobody has opened the job yet). Returns the new shapes' ids.
 */
export function seedBoxes(
  e2e: E2E,
  project: { id: string; labels: Label[] },
  image: UploadedImage,
  boxes: Array<{ labelId: string; points: [number, number, number, number] }>,
): Promise<string[]> {
  const lookup = { getLabel: (id: string) => project.labels.find((l) => l.id === id) }
  const options = { origin: Origin.server, userId: 'seed' }
  return e2e.server.relay.change(`job/${project.id}/${image.jobId}`, (doc: Y.Doc) => {
    const job = doc.getMap('meta').size
      ? JobDocument.open(doc, lookup, options)
      : JobDocument.create(doc, { projectId: project.id, jobId: image.jobId }, lookup, options)
    return boxes.map(
      (box) => job.addShape({ imageId: image.id, type: 'rectangle', source: 'manual', ...box }).id,
    )
  })
}

// --- PNG --------------------------------------------------------------------------------------

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data])
  return Buffer.concat([u32(data.length), typeAndData, u32(crc32(typeAndData))])
}

/**
 * An RGB PNG that reads as a scene in a screenshot: a sky gradient, a road, and a few coloured
 * blocks; `variant` moves the blocks so every image has its own bytes (and hash).
 */
export function scenePng(width: number, height: number, variant = 0): Buffer {
  const horizon = Math.round(height * 0.55)
  const blocks = [
    { x: 80 + variant * 37, y: horizon + 40, w: 150, h: 70, rgb: [170, 40, 40] },
    { x: 360 - variant * 23, y: horizon + 70, w: 130, h: 60, rgb: [40, 70, 150] },
    { x: 520, y: horizon - 90, w: 30, h: 110, rgb: [230, 190, 60] },
    { x: 270, y: horizon - 20, w: 26, h: 84, rgb: [40, 90, 60] },
    { x: 560, y: horizon + 136, w: 60, h: 36, rgb: [35, 35, 40] },
  ]
  const raw = Buffer.alloc(height * (1 + width * 3))
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3)
    for (let x = 0; x < width; x++) {
      let rgb: number[]
      const block = blocks.find((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h)
      if (block) rgb = block.rgb
      else if (y < horizon) {
        const t = y / horizon
        rgb = [Math.round(120 + 100 * t), Math.round(170 + 60 * t), 235]
      } else {
        const shade = 90 + (((x >> 5) + (y >> 5)) % 2) * 6
        const lane = Math.abs(y - (horizon + height) / 2) < 3 && x % 80 < 40
        rgb = lane ? [235, 235, 235] : [shade, shade, shade + 4]
      }
      raw.set(rgb, row + 1 + x * 3)
    }
  }
  const header = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
