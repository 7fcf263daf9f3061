// Builders and comparisons shared by the YOLO, Ultralytics and VOC tests.

import { bitmapToRle, type Rle } from '@loupe/masks'
import { encode } from 'fast-png'
import { expect } from 'vitest'
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetLabel } from '../src/dataset'
import { FileTree } from '../src/files'
import type { FormatModule } from '../src/format'

/** A real PNG of the given size (grey), so probeImage reads its size from the bytes. */
export function png(width: number, height: number): Uint8Array {
  return encode({ width, height, data: new Uint8Array(width * height), channels: 1, depth: 8 })
}

export function label(name: string, extra: Partial<DatasetLabel> = {}): DatasetLabel {
  return { name, attributes: [], ...extra }
}

export function image(
  name: string,
  width: number,
  height: number,
  annotations: DatasetAnnotation[] = [],
  extra: Partial<DatasetImage> = {},
): DatasetImage {
  return { name, width, height, subset: 'default', annotations, tags: [], ...extra }
}

export function rect(
  labelName: string,
  points: number[],
  extra: Partial<DatasetAnnotation> = {},
): DatasetAnnotation {
  return { type: 'rectangle', label: labelName, points, attributes: {}, ...extra }
}

export function shape(
  type: DatasetAnnotation['type'],
  labelName: string,
  points: number[],
  extra: Partial<DatasetAnnotation> = {},
): DatasetAnnotation {
  return { type, label: labelName, points, attributes: {}, ...extra }
}

/** A mask from rows of `#` (set) and `.`, with its box's top-left corner at (x, y). */
export function mask(
  labelName: string,
  x: number,
  y: number,
  rows: string[],
  extra: Partial<DatasetAnnotation> = {},
): DatasetAnnotation {
  const height = rows.length
  const width = rows[0]!.length
  const data = new Uint8Array(width * height)
  rows.forEach((row, r) => [...row].forEach((c, k) => (data[r * width + k] = c === '#' ? 1 : 0)))
  const rle: Rle = bitmapToRle({ width, height, data })
  return {
    type: 'mask',
    label: labelName,
    points: [x, y, x + width, y + height],
    mask: rle,
    attributes: {},
    ...extra,
  }
}

/** Runs write → read through a zip, as a user's export and import would. */
export async function roundTrip(
  format: FormatModule,
  dataset: Dataset,
  readOptions: Parameters<FormatModule['read']>[1] = {},
): Promise<{ files: FileTree; back: Dataset }> {
  const files = await format.write(dataset)
  const back = await format.read(FileTree.fromZip(files.toZip()), readOptions)
  return { files, back }
}

/** Every file of two trees, as text where it is text, for byte-identical comparisons. */
export function treeContents(files: FileTree): Record<string, string> {
  const out: Record<string, string> = {}
  for (const path of files.paths()) {
    const bytes = files.get(path)!
    out[path] =
      path.endsWith('.png') || path.endsWith('.jpg')
        ? `<${bytes.length} bytes>`
        : new TextDecoder().decode(bytes)
  }
  return out
}

/** Numbers equal within `tolerance`, element by element. */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: number,
) {
  expect(actual.length, `length of ${JSON.stringify(actual)}`).toBe(expected.length)
  actual.forEach((value, i) => {
    expect(
      Math.abs(value - expected[i]!),
      `[${i}]: ${value} vs ${expected[i]} in ${JSON.stringify(actual)}`,
    ).toBeLessThanOrEqual(tolerance)
  })
}

/** The annotations of a dataset with points rounded, for comparing geometry after a round trip. */
export function rounded(dataset: Dataset, digits = 3): unknown {
  const round = (n: number) => Number(n.toFixed(digits)) + 0
  return dataset.images.map((img) => ({
    name: img.name,
    subset: img.subset,
    width: img.width,
    height: img.height,
    annotations: img.annotations.map((ann) => ({ ...ann, points: ann.points.map(round) })),
    tags: img.tags,
  }))
}
