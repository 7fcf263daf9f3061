// Intelligent scissors (live-wire): the cheapest 8-connected path between two points over a cost
// map that is low along strong edges (1 − normalised Sobel gradient magnitude of luminance, plus
// a small floor so straight runs win over wandering). `LiveWire.from(anchor)` runs Dijkstra once
// from an anchor over a window; `pathTo(cursor)` then follows the tree back in O(path length),
// so a moving cursor costs nothing more.

import type { Point } from './geometry'
import type { RgbaImage } from './resize'

/** Edge cost map: `cost[y * width + x]` in [floor, 1]. */
export interface CostMap {
  width: number
  height: number
  cost: Float32Array
}

/** Cost of a pixel with the strongest gradient of the image. */
const COST_FLOOR = 0.05

/** The live-wire cost map of an image (Sobel gradient magnitude of luminance). */
export function edgeCostMap(image: RgbaImage): CostMap {
  const { width: w, height: h, data } = image
  const lum = new Float32Array(w * h)
  for (let i = 0; i < w * h; i++) {
    lum[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!
  }
  const grad = new Float32Array(w * h)
  let maxGrad = 0
  const at = (x: number, y: number) =>
    lum[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx =
        at(x + 1, y - 1) +
        2 * at(x + 1, y) +
        at(x + 1, y + 1) -
        at(x - 1, y - 1) -
        2 * at(x - 1, y) -
        at(x - 1, y + 1)
      const gy =
        at(x - 1, y + 1) +
        2 * at(x, y + 1) +
        at(x + 1, y + 1) -
        at(x - 1, y - 1) -
        2 * at(x, y - 1) -
        at(x + 1, y - 1)
      const g = Math.hypot(gx, gy)
      grad[y * w + x] = g
      if (g > maxGrad) maxGrad = g
    }
  }
  const cost = new Float32Array(w * h)
  for (let i = 0; i < w * h; i++) {
    cost[i] = COST_FLOOR + (1 - COST_FLOOR) * (1 - (maxGrad > 0 ? grad[i]! / maxGrad : 0))
  }
  return { width: w, height: h, cost }
}

/** A binary min-heap of (priority, value). */
class Heap {
  private keys: number[] = []
  private values: number[] = []
  get size(): number {
    return this.keys.length
  }
  push(key: number, value: number): void {
    const keys = this.keys
    const values = this.values
    let i = keys.length
    keys.push(key)
    values.push(value)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (keys[parent]! <= key) break
      keys[i] = keys[parent]!
      values[i] = values[parent]!
      i = parent
    }
    keys[i] = key
    values[i] = value
  }
  /** Removes the minimum; returns its value. */
  pop(): number {
    const keys = this.keys
    const values = this.values
    const top = values[0]!
    const lastKey = keys.pop()!
    const lastValue = values.pop()!
    const n = keys.length
    if (n > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const c = r < n && keys[r]! < keys[l]! ? r : l
        if (keys[c]! >= lastKey) break
        keys[i] = keys[c]!
        values[i] = values[c]!
        i = c
      }
      keys[i] = lastKey
      values[i] = lastValue
    }
    return top
  }
  peekKey(): number {
    return this.keys[0]!
  }
}

export interface Window {
  x1: number
  y1: number
  x2: number
  y2: number
}

/** Shortest paths from one anchor over a window of the cost map. */
export class LiveWire {
  private constructor(
    private readonly map: CostMap,
    readonly anchor: Point,
    readonly window: Window,
    private readonly parent: Int32Array,
  ) {}

  /**
   * Dijkstra from `anchor` over `window` (whole pixels, x2/y2 exclusive; default the whole
   * map). Moving the cursor outside the window gives no path: grow it around anchor and cursor.
   */
  static from(map: CostMap, anchor: Point, window?: Window): LiveWire {
    const win = clampWindow(map, window ?? { x1: 0, y1: 0, x2: map.width, y2: map.height })
    const ww = win.x2 - win.x1
    const wh = win.y2 - win.y1
    const parent = new Int32Array(ww * wh).fill(-2) // -2 unreached, -1 the anchor
    const dist = new Float64Array(ww * wh).fill(Infinity)
    const done = new Uint8Array(ww * wh)
    const ax = Math.min(win.x2 - 1, Math.max(win.x1, Math.floor(anchor.x))) - win.x1
    const ay = Math.min(win.y2 - 1, Math.max(win.y1, Math.floor(anchor.y))) - win.y1
    const start = ay * ww + ax
    dist[start] = 0
    parent[start] = -1
    const heap = new Heap()
    heap.push(0, start)
    const cost = map.cost
    const mw = map.width
    while (heap.size > 0) {
      const key = heap.peekKey()
      const i = heap.pop()
      if (done[i] || key > dist[i]!) continue
      done[i] = 1
      const x = i % ww
      const y = (i - x) / ww
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy
        if (ny < 0 || ny >= wh) continue
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx
          if ((dx === 0 && dy === 0) || nx < 0 || nx >= ww) continue
          const j = ny * ww + nx
          if (done[j]) continue
          const step =
            cost[(ny + win.y1) * mw + nx + win.x1]! * (dx !== 0 && dy !== 0 ? Math.SQRT2 : 1)
          const d = key + step
          if (d < dist[j]!) {
            dist[j] = d
            parent[j] = i
            heap.push(d, j)
          }
        }
      }
    }
    return new LiveWire(map, anchor, win, parent)
  }

  /**
   * The path from the anchor to `target` as flat `x,y` pixel centres (anchor first), or null
   * when the target is outside the window.
   */
  pathTo(target: Point): number[] | null {
    const win = this.window
    const tx = Math.floor(target.x)
    const ty = Math.floor(target.y)
    if (tx < win.x1 || ty < win.y1 || tx >= win.x2 || ty >= win.y2) return null
    const ww = win.x2 - win.x1
    let i = (ty - win.y1) * ww + (tx - win.x1)
    if (this.parent[i] === -2) return null
    const reversed: number[] = []
    while (i >= 0) {
      const x = i % ww
      reversed.push((i - x) / ww + win.y1 + 0.5, x + win.x1 + 0.5)
      i = this.parent[i]!
    }
    return reversed.reverse()
  }

  /** The cost map this wire runs over. */
  get costs(): CostMap {
    return this.map
  }
}

function clampWindow(map: CostMap, w: Window): Window {
  const x1 = Math.max(0, Math.floor(w.x1))
  const y1 = Math.max(0, Math.floor(w.y1))
  return {
    x1,
    y1,
    x2: Math.max(x1 + 1, Math.min(map.width, Math.ceil(w.x2))),
    y2: Math.max(y1 + 1, Math.min(map.height, Math.ceil(w.y2))),
  }
}

/** A window around two points with a margin (pixels), for `LiveWire.from`. */
export function windowAround(a: Point, b: Point, margin: number): Window {
  return {
    x1: Math.min(a.x, b.x) - margin,
    y1: Math.min(a.y, b.y) - margin,
    x2: Math.max(a.x, b.x) + margin + 1,
    y2: Math.max(a.y, b.y) + margin + 1,
  }
}

/** The live-wire path between two points (flat `x,y` pixel centres), searched near them. */
export function scissorsPath(map: CostMap, from: Point, to: Point, margin = 32): number[] | null {
  return LiveWire.from(map, from, windowAround(from, to, margin)).pathTo(to)
}
