// The stored shape preview of an image (sync/shape-snapshot) as render shapes: what the canvas
// shows, read-only, while the job document loads. The objects are built exactly as the shape
// mirror builds them, so that the mirror can adopt the ones the document confirms and the
// renderer (which compares shapes by identity) keeps their geometry instead of rebuilding it.

import type { RenderShape, ShapeType } from '../canvas'
import type { PreviewShape } from '../sync/shape-snapshot'
import type { LabelLook } from './shape-mirror'

const SHAPE_TYPES: ReadonlySet<string> = new Set<ShapeType>([
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'mask',
  'skeleton',
])

/** Render shapes of a preview, bottom to top; shapes of an unknown type are left out. */
export function previewRenderShapes(
  shapes: readonly PreviewShape[],
  lookOf: (labelId: string) => LabelLook,
  hidden: ReadonlySet<string>,
): RenderShape[] {
  const out: RenderShape[] = []
  for (const shape of shapes) {
    if (!SHAPE_TYPES.has(shape.type)) continue
    const look = lookOf(shape.labelId)
    const render: RenderShape = {
      id: shape.id,
      type: shape.type as ShapeType,
      points: shape.points,
      rotation: shape.rotation,
      color: look.color,
      selected: false,
      hidden: hidden.has(shape.id),
    }
    if (shape.mask) render.mask = shape.mask
    // Bones come from the label; node visibility is not in the preview (until the document is).
    if (shape.type === 'skeleton' && look.edges) render.edges = look.edges
    out.push(render)
  }
  return out
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Whether a render shape drawn from a preview shows exactly what `fresh` (built from the
 * document) shows, so it may stand in for it.
 */
export function drawsTheSame(preview: RenderShape, fresh: RenderShape): boolean {
  return (
    preview.id === fresh.id &&
    preview.type === fresh.type &&
    (preview.rotation ?? 0) === (fresh.rotation ?? 0) &&
    preview.color === fresh.color &&
    !!preview.selected === !!fresh.selected &&
    !!preview.hidden === !!fresh.hidden &&
    sameNumbers(preview.points, fresh.points) &&
    (preview.mask === fresh.mask ||
      (!!preview.mask &&
        !!fresh.mask &&
        sameNumbers(preview.mask.size, fresh.mask.size) &&
        sameNumbers(preview.mask.counts, fresh.mask.counts))) &&
    sameList(preview.edges, fresh.edges, (a, b) => a[0] === b[0] && a[1] === b[1]) &&
    sameList(preview.visibility, fresh.visibility, (a, b) => a === b)
  )
}

/** Optional lists, equal item by item (no allocation: this runs per shape on every refresh). */
function sameList<T>(
  a: readonly T[] | undefined,
  b: readonly T[] | undefined,
  same: (x: T, y: T) => boolean,
): boolean {
  if (a === b) return true
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false
  for (let i = 0; i < (a?.length ?? 0); i++) if (!same(a![i]!, b![i]!)) return false
  return true
}
