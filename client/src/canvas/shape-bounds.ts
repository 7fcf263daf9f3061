// Drawn bounds per shape object, computed once: shapes are immutable values (an edit makes a
// new object), so the chunk planner, the meshes and the hit index can all ask for bounds on
// every update without recomputing 20,000 of them.

import { shapeBounds, type Bounds } from './geometry'
import type { RenderShape } from './types'

const cache = new WeakMap<RenderShape, Bounds>()

export function cachedBounds(shape: RenderShape): Bounds {
  let b = cache.get(shape)
  if (!b) cache.set(shape, (b = shapeBounds(shape)))
  return b
}
