// What the YOLO family shares: label text files of rows `class v1 v2 …` with coordinates
// normalized to the image size, class indexes from a names list, and shape → box geometry.

import type { DatasetAnnotation, DatasetLabel } from '../dataset'
import { FormatError } from '../errors'
import { decodeText } from '../files'

/** Normalized coordinates with 6 decimals, as CVAT and Ultralytics write them; never `-0`. */
export function fixed6(value: number): string {
  const text = value.toFixed(6)
  return text === '-0.000000' ? '0.000000' : text
}

/** One non-empty row of a label file: its 1-based line number and its numbers. */
export interface LabelRow {
  line: number
  classIndex: number
  values: number[]
}

/** The lines of a text file without line ends, a byte-order mark or trailing blank lines. */
export function textLines(bytes: Uint8Array): string[] {
  const lines = decodeText(bytes).split(/\r?\n/)
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop()
  return lines
}

/**
 * Parses the rows of a label file: each non-empty line is a class index then numbers. Throws
 * FormatError with the file and line for a token that is not a number or a class index that
 * is not a non-negative integer below `classCount`.
 */
export function parseLabelRows(file: string, bytes: Uint8Array, classCount: number): LabelRow[] {
  const rows: LabelRow[] = []
  const lines = textLines(bytes)
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim()
    if (text === '') continue
    const tokens = text.split(/\s+/)
    const numbers: number[] = new Array<number>(tokens.length)
    for (let k = 0; k < tokens.length; k++) {
      const value = Number(tokens[k])
      if (!Number.isFinite(value) || tokens[k] === '') {
        throw new FormatError(
          file,
          `line ${i + 1}`,
          `expected numbers, got ${JSON.stringify(tokens[k])}`,
        )
      }
      numbers[k] = value
    }
    const classIndex = numbers[0]!
    if (!Number.isInteger(classIndex) || classIndex < 0) {
      throw new FormatError(
        file,
        `line ${i + 1}`,
        `expected a class index (a non-negative integer) first, got ${tokens[0]}`,
      )
    }
    if (classIndex >= classCount) {
      throw new FormatError(
        file,
        `line ${i + 1}`,
        `expected a class index below ${classCount} (the number of class names), got ${classIndex}`,
      )
    }
    rows.push({ line: i + 1, classIndex, values: numbers.slice(1) })
  }
  return rows
}

/** A normalized `cx cy w h` box → pixel `[x1, y1, x2, y2]`; negative sizes are refused. */
export function boxFromCenter(
  file: string,
  row: LabelRow,
  values: readonly number[],
  width: number,
  height: number,
): number[] {
  const [cx, cy, w, h] = values as [number, number, number, number]
  if (w < 0 || h < 0) {
    throw new FormatError(
      file,
      `line ${row.line}`,
      `expected a non-negative box width and height, got ${w} ${h}`,
    )
  }
  return [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height]
}

/** A pixel box → the normalized `cx cy w h` of a YOLO row. */
export function centerBoxText(box: readonly number[], width: number, height: number): string {
  const [x1, y1, x2, y2] = box as [number, number, number, number]
  return [
    fixed6((x1 + x2) / 2 / width),
    fixed6((y1 + y2) / 2 / height),
    fixed6((x2 - x1) / width),
    fixed6((y2 - y1) / height),
  ].join(' ')
}

/** Pixel `x,y` pairs → normalized `x y …` text. */
export function pointsText(points: readonly number[], width: number, height: number): string {
  const out: string[] = new Array<string>(points.length)
  for (let i = 0; i < points.length; i++) {
    out[i] = fixed6(points[i]! / (i % 2 === 0 ? width : height))
  }
  return out.join(' ')
}

/** The axis-aligned pixel box `[x1, y1, x2, y2]` of any annotation (rotation ignored). */
export function annotationBox(ann: DatasetAnnotation): number[] {
  const p = ann.points
  if (ann.type === 'rectangle' || ann.type === 'mask') return p.slice(0, 4)
  if (ann.type === 'ellipse') {
    const [cx, cy, rx, ry] = p as [number, number, number, number]
    return [cx - rx, cy - ry, cx + rx, cy + ry]
  }
  let x1 = Infinity
  let y1 = Infinity
  let x2 = -Infinity
  let y2 = -Infinity
  for (let i = 0; i + 1 < p.length; i += 2) {
    x1 = Math.min(x1, p[i]!)
    x2 = Math.max(x2, p[i]!)
    y1 = Math.min(y1, p[i + 1]!)
    y2 = Math.max(y2, p[i + 1]!)
  }
  return [x1, y1, x2, y2]
}

/**
 * Class index per label name for export: the labels' own `sourceId`s when they are exactly
 * 0 … n-1 (a dataset read from YOLO keeps its indexes), else the order of `labels`.
 */
export function classIndexes(labels: readonly DatasetLabel[]): Map<string, number> {
  const ids = labels.map((label) => label.sourceId)
  const seen = new Set(ids)
  const keep =
    seen.size === labels.length &&
    ids.every((id) => id !== undefined && Number.isInteger(id) && id >= 0 && id < labels.length)
  return new Map(labels.map((label, i) => [label.name, keep ? label.sourceId! : i]))
}

/** The class index of a label; an annotation whose label the dataset lacks is a caller's bug. */
export function classIndexOf(indexes: Map<string, number>, label: string): number {
  const index = indexes.get(label)
  if (index === undefined) throw new Error(`label ${JSON.stringify(label)} is not in the dataset`)
  return index
}

/** Label names by class index (`classIndexes` inverted), for a names file. */
export function classNames(indexes: Map<string, number>): string[] {
  const names: string[] = new Array<string>(indexes.size)
  for (const [name, index] of indexes) names[index] = name
  return names
}

/**
 * Checks a class names list: every name non-empty and unique. `where(i)` says where name `i`
 * is (`line 3`, `names[2]`).
 */
export function checkClassNames(file: string, names: string[], where: (i: number) => string): void {
  const first = new Map<string, number>()
  names.forEach((name, i) => {
    if (name.trim() === '') throw new FormatError(file, where(i), 'expected a class name')
    const before = first.get(name)
    if (before !== undefined) {
      throw new FormatError(
        file,
        where(i),
        `expected unique class names (${JSON.stringify(name)} is also at ${where(before)})`,
      )
    }
    first.set(name, i)
  })
}

/** An ellipse (unrotated) as a polygon of `n` points. */
export function ellipsePolygon(points: readonly number[], n = 32): number[] {
  const [cx, cy, rx, ry] = points as [number, number, number, number]
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n
    out.push(cx + rx * Math.cos(a), cy + ry * Math.sin(a))
  }
  return out
}
