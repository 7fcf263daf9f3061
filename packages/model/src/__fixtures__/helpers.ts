import * as Y from 'yjs'
import { Origin } from '../origins'
import { ProjectDocument } from '../project'
import type { Clock } from '../clock'

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Decodes standard base64 (the fixtures' encoding) without Node or DOM APIs. */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '')
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let bits = 0
  let value = 0
  let o = 0
  for (const ch of clean) {
    const v = B64.indexOf(ch)
    if (v < 0) throw new Error(`invalid base64 character ${ch}`)
    value = (value << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (value >> bits) & 0xff
    }
  }
  return out
}

/** A doc holding the given update, applied as a remote update would be. */
export function docFromBase64(update: string): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, fromBase64(update), Origin.remote)
  return doc
}

/** Sends each doc's missing updates to every other (full mesh), as the relay would. */
export function sync(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from === to) continue
      Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), Origin.remote)
    }
  }
}

/** A doc that starts as a copy of `source` (a peer that has synced once). */
export function replica(source: Y.Doc): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source), Origin.remote)
  return doc
}

/** A clock that returns 2025-01-01T00:00:0N.000Z, one second later on each call. */
export function steppingClock(): Clock {
  let t = Date.UTC(2025, 0, 1)
  return () => {
    const now = new Date(t).toISOString()
    t += 1000
    return now
  }
}

export const SHA_A = 'a'.repeat(64)
export const SHA_B = 'b'.repeat(64)

/** A project with one label of every kind the tests need and one image `img1` in one job. */
export function sampleProject(doc = new Y.Doc(), userId = 'alice'): ProjectDocument {
  const project = ProjectDocument.create(
    doc,
    {
      name: 'Sample',
      createdAt: '2025-01-01T00:00:00.000Z',
      labels: [
        {
          id: 'car',
          name: 'car',
          attributes: [
            { id: 'color', name: 'color', type: 'select', values: ['red', 'blue'] },
            { id: 'kind', name: 'kind', type: 'radio', values: ['sedan', 'van'], default: 'van' },
            { id: 'parked', name: 'parked', type: 'checkbox' },
            { id: 'speed', name: 'speed', type: 'number', values: [0, 200, 1], default: 50 },
            { id: 'plate', name: 'plate', type: 'text', mutable: true },
          ],
        },
        {
          id: 'truck',
          name: 'truck',
          type: 'any',
          attributes: [{ id: 'axles', name: 'axles', type: 'number' }],
        },
        { id: 'box', name: 'box', type: 'rectangle' },
        {
          id: 'person',
          name: 'person',
          type: 'skeleton',
          skeleton: {
            nodes: ['head', 'left hand', 'right hand'],
            edges: [
              [0, 1],
              [0, 2],
            ],
          },
        },
      ],
    },
    { userId },
  )
  project.addImages([
    { id: 'img1', name: 'one.png', sha256: SHA_A, width: 100, height: 80 },
    { id: 'img2', name: 'two.png', sha256: SHA_B, width: 100, height: 80 },
  ])
  return project
}
