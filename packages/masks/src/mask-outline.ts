// Mask → polygons: the outline of each 4-connected region of a mask, traced along pixel edges.
// Vertices sit on pixel corners, so filling an outline with `fillPolygon` (pixel-centre rule)
// gives back exactly the region's pixels, with its holes filled (holes are not traced).
// The work is on the mask's runs (one per column stretch of set pixels), never on its pixels:
// regions are runs joined where they overlap in neighbouring columns, and the tracer asks which
// run, if any, holds a pixel. A 4,000 × 4,000 disc costs its ~8,000 runs and its perimeter.

import type { Bitmap, PixelBox, Rle } from './rle'

/** The set runs of a mask, column by column: run i covers rows [top[i], bottom[i]) of its column. */
interface ColumnRuns {
  width: number
  height: number
  /** Runs of column x are first[x] … first[x + 1] - 1, top to bottom. */
  first: Int32Array
  top: Int32Array
  bottom: Int32Array
}

class RunList {
  top: number[] = []
  bottom: number[] = []
  column: number[] = []

  /** Appends rows [top, bottom) of `column` (runs come in column-major order). */
  add(column: number, top: number, bottom: number): void {
    const n = this.top.length
    if (n > 0 && this.column[n - 1] === column && this.bottom[n - 1] === top) {
      this.bottom[n - 1] = bottom // an empty run of 0 between two runs of 1
      return
    }
    this.top.push(top)
    this.bottom.push(bottom)
    this.column.push(column)
  }

  finish(width: number, height: number): ColumnRuns {
    const first = new Int32Array(width + 1)
    for (const x of this.column) first[x + 1]!++
    for (let x = 0; x < width; x++) first[x + 1]! += first[x]!
    return {
      width,
      height,
      first,
      top: Int32Array.from(this.top),
      bottom: Int32Array.from(this.bottom),
    }
  }
}

function rleRuns(rle: Rle): ColumnRuns {
  const [h, w] = rle.size
  const runs = new RunList()
  const total = w * h
  let at = 0
  for (let i = 0; i < rle.counts.length && at < total; i++) {
    const end = Math.min(at + rle.counts[i]!, total)
    if (i % 2 === 1) {
      // split at column ends
      for (let start = at; start < end;) {
        const x = Math.floor(start / h)
        const stop = Math.min(end, (x + 1) * h)
        runs.add(x, start - x * h, stop - x * h)
        start = stop
      }
    }
    at = end
  }
  return runs.finish(w, h)
}

function bitmapRuns(bitmap: Bitmap): ColumnRuns {
  const { width: w, height: h, data } = bitmap
  const runs = new RunList()
  for (let x = 0; x < w; x++) {
    let y = 0
    while (y < h) {
      while (y < h && !data[y * w + x]) y++
      if (y >= h) break
      const top = y
      while (y < h && data[y * w + x]) y++
      runs.add(x, top, y)
    }
  }
  return runs.finish(w, h)
}

/**
 * Labels 4-connected regions of runs 1, 2, … in raster order (row-major) of each region's first
 * pixel: runs of neighbouring columns that share a row are joined (union-find).
 */
function labelRuns(runs: ColumnRuns): { labels: Int32Array; starts: [number, number][] } {
  const { width: w, first, top, bottom } = runs
  const n = top.length
  const parent = new Int32Array(n)
  for (let i = 0; i < n; i++) parent[i] = i
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!
      i = parent[i]!
    }
    return i
  }
  for (let x = 0; x + 1 < w; x++) {
    let i = first[x]!
    let j = first[x + 1]!
    const iEnd = first[x + 1]!
    const jEnd = first[x + 2]!
    while (i < iEnd && j < jEnd) {
      if (top[i]! < bottom[j]! && top[j]! < bottom[i]!) {
        const a = find(i)
        const b = find(j)
        if (a !== b) parent[a < b ? b : a] = a < b ? a : b
      }
      if (bottom[i]! <= bottom[j]!) i++
      else j++
    }
  }
  // each region's first pixel: the smallest (top row, column) of its runs
  const firstPixel = new Map<number, [number, number]>()
  for (let x = 0; x < w; x++) {
    for (let i = first[x]!; i < first[x + 1]!; i++) {
      const root = find(i)
      const seen = firstPixel.get(root)
      if (!seen || top[i]! < seen[1] || (top[i] === seen[1] && x < seen[0])) {
        firstPixel.set(root, [x, top[i]!])
      }
    }
  }
  const order = [...firstPixel.entries()].sort((a, b) => a[1][1] - b[1][1] || a[1][0] - b[1][0])
  const id = new Map<number, number>()
  order.forEach(([root], k) => id.set(root, k + 1))
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) labels[i] = id.get(find(i))!
  return { labels, starts: order.map(([, start]) => start) }
}

/** Outlines of the labelled regions (see `bitmapOutlines`). */
function traceRuns(runs: ColumnRuns): number[][] {
  const { width: w, height: h, first, top, bottom } = runs
  const { labels, starts } = labelRuns(runs)
  /** Label of the run holding pixel (x, y), or 0. */
  const labelAt = (x: number, y: number): number => {
    if (x < 0 || y < 0 || x >= w || y >= h) return 0
    let lo = first[x]!
    let hi = first[x + 1]! - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (bottom[mid]! <= y) lo = mid + 1
      else if (top[mid]! > y) hi = mid - 1
      else return labels[mid]!
    }
    return 0
  }
  const outlines: number[][] = []
  for (let r = 0; r < starts.length; r++) {
    const id = r + 1
    const [sx, sy] = starts[r]!
    // Start at the top-left corner of the region's first pixel, heading east with the region on
    // the right; at each corner turn right when the pixel ahead-right is outside, go straight
    // when the pixel ahead-left is outside, else turn left. Turning right first keeps regions
    // that meet only diagonally apart.
    const outline = [sx, sy]
    let x = sx
    let y = sy
    let dx = 1
    let dy = 0
    const limit = 4 * (w + 1) * (h + 1)
    for (let step = 0; step < limit; step++) {
      x += dx
      y += dy
      if (x === sx && y === sy) break
      const rx = -dy
      const ry = dx
      const aheadRight = labelAt(x + (dx + rx - 1) / 2, y + (dy + ry - 1) / 2) === id
      const aheadLeft = labelAt(x + (dx - rx - 1) / 2, y + (dy - ry - 1) / 2) === id
      let ndx = dx
      let ndy = dy
      if (!aheadRight) {
        ndx = rx
        ndy = ry
      } else if (aheadLeft) {
        ndx = -rx
        ndy = -ry
      }
      if (ndx !== dx || ndy !== dy) outline.push(x, y)
      dx = ndx
      dy = ndy
    }
    outlines.push(outline)
  }
  return outlines
}

/**
 * The outline of every 4-connected region of set pixels: one polygon per region (flat `x,y`
 * pixel-corner coordinates, clockwise on screen, one vertex per change of direction), in
 * raster order of each region's first pixel. Regions that touch only at a corner are separate.
 */
export function bitmapOutlines(bitmap: Bitmap): number[][] {
  return traceRuns(bitmapRuns(bitmap))
}

/**
 * A Loupe mask (RLE over the whole-pixel box `box`) → outline polygons in image pixels, one per
 * 4-connected region; holes are filled. Empty for an empty mask.
 */
export function maskToPolygons(rle: Rle, box: Pick<PixelBox, 'x1' | 'y1'>): number[][] {
  const outlines = traceRuns(rleRuns(rle))
  for (const outline of outlines) {
    for (let i = 0; i < outline.length; i += 2) {
      outline[i] = outline[i]! + box.x1
      outline[i + 1] = outline[i + 1]! + box.y1
    }
  }
  return outlines
}
