// A uniform grid over image pixels mapping cells to the items whose bounds touch them, so a
// click among tens of thousands of shapes only tests the handful near the pointer. Items can
// be removed (with the bounds they were inserted with), so an edit updates one item.

import type { Bounds } from './geometry'

const MAX_CELLS_PER_ITEM = 256

export class SpatialGrid<T = number> {
  private readonly cells = new Map<number, Set<T>>()
  /** Items too big for the grid; checked on every query. */
  private readonly large = new Set<T>()

  constructor(readonly cellSize = 128) {}

  insert(item: T, b: Bounds): void {
    if (this.isLarge(b)) {
      this.large.add(item)
      return
    }
    this.visit(b, (cell) => {
      const set = this.cells.get(cell)
      if (set) set.add(item)
      else this.cells.set(cell, new Set([item]))
    })
  }

  /** Removes an item inserted with bounds `b`. */
  remove(item: T, b: Bounds): void {
    if (this.isLarge(b)) {
      this.large.delete(item)
      return
    }
    this.visit(b, (cell) => {
      const set = this.cells.get(cell)
      if (!set) return
      set.delete(item)
      if (set.size === 0) this.cells.delete(cell)
    })
  }

  /** Items whose cells touch the box; may include items that do not, never misses one. */
  query(b: Bounds): Set<T> {
    const out = new Set<T>(this.large)
    const [c1, r1, c2, r2] = this.cellRange(b)
    if ((c2 - c1 + 1) * (r2 - r1 + 1) > this.cells.size) {
      // A box wider than the occupied cells: walk those instead.
      for (const [key, set] of this.cells) {
        const c = Math.floor(key / 0x200000) - 0x100000
        const r = (key % 0x200000) - 0x100000
        if (c >= c1 && c <= c2 && r >= r1 && r <= r2) for (const item of set) out.add(item)
      }
      return out
    }
    for (let r = r1; r <= r2; r++) {
      for (let c = c1; c <= c2; c++) {
        const set = this.cells.get(cellKey(c, r))
        if (set) for (const item of set) out.add(item)
      }
    }
    return out
  }

  clear(): void {
    this.cells.clear()
    this.large.clear()
  }

  private isLarge(b: Bounds): boolean {
    const [c1, r1, c2, r2] = this.cellRange(b)
    return (c2 - c1 + 1) * (r2 - r1 + 1) > MAX_CELLS_PER_ITEM
  }

  /** Calls `f` with every cell key the bounds cover (none for empty or NaN bounds). */
  private visit(b: Bounds, f: (cell: number) => void): void {
    if (!(b[0] <= b[2] && b[1] <= b[3])) return
    const [c1, r1, c2, r2] = this.cellRange(b)
    for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) f(cellKey(c, r))
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
