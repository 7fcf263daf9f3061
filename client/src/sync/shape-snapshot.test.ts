import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { LocalDocumentStore } from './local-store'
import {
  decodeSnapshot,
  encodeSnapshot,
  keepShapeSnapshots,
  readPreviewShapes,
  readShapeSnapshot,
} from './shape-snapshot'

let n = 0
const stores: LocalDocumentStore[] = []
const manual = { idle: () => () => {} }

function addShape(doc: Y.Doc, id: string, imageId: string, points: number[], zOrder = 0) {
  const map = new Y.Map<unknown>()
  doc.getMap('shapes').set(id, map)
  map.set('imageId', imageId)
  map.set('labelId', 'l1')
  map.set('type', 'polygon')
  map.set('points', points)
  map.set('rotation', 0)
  map.set('zOrder', zOrder)
  return map
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.destroy()
})

describe('shape previews', () => {
  it('round-trip through the stored form, masks included', () => {
    const doc = new Y.Doc()
    addShape(doc, 'b', 'img1', [1, 2, 3, 4, 5, 6], 2)
    addShape(doc, 'a', 'img1', [7.5, 8, 9, 10, 11, 12], 1).set('mask', {
      size: [2, 2],
      counts: [1, 2, 1],
    })
    addShape(doc, 'c', 'img2', [0, 0, 1, 1, 2, 2])
    const shapes = readPreviewShapes(doc, new Set(['img1']))
    expect(shapes.map((s) => s.id)).toEqual(['a', 'b'])
    const stored = structuredClone(encodeSnapshot('img1', shapes))
    expect(decodeSnapshot(stored, 'img1')).toEqual(shapes)
    expect(decodeSnapshot(stored, 'img2')).toBeNull()
    expect(decodeSnapshot({ ...stored, points: [1, 2] }, 'img1')).toBeNull()
  })

  it('are rewritten for the images whose shapes changed, deletes included', async () => {
    const name = `loupe:snap-${++n}`
    const doc = new Y.Doc()
    const store = new LocalDocumentStore(name, doc, manual)
    stores.push(store)
    const idle: (() => void)[] = []
    const stop = keepShapeSnapshots(store, {
      idle: (fn) => (idle.push(fn), () => {}),
      delayMs: 0,
    })
    await store.whenSynced
    const runIdle = async () => {
      await new Promise((r) => setTimeout(r, 5))
      for (const fn of idle.splice(0)) fn()
      await new Promise((r) => setTimeout(r, 20))
    }
    addShape(doc, 's1', 'img1', [0, 0, 10, 0, 10, 10])
    addShape(doc, 's2', 'img1', [5, 5, 6, 6, 7, 5])
    await runIdle()
    expect((await readShapeSnapshot(store, 'img1'))?.map((s) => s.id)).toEqual(['s1', 's2'])

    ;(doc.getMap('shapes').get('s1') as Y.Map<unknown>).set('points', [1, 1, 2, 2, 3, 1])
    await runIdle()
    expect((await readShapeSnapshot(store, 'img1'))?.[0]?.points).toEqual([1, 1, 2, 2, 3, 1])

    doc.getMap('shapes').delete('s2')
    await runIdle()
    expect((await readShapeSnapshot(store, 'img1'))?.map((s) => s.id)).toEqual(['s1'])
    stop()
    // read by database name too (before a store is opened)
    expect((await readShapeSnapshot(name, 'img1'))?.map((s) => s.id)).toEqual(['s1'])
  })
})
