import * as Y from 'yjs'
import { browserStorage } from '../browser-storage'
import { openLocalDatabase } from './local-store'
import type { LocalDocumentStore } from './local-store'

/**
 * A plain copy of one image's shapes, kept beside a job document in IndexedDB (`custom` store,
 * key `shapes/<imageId>`), so that opening a big job can paint its shapes before the document
 * itself is loaded (applying a 6 MB Yjs update takes longer than the first-paint budget).
 *
 * It is a preview only: it may lag behind the document (it is written when the page is idle),
 * it is never edited, and it is dropped as soon as the document is loaded; from then on the
 * document is read. Geometry sits in typed arrays so that reading 10,000 shapes back from
 * IndexedDB costs a few milliseconds.
 */
export interface PreviewShape {
  id: string
  imageId: string
  labelId: string
  type: string
  points: number[]
  rotation: number
  zOrder: number
  mask?: { size: [number, number]; counts: number[] }
}

interface StoredSnapshot {
  version: 1
  imageId: string
  ids: string[]
  labelIds: string[]
  types: string[]
  zOrders: Float64Array
  rotations: Float64Array
  /** Shape i's points are `points[offsets[i] .. offsets[i+1])`. */
  offsets: Uint32Array
  points: Float64Array
  /** Masks by shape index (sparse). */
  masks: [number, { size: [number, number]; counts: number[] }][]
}

export const snapshotKey = (imageId: string) => `shapes/${imageId}`

/**
 * localStorage key of the image whose preview a job room read last: the next open of the room
 * reads that preview before the document's log (LocalStoreOptions.readFirst), before it knows
 * which image it will show.
 */
export const previewHintKey = (room: string) => `loupe.preview.${room}`

/** The image whose preview the room showed last, if any. */
export function previewHint(room: string): string | null {
  try {
    return browserStorage()?.getItem(previewHintKey(room)) ?? null
  } catch {
    return null
  }
}

export function rememberPreviewHint(room: string, imageId: string): void {
  try {
    const storage = browserStorage()
    if (storage && storage.getItem(previewHintKey(room)) !== imageId)
      storage.setItem(previewHintKey(room), imageId)
  } catch {
    // only a hint
  }
}

const isNumbers = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((n) => typeof n === 'number' && Number.isFinite(n))

function readMask(value: unknown): PreviewShape['mask'] | undefined {
  if (!value || typeof value !== 'object') return undefined
  const { size, counts } = value as { size?: unknown; counts?: unknown }
  if (!isNumbers(size) || size.length !== 2 || !isNumbers(counts)) return undefined
  return { size: [size[0]!, size[1]!], counts }
}

/** The shapes of every image of a job document, read from its Y.Maps (tolerant, like the model). */
export function readPreviewShapes(doc: Y.Doc, imageIds?: ReadonlySet<string>): PreviewShape[] {
  const out: PreviewShape[] = []
  doc.getMap('shapes').forEach((value, id) => {
    if (!(value instanceof Y.Map)) return
    const map = value as Y.Map<unknown>
    const imageId = map.get('imageId')
    const labelId = map.get('labelId')
    const type = map.get('type')
    const points = map.get('points')
    if (typeof imageId !== 'string' || typeof labelId !== 'string' || typeof type !== 'string')
      return
    if (imageIds && !imageIds.has(imageId)) return
    if (!isNumbers(points)) return
    const rotation = map.get('rotation')
    const zOrder = map.get('zOrder')
    const shape: PreviewShape = {
      id,
      imageId,
      labelId,
      type,
      points,
      rotation: typeof rotation === 'number' && Number.isFinite(rotation) ? rotation : 0,
      zOrder: typeof zOrder === 'number' && Number.isFinite(zOrder) ? zOrder : 0,
    }
    const mask = readMask(map.get('mask'))
    if (mask) shape.mask = mask
    out.push(shape)
  })
  return out.sort((a, b) => a.zOrder - b.zOrder || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export function encodeSnapshot(imageId: string, shapes: readonly PreviewShape[]): StoredSnapshot {
  const n = shapes.length
  const offsets = new Uint32Array(n + 1)
  let total = 0
  shapes.forEach((s, i) => {
    offsets[i] = total
    total += s.points.length
  })
  offsets[n] = total
  const points = new Float64Array(total)
  const zOrders = new Float64Array(n)
  const rotations = new Float64Array(n)
  const masks: StoredSnapshot['masks'] = []
  shapes.forEach((s, i) => {
    points.set(s.points, offsets[i]!)
    zOrders[i] = s.zOrder
    rotations[i] = s.rotation
    if (s.mask) masks.push([i, s.mask])
  })
  return {
    version: 1,
    imageId,
    ids: shapes.map((s) => s.id),
    labelIds: shapes.map((s) => s.labelId),
    types: shapes.map((s) => s.type),
    zOrders,
    rotations,
    offsets,
    points,
    masks,
  }
}

/** Reads a stored snapshot back; null when it is missing or not one this code wrote. */
export function decodeSnapshot(value: unknown, imageId: string): PreviewShape[] | null {
  if (!value || typeof value !== 'object') return null
  const s = value as Partial<StoredSnapshot>
  if (s.version !== 1 || s.imageId !== imageId) return null
  const { ids, labelIds, types, zOrders, rotations, offsets, points, masks } = s
  if (!Array.isArray(ids) || !Array.isArray(labelIds) || !Array.isArray(types)) return null
  if (!(offsets instanceof Uint32Array) || !(points instanceof Float64Array)) return null
  if (!(zOrders instanceof Float64Array) || !(rotations instanceof Float64Array)) return null
  const n = ids.length
  if (labelIds.length !== n || types.length !== n || offsets.length !== n + 1) return null
  if (zOrders.length !== n || rotations.length !== n || offsets[n] !== points.length) return null
  const byIndex = new Map(Array.isArray(masks) ? masks : [])
  const out: PreviewShape[] = new Array<PreviewShape>(n)
  for (let i = 0; i < n; i++) {
    const shape: PreviewShape = {
      id: ids[i]!,
      imageId,
      labelId: labelIds[i]!,
      type: types[i]!,
      points: Array.from(points.subarray(offsets[i]!, offsets[i + 1]!)),
      rotation: rotations[i]!,
      zOrder: zOrders[i]!,
    }
    const mask = byIndex.get(i)
    if (mask) shape.mask = mask
    out[i] = shape
  }
  return out
}

/**
 * The stored preview of one image's shapes, or null: through an open store, or by database name
 * (its own short connection, so it can be read before the store starts reading the log).
 */
export async function readShapeSnapshot(
  from: LocalDocumentStore | string,
  imageId: string,
): Promise<PreviewShape[] | null> {
  try {
    if (typeof from !== 'string')
      return decodeSnapshot(await from.get(snapshotKey(imageId)), imageId)
    const db = await openLocalDatabase(from)
    try {
      const req = db
        .transaction('custom', 'readonly')
        .objectStore('custom')
        .get(snapshotKey(imageId))
      const value = await new Promise<unknown>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error ?? new Error('read failed'))
      })
      return decodeSnapshot(value, imageId)
    } finally {
      db.close()
    }
  } catch {
    return null
  }
}

/**
 * Keeps the stored previews of a job document up to date: after the document is loaded, and
 * for the images whose shapes changed, when the page is idle (never on the editing path).
 * Returns a stop function.
 */
export function keepShapeSnapshots(
  store: LocalDocumentStore,
  options: { idle?: (fn: () => void) => () => void; delayMs?: number } = {},
): () => void {
  const doc = store.doc
  const shapes = doc.getMap('shapes')
  const dirty = new Set<string>()
  let all = false
  let cancel: (() => void) | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  const idle =
    options.idle ??
    ((fn: () => void) => {
      if (typeof requestIdleCallback === 'function') {
        const id = requestIdleCallback(fn, { timeout: 5000 })
        return () => cancelIdleCallback(id)
      }
      const id = setTimeout(fn, 0)
      return () => clearTimeout(id)
    })

  const write = async () => {
    cancel = null
    if (stopped) return
    const wanted = all ? undefined : new Set(dirty)
    const wasAll = all
    all = false
    dirty.clear()
    const byImage = new Map<string, PreviewShape[]>()
    if (wanted) for (const id of wanted) byImage.set(id, [])
    for (const shape of readPreviewShapes(doc, wanted)) {
      const list = byImage.get(shape.imageId)
      if (list) list.push(shape)
      else byImage.set(shape.imageId, [shape])
    }
    try {
      for (const [imageId, list] of byImage) {
        if (stopped) return
        await store.set(snapshotKey(imageId), encodeSnapshot(imageId, list))
      }
    } catch {
      // a preview is optional: the document stays the source of truth
      if (wasAll) all = true
    }
  }
  const schedule = () => {
    if (stopped || cancel || timer) return
    timer = setTimeout(() => {
      timer = null
      cancel = idle(() => void write())
    }, options.delayMs ?? 1000)
  }
  const onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    for (const event of events) {
      if (event.target === shapes) {
        for (const [key, change] of event.changes.keys) {
          // a deleted shape's map no longer tells its image: rewrite every image's preview
          if (change.action !== 'add') all = true
          const now = shapes.get(key)
          if (now instanceof Y.Map && typeof now.get('imageId') === 'string') {
            dirty.add(now.get('imageId') as string)
          }
        }
      } else {
        let map: Y.AbstractType<unknown> | null = event.target
        while (map && map.parent !== shapes) map = map.parent as Y.AbstractType<unknown> | null
        if (map instanceof Y.Map && typeof map.get('imageId') === 'string') {
          dirty.add(map.get('imageId') as string)
        }
      }
    }
    if (dirty.size > 0 || all) schedule()
  }
  void store.whenSynced.then(() => {
    if (stopped) return
    all = true
    schedule()
    shapes.observeDeep(onChange)
  })
  return () => {
    stopped = true
    shapes.unobserveDeep(onChange)
    cancel?.()
    if (timer) clearTimeout(timer)
  }
}
