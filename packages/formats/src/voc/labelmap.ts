// Pascal VOC classes and colors: the VOC colormap (index → color by bit interleaving, as the
// devkit's `labelcolormap.m` builds it), the 21 VOC classes, and `labelmap.txt` as CVAT and
// Datumaro write it: `# label:color_rgb:parts:actions` then `name:r,g,b:parts:actions` per line,
// line order = class index (0 = background).

import { FormatError } from '../errors'
import { decodeText } from '../files'

export type Rgb = [number, number, number]

/** The VOC colormap color of index `i` (0 black, 1 dark red, …, 255 = void (224, 224, 192)). */
export function vocColor(i: number): Rgb {
  let r = 0
  let g = 0
  let b = 0
  let c = i
  for (let j = 0; j < 8; j++) {
    r |= ((c >> 0) & 1) << (7 - j)
    g |= ((c >> 1) & 1) << (7 - j)
    b |= ((c >> 2) & 1) << (7 - j)
    c >>= 3
  }
  return [r, g, b]
}

/** Index 255 in VOC segmentation PNGs: object boundaries and "don't care" pixels. */
export const VOID_INDEX = 255

export const VOC_CLASSES = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
]

export interface LabelmapEntry {
  name: string
  color: Rgb
  parts: string[]
  actions: string[]
}

const hex = (n: number) => n.toString(16).padStart(2, '0')
export const rgbToHex = ([r, g, b]: Rgb) => `#${hex(r)}${hex(g)}${hex(b)}`

export function hexToRgb(color: string): Rgb | undefined {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color)
  return match
    ? [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)]
    : undefined
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** Parses labelmap.txt; an entry without a color gets the VOC colormap color of its index. */
export function parseLabelmap(file: string, bytes: Uint8Array): LabelmapEntry[] {
  const entries: LabelmapEntry[] = []
  const seen = new Map<string, number>()
  decodeText(bytes)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const text = raw.trim()
      if (text === '' || text.startsWith('#')) return
      const [name, color, parts, actions] = text.split(':')
      const where = `line ${i + 1}`
      if (!name) throw new FormatError(file, where, 'expected `name:r,g,b:parts:actions`')
      const before = seen.get(name)
      if (before !== undefined) {
        throw new FormatError(
          file,
          where,
          `expected unique labels (${JSON.stringify(name)} is also on line ${before})`,
        )
      }
      seen.set(name, i + 1)
      let rgb = vocColor(entries.length)
      if (color && color.trim() !== '') {
        const values = color.split(',').map((v) => Number(v.trim()))
        if (
          values.length !== 3 ||
          !values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)
        ) {
          throw new FormatError(
            file,
            where,
            `expected a color r,g,b (0–255 each), got ${JSON.stringify(color)}`,
          )
        }
        rgb = values as Rgb
      }
      entries.push({ name, color: rgb, parts: list(parts), actions: list(actions) })
    })
  return entries
}

export function writeLabelmap(entries: readonly LabelmapEntry[]): string {
  let out = '# label:color_rgb:parts:actions\n'
  for (const entry of entries) {
    out += `${entry.name}:${entry.color.join(',')}:${entry.parts.join(',')}:${entry.actions.join(',')}\n`
  }
  return out
}
