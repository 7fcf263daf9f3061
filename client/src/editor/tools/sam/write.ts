// How the smart tools (SAM, magic wand) write what they found: a polygon (the mask's largest
// outline, simplified) or a mask shape, as the user chose; one undoable shape of the active label.

import type { ShapeSource } from '@loupe/model'
import { maskShapeToPolygons, type MaskShape } from '@loupe/sam'
import type { EditorController } from '../../controller'

/**
 * The `source` of shapes the weight-free smart tools (magic wand, intelligent scissors) make.
 * DESIGN §2 fixes the values (`manual|sam|auto|import`); `sam` is Loupe's value for shapes an
 * interactive assistant outlined while the user guided it (CVAT's `semi-auto`, which the CVAT
 * reader and writer map to and from `sam`; the report counts them as assisted). Not `manual`
 * (the user did not draw the outline) nor `auto` (no one guided it).
 */
export const ASSISTED_SOURCE: ShapeSource = 'sam'

export interface SmartResult {
  mask: MaskShape
  /** The outline when the worker traced it already (flat x,y, image pixels). */
  polygon?: number[]
}

export function writeSmartShape(
  editor: EditorController,
  result: SmartResult,
  output: 'polygon' | 'mask',
  source: ShapeSource,
  tolerance = 1,
): boolean {
  const { mask } = result
  if (output === 'mask') {
    const label = editor.labelFor('mask')
    if (!label) return false
    return !!editor.createShape(
      {
        type: 'mask',
        points: [mask.box.x1, mask.box.y1, mask.box.x2, mask.box.y2],
        mask: { size: mask.rle.size, counts: mask.rle.counts },
        source,
      },
      label,
    )
  }
  const polygon = result.polygon ?? maskShapeToPolygons(mask, { tolerance })[0]
  if (!polygon || polygon.length < 6) {
    editor.showError('The outline is too small for a polygon: try the mask output.')
    return false
  }
  const label = editor.labelFor('polygon')
  if (!label) return false
  return !!editor.createShape({ type: 'polygon', points: polygon, source }, label)
}
