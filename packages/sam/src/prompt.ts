// Prompts (clicks and a box in image pixels) → the decoder inputs of each export family.
// The official SAM decoder export takes a box as two points labelled 2 (top-left) and 3
// (bottom-right), and expects a padding point (0, 0) labelled -1 when there is no box. The
// SlimSAM / transformers.js export pads inside the graph and takes labels as int64.

import { SamError, SamErrorCode } from './errors'
import { boxToModel, imageToModel, type Box, type Point, type Size } from './geometry'

export interface PromptPoint extends Point {
  /** True for "this is the object" (label 1), false for "this is not" (label 0). */
  positive: boolean
}

/** What the user asked for, in image pixels. */
export interface SamPrompt {
  points: readonly PromptPoint[]
  box?: Box
}

/** SAM point labels. */
export const PointLabel = {
  Padding: -1,
  Negative: 0,
  Positive: 1,
  BoxTopLeft: 2,
  BoxBottomRight: 3,
} as const

export interface EncodedPrompt {
  /** Flat `x,y` pairs in model input space. */
  coords: Float32Array
  labels: number[]
  /** Number of points (with box corners and padding). */
  count: number
}

function checkPrompt(prompt: SamPrompt, image: Size): void {
  if (prompt.points.length === 0 && !prompt.box) {
    throw new SamError(SamErrorCode.BadPrompt, 'prompt: expected at least one point or a box')
  }
  const finite = (p: Point) => Number.isFinite(p.x) && Number.isFinite(p.y)
  prompt.points.forEach((p, i) => {
    if (!finite(p)) throw new SamError(SamErrorCode.BadPrompt, `points[${i}]: not a finite x, y`)
    if (p.x < 0 || p.y < 0 || p.x > image.width || p.y > image.height) {
      throw new SamError(
        SamErrorCode.BadPrompt,
        `points[${i}]: (${p.x}, ${p.y}) is outside the ${image.width} × ${image.height} image`,
      )
    }
  })
  const box = prompt.box
  if (box && ![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite)) {
    throw new SamError(SamErrorCode.BadPrompt, 'box: not finite')
  }
}

/** Points and box for the official SAM decoder export (`point_coords`, `point_labels`). */
export function encodeSamPrompt(prompt: SamPrompt, image: Size): EncodedPrompt {
  checkPrompt(prompt, image)
  const coords: number[] = []
  const labels: number[] = []
  for (const p of prompt.points) {
    const m = imageToModel(p, image)
    coords.push(m.x, m.y)
    labels.push(p.positive ? PointLabel.Positive : PointLabel.Negative)
  }
  if (prompt.box) {
    const [a, b] = boxToModel(prompt.box, image)
    coords.push(a.x, a.y, b.x, b.y)
    labels.push(PointLabel.BoxTopLeft, PointLabel.BoxBottomRight)
  } else {
    coords.push(0, 0)
    labels.push(PointLabel.Padding)
  }
  return { coords: Float32Array.from(coords), labels, count: labels.length }
}

/**
 * Points (and a box, for exports with an `input_boxes` input) for the SlimSAM /
 * transformers.js decoder (`input_points` [1,1,N,2], `input_labels` [1,1,N] int64,
 * `input_boxes` [1,1,4]).
 */
export function encodeSlimSamPrompt(
  prompt: SamPrompt,
  image: Size,
  boxInput: boolean,
): { points: EncodedPrompt; box: Float32Array | null } {
  checkPrompt(prompt, image)
  if (prompt.box && !boxInput) {
    throw new SamError(
      SamErrorCode.BadPrompt,
      'box: this decoder has no "input_boxes" input; use points with this model',
    )
  }
  let box: Float32Array | null = null
  if (prompt.box) {
    const [a, b] = boxToModel(prompt.box, image)
    box = Float32Array.of(a.x, a.y, b.x, b.y)
  }
  const coords: number[] = []
  const labels: number[] = []
  for (const p of prompt.points) {
    const m = imageToModel(p, image)
    coords.push(m.x, m.y)
    labels.push(p.positive ? PointLabel.Positive : PointLabel.Negative)
  }
  return { points: { coords: Float32Array.from(coords), labels, count: labels.length }, box }
}
