import { ModelError, ModelErrorCode } from './errors'
import {
  NODE_VISIBILITIES,
  type NodeVisibility,
  type Rle,
  type ShapeType,
  type SkeletonDefinition,
} from './schema'
import { joinPath } from './validate'

/** The geometry of one shape: what must agree with its type. */
export interface Geometry {
  type: ShapeType
  points: unknown
  rotation?: unknown
  mask?: unknown
  visibility?: unknown
}

export interface ValidGeometry {
  points: number[]
  rotation: number
  mask?: Rle
  visibility?: NodeVisibility[]
}

const MAX_POINTS = 1_000_000

function invalid(message: string, path: string): ModelError {
  return new ModelError(ModelErrorCode.invalidGeometry, message, path)
}

function finiteArray(value: unknown, path: string, what: string): number[] {
  if (!Array.isArray(value)) throw invalid(`expected an array of finite numbers for ${what}`, path)
  if (value.length > MAX_POINTS) throw invalid(`expected at most ${MAX_POINTS} numbers`, path)
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalid(`expected a finite number for ${what}`, joinPath(path, i))
    }
  }
  return value.slice() as number[]
}

function article(type: ShapeType): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** Validates the points of a shape type; rectangles (and mask boxes) come back normalised. */
export function validatePoints(
  type: ShapeType,
  value: unknown,
  path: string,
  skeleton?: SkeletonDefinition,
): number[] {
  const what = article(type)
  const fixed = type === 'rectangle' || type === 'ellipse' || type === 'mask'
  if (!Array.isArray(value))
    throw invalid(`expected ${fixed ? '4 ' : ''}finite numbers for ${what}`, path)
  const points = finiteArray(value, path, what)
  switch (type) {
    case 'rectangle':
    case 'mask': {
      if (points.length !== 4) throw invalid(`expected 4 finite numbers for ${what}`, path)
      const [x1, y1, x2, y2] = points as [number, number, number, number]
      return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]
    }
    case 'ellipse': {
      if (points.length !== 4) throw invalid('expected 4 finite numbers for an ellipse', path)
      if (!((points[2] as number) > 0 && (points[3] as number) > 0)) {
        throw invalid('expected positive radii [cx,cy,rx,ry] for an ellipse', path)
      }
      return points
    }
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton': {
      if (points.length % 2 !== 0) throw invalid(`expected x,y pairs for ${what}`, path)
      const min = type === 'polygon' ? 3 : type === 'polyline' ? 2 : 1
      const pairs = points.length / 2
      if (type === 'skeleton') {
        const nodes = skeleton?.nodes.length ?? 0
        if (pairs !== nodes) {
          throw invalid(`expected ${nodes} x,y pairs (one per node) for a skeleton`, path)
        }
      } else if (pairs < min) {
        throw invalid(`expected at least ${min} x,y pairs for ${what}`, path)
      }
      return points
    }
  }
}

/** Validates an RLE; when `box` is given the RLE must cover it exactly (`size = [y2-y1, x2-x1]`). */
export function validateRle(value: unknown, path: string, box?: readonly number[]): Rle {
  if (typeof value !== 'object' || value === null) {
    throw invalid('expected an RLE {size:[h,w],counts:number[]}', path)
  }
  const { size, counts } = value as { size?: unknown; counts?: unknown }
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((v) => Number.isSafeInteger(v) && (v as number) > 0)
  ) {
    throw invalid('expected size [h,w] of two positive integers', joinPath(path, 'size'))
  }
  const [h, w] = size as [number, number]
  if (!Array.isArray(counts)) throw invalid('expected counts: number[]', joinPath(path, 'counts'))
  let sum = 0
  for (let i = 0; i < counts.length; i++) {
    const c: unknown = counts[i]
    if (!Number.isSafeInteger(c) || (c as number) < 0) {
      throw invalid('expected a non-negative integer', joinPath(path, 'counts', i))
    }
    sum += c as number
  }
  if (sum !== h * w) {
    throw invalid(`expected counts summing to h*w = ${h * w}, got ${sum}`, joinPath(path, 'counts'))
  }
  if (box) {
    const [x1, y1, x2, y2] = box as [number, number, number, number]
    if (![x1, y1, x2, y2].every(Number.isInteger)) {
      throw invalid('expected an integer bounding box for a mask', path.replace(/mask$/, 'points'))
    }
    if (y2 - y1 !== h || x2 - x1 !== w) {
      throw invalid(
        `expected size [${y2 - y1},${x2 - x1}] to match the bounding box, got [${h},${w}]`,
        joinPath(path, 'size'),
      )
    }
  }
  return { size: [h, w], counts: counts.slice() as number[] }
}

function validateVisibility(value: unknown, nodes: number, path: string): NodeVisibility[] {
  if (value === undefined) return new Array<NodeVisibility>(nodes).fill('visible')
  if (
    !Array.isArray(value) ||
    value.length !== nodes ||
    !value.every((v) => (NODE_VISIBILITIES as readonly unknown[]).includes(v))
  ) {
    throw invalid(`expected ${nodes} entries of ${NODE_VISIBILITIES.join('|')}`, path)
  }
  return value.slice() as NodeVisibility[]
}

function validateRotation(type: ShapeType, value: unknown, path: string): number {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid('expected a finite number of degrees', path)
  }
  const rotation = ((value % 360) + 360) % 360
  if (rotation !== 0 && type !== 'rectangle' && type !== 'ellipse') {
    throw invalid(`expected 0: only rectangles and ellipses rotate, not ${article(type)}`, path)
  }
  return rotation
}

/**
 * Validates a shape's whole geometry. `base` is the shape's path, e.g. `shapes.s1`.
 * Masks need `mask` (an RLE of the bounding box), skeletons get `visibility` (default all visible).
 */
export function validateGeometry(
  geometry: Geometry,
  base: string,
  skeleton?: SkeletonDefinition,
): ValidGeometry {
  const { type } = geometry
  const points = validatePoints(type, geometry.points, joinPath(base, 'points'), skeleton)
  const rotation = validateRotation(type, geometry.rotation, joinPath(base, 'rotation'))
  const result: ValidGeometry = { points, rotation }
  if (type === 'mask') {
    if (geometry.mask === undefined)
      throw invalid('expected an RLE for a mask', joinPath(base, 'mask'))
    result.mask = validateRle(geometry.mask, joinPath(base, 'mask'), points)
  } else if (geometry.mask !== undefined) {
    throw invalid(`expected no mask for ${article(type)}`, joinPath(base, 'mask'))
  }
  if (type === 'skeleton') {
    const path = joinPath(base, 'visibility')
    result.visibility = validateVisibility(geometry.visibility, points.length / 2, path)
  } else if (geometry.visibility !== undefined) {
    throw invalid(`expected no visibility for ${article(type)}`, joinPath(base, 'visibility'))
  }
  return result
}
