// SAM's model input space: the image is resized so its longest side is 1024 (rounded as
// `ResizeLongestSide.get_preprocess_shape`), then padded bottom/right to 1024 × 1024. Prompts
// are given in image pixels and scaled per axis into that space.

/** Side of SAM's square model input. */
export const SAM_INPUT_SIZE = 1024
/** Side of SAM's low-resolution mask logits (model input / 4). */
export const SAM_LOW_RES_SIZE = 256

export interface Size {
  width: number
  height: number
}

export interface Point {
  x: number
  y: number
}

/** A box in image pixels (continuous coordinates, x2/y2 the far edge). */
export interface Box {
  x1: number
  y1: number
  x2: number
  y2: number
}

/** The size of the resized (unpadded) image inside the 1024² input. */
export function modelInputSize(image: Size, target = SAM_INPUT_SIZE): Size {
  const scale = target / Math.max(image.width, image.height)
  return {
    width: Math.floor(image.width * scale + 0.5),
    height: Math.floor(image.height * scale + 0.5),
  }
}

/** Image pixels → model input space (per-axis scale, as SAM's `apply_coords`). */
export function imageToModel(point: Point, image: Size, target = SAM_INPUT_SIZE): Point {
  const resized = modelInputSize(image, target)
  return {
    x: point.x * (resized.width / image.width),
    y: point.y * (resized.height / image.height),
  }
}

/** Model input space → image pixels (inverse of `imageToModel`). */
export function modelToImage(point: Point, image: Size, target = SAM_INPUT_SIZE): Point {
  const resized = modelInputSize(image, target)
  return {
    x: point.x * (image.width / resized.width),
    y: point.y * (image.height / resized.height),
  }
}

/** A box as SAM's two corner points (top-left, bottom-right) in model input space. */
export function boxToModel(box: Box, image: Size, target = SAM_INPUT_SIZE): [Point, Point] {
  const a = imageToModel(
    { x: Math.min(box.x1, box.x2), y: Math.min(box.y1, box.y2) },
    image,
    target,
  )
  const b = imageToModel(
    { x: Math.max(box.x1, box.x2), y: Math.max(box.y1, box.y2) },
    image,
    target,
  )
  return [a, b]
}
