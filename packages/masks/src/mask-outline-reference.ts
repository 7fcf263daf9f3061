// Outline tracing as it was before it worked on runs (a label per pixel, a flood fill, a
// bitmap decoded from the RLE), kept unchanged as the reference `bitmapOutlines` and
// `maskToPolygons` must match exactly (mask-outline.test.ts). Not exported from the package.

import { rleToBitmap, type Bitmap, type PixelBox, type Rle } from './rle'

/** Labels 4-connected regions of set pixels 1, 2, … in raster order of their first pixel. */
function labelRegions(bitmap: Bitmap): { labels: Int32Array; count: number; starts: number[] } {
  const { width: w, height: h, data } = bitmap
  const labels = new Int32Array(w * h)
  const starts: number[] = []
  const stack: number[] = []
  let count = 0
  for (let start = 0; start < w * h; start++) {
    if (!data[start] || labels[start]) continue
    count++
    starts.push(start)
    labels[start] = count
    stack.push(start)
    while (stack.length > 0) {
      const i = stack.pop()!
      const x = i % w
      const neighbours = [
        x > 0 ? i - 1 : -1,
        x + 1 < w ? i + 1 : -1,
        i >= w ? i - w : -1,
        i + w < w * h ? i + w : -1,
      ]
      for (const j of neighbours) {
        if (j >= 0 && data[j] && !labels[j]) {
          labels[j] = count
          stack.push(j)
        }
      }
    }
  }
  return { labels, count, starts }
}

/**
 * The outline of every 4-connected region of set pixels: one polygon per region (flat `x,y`
 * pixel-corner coordinates, clockwise on screen, one vertex per change of direction), in
 * raster order of each region's first pixel. Regions that touch only at a corner are separate.
 */
export function referenceBitmapOutlines(bitmap: Bitmap): number[][] {
  const { width: w, height: h } = bitmap
  const { labels, starts } = labelRegions(bitmap)
  const outlines: number[][] = []
  for (let r = 0; r < starts.length; r++) {
    const id = r + 1
    const inside = (x: number, y: number) =>
      x >= 0 && y >= 0 && x < w && y < h && labels[y * w + x] === id
    const start = starts[r]!
    const sx = start % w
    const sy = (start - sx) / w
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
      const aheadRight = inside(x + (dx + rx - 1) / 2, y + (dy + ry - 1) / 2)
      const aheadLeft = inside(x + (dx - rx - 1) / 2, y + (dy - ry - 1) / 2)
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
 * A Loupe mask (RLE over the whole-pixel box `box`) → outline polygons in image pixels, one per
 * 4-connected region; holes are filled. Empty for an empty mask.
 */
export function referenceMaskToPolygons(rle: Rle, box: Pick<PixelBox, 'x1' | 'y1'>): number[][] {
  const outlines = referenceBitmapOutlines(rleToBitmap(rle))
  for (const outline of outlines) {
    for (let i = 0; i < outline.length; i += 2) {
      outline[i] = outline[i]! + box.x1
      outline[i + 1] = outline[i + 1]! + box.y1
    }
  }
  return outlines
}
