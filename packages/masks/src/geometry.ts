// Plane geometry on flat `x,y` arrays, shared by the canvas, the formats, mask filling and SAM.

/** `[x1, y1, x2, y2]` of flat `x,y` pairs; `[∞, ∞, -∞, -∞]` when there are none. */
export function pointsBounds(points: readonly number[]): [number, number, number, number] {
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -Infinity
  let y2 = -Infinity
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i]!
    const y = points[i + 1]!
    if (x < x1) x1 = x
    if (x > x2) x2 = x
    if (y < y1) y1 = y
    if (y > y2) y2 = y
  }
  return [x1, y1, x2, y2]
}

/** Squared distance from (px, py) to the segment (ax, ay)–(bx, by). */
export function segmentDistance2(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
  t = t < 0 ? 0 : t > 1 ? 1 : t
  const ex = ax + t * dx - px
  const ey = ay + t * dy - py
  return ex * ex + ey * ey
}
