// A uniform grid over image pixels mapping cells to the items whose bounds touch them, so a
// click among tens of thousands of shapes only tests the handful near the pointer.

import type { Bounds } from './geometry'

const MAX_CELLS_PER_ITEM = 256

export class SpatialGrid {
  private readonly cells = new Map<number, number[]>()
  /** Items too big for the grid; checked on every query. */
  private readonly large: number[] = []

  constructor(readonly cellSize = 128) {}

  insert(item: number, b: Bounds): void {
    if (!(b[0] <= b[2] && b[1] <= b[3])) return
    const [c1, r1, c2, r2] = this.cellRange(b)
    if ((c2 - c1 + 1) * (r2 - r1 + 1) > MAX_CELLS_PER_ITEM) {
      this.large.push(item)
      return
    }
    for (let r = r1; r <= r2; r++) {
      for (let c = c1; c <= c2; c++) {
        const key = cellKey(c, r)
        const list = this.cells.get(key)
        if (list) list.push(item)
        else this.cells.set(key, [item])
      }
    }
  }

  /** Items whose cells touch the box; may include items that do not, never misses one. */
  query(b: Bounds): Set<number> {
    const out = new Set<number>(this.large)
    const [c1, r1, c2, r2] = this.cellRange(b)
    for (let r = r1; r <= r2; r++) {
      for (let c = c1; c <= c2; c++) {
        const list = this.cells.get(cellKey(c, r))
        if (list) for (const item of list) out.add(item)
      }
    }
    return out
  }

  clear(): void {
    this.cells.clear()
    this.large.length = 0
  }

  private cellRange(b: Bounds): [number, number, number, number] {
    const s = this.cellSize
    return [Math.floor(b[0] / s), Math.floor(b[1] / s), Math.floor(b[2] / s), Math.floor(b[3] / s)]
  }
}

function cellKey(c: number, r: number): number {
  // Cells span ±2^20 in each direction, enough for any image at 128 px cells.
  return (c + 0x100000) * 0x200000 + (r + 0x100000)
}
