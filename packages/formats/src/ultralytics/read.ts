// Reads Ultralytics YOLO datasets: detection boxes, segmentation polygons (also 4-point OBB
// rows) and pose keypoints, laid out as Ultralytics, CVAT or Roboflow write them:
//   data.yaml + images/<subset>/… + labels/<subset>/…          (Ultralytics, CVAT with images)
//   data.yaml + <subset>.txt lists (`images/train/a.jpg`)       (CVAT)
//   data.yaml (`train: ../train/images`) + train/images, train/labels, valid/…  (Roboflow)
// A label file sits where the last `images` folder of the image path becomes `labels`; a missing
// label file means an image without annotations. Pose rows keep their keypoints as a skeleton;
// Loupe's documents have no place for the pose box beside the skeleton, so the box is not read
// (it is recomputed from the keypoints on export).

import type { NodeVisibility } from '@loupe/model'
import {
  type Dataset,
  type DatasetAnnotation,
  type DatasetImage,
  type DatasetLabel,
} from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import { isImagePath, normalizePath, type FileTree } from '../files'
import type { ReadOptions } from '../format'
import { findFile, findFolder, folderSet, labelPathOf } from '../yolo/archive-paths'
import { imageSizeOf } from '../yolo/image-size'
import { boxFromCenter, parseLabelRows, textLines, type LabelRow } from '../yolo/label-rows'
import {
  findConfig,
  readConfig,
  REQUIRED_SUBSETS,
  SUBSET_FOLDERS,
  type UltralyticsConfig,
} from './config'

interface ImageEntry {
  subset: string
  name: string
  /** Where the image is (or would be) in the archive. */
  path: string
  /** The archive path when the archive holds the image. */
  found?: string
  /** Where the entry came from, for errors. */
  source: string
}

const SWAPS: Record<string, string> = { val: 'valid', valid: 'val' }

/** `images/val` ↔ `images/valid`: Roboflow names the folder `valid`, Ultralytics the key `val`. */
function swapped(path: string): string | undefined {
  const parts = path.split('/')
  const at = parts.findIndex((part) => part in SWAPS)
  if (at < 0) return undefined
  parts[at] = SWAPS[parts[at]!]!
  return parts.join('/')
}

/** The dataset's name for an image path: what follows `images/` (and then the subset folder). */
function nameOf(path: string, subset: string): string {
  const parts = path.split('/')
  const at = parts.lastIndexOf('images')
  let rest = at >= 0 && at < parts.length - 1 ? parts.slice(at + 1) : parts.slice(-1)
  const first = rest[0]!
  if (
    rest.length > 1 &&
    (first === subset || first === SWAPS[subset] || SUBSET_FOLDERS.has(first))
  ) {
    rest = rest.slice(1)
  }
  return rest.join('/')
}

function join(folder: string, path: string): string {
  return normalizePath(folder ? `${folder}/${path}` : path)
}

function entriesOf(files: FileTree, config: UltralyticsConfig, allPaths: string[]): ImageEntry[] {
  const folders = folderSet(allPaths)
  const out: ImageEntry[] = []
  for (const { key, entries } of config.subsets) {
    for (const written of entries) {
      const candidates = [join(config.path, written), normalizePath(written)]
      for (const c of [...candidates]) {
        const other = swapped(c)
        if (other) candidates.push(other)
      }
      let list: string | undefined
      let folder: string | undefined
      for (const c of candidates) {
        if (/\.txt$/i.test(c)) list ??= findFile(files, c, true)
        else folder ??= findFolder(folders, c)
      }
      if (list) {
        out.push(...listEntries(files, key, list))
      } else if (folder !== undefined) {
        // Roboflow's `train: train` style: the images are one level down
        if (!allPaths.some((p) => p.startsWith(folder + '/') && isImagePath(p))) {
          if (folders.has(join(folder, 'images'))) folder = join(folder, 'images')
        }
        const prefix = folder ? folder + '/' : ''
        for (const path of allPaths) {
          if (!path.startsWith(prefix) || !isImagePath(path)) continue
          if (prefix === '' && !path.includes('images/')) continue
          out.push({
            subset: key,
            name: path.slice(prefix.length),
            path,
            found: path,
            source: config.file,
          })
        }
      } else if (REQUIRED_SUBSETS.has(key)) {
        const labels = folders.has(
          labelPathOf(`${normalizePath(written)}/x`).replace(/\/x\.txt$/, ''),
        )
        throw new FormatError(
          config.file,
          key,
          `expected the image folder or list ${JSON.stringify(written)} in the archive` +
            (labels ? ' (its labels folder is there, but image names come from the images)' : ''),
        )
      }
    }
  }
  return out
}

function listEntries(files: FileTree, subset: string, list: string): ImageEntry[] {
  const out: ImageEntry[] = []
  const folder = list.includes('/') ? list.slice(0, list.lastIndexOf('/')) : ''
  textLines(files.bytes(list)).forEach((raw, i) => {
    const written = raw.trim()
    if (written === '') return
    if (!isImagePath(written)) {
      throw new FormatError(
        list,
        `line ${i + 1}`,
        `expected an image path, got ${JSON.stringify(written)}`,
      )
    }
    const path = written.startsWith('./') ? join(folder, written) : normalizePath(written)
    const found = findFile(files, path)
    out.push({
      subset,
      name: nameOf(found ?? path, subset),
      path: found ?? path,
      found,
      source: `${list}: line ${i + 1}`,
    })
  })
  return out
}

interface PoseRow {
  image: DatasetImage
  file: string
  row: LabelRow
  box: number[]
  /** Pixel x, y and visibility per keypoint. */
  keypoints: { x: number; y: number; v: NodeVisibility }[]
  zero: boolean
}

function visibilityOf(file: string, row: LabelRow, v: number): NodeVisibility {
  if (v === 2) return 'visible'
  if (v === 1) return 'occluded'
  if (v === 0) return 'hidden'
  throw new FormatError(
    file,
    `line ${row.line}`,
    `expected a keypoint visibility 0, 1 or 2, got ${v}`,
  )
}

export function readUltralytics(files: FileTree, options?: ReadOptions): Dataset {
  const configFile = findConfig(files)
  if (!configFile) {
    throw new FormatError(
      'data.yaml',
      '',
      'missing: expected the dataset YAML (names, and train/val/test folders or lists) at the top of the archive',
    )
  }
  const config = readConfig(files, configFile)
  const labels: DatasetLabel[] = config.names.map((name, i) => ({
    name,
    attributes: [],
    sourceId: i,
  }))
  const allPaths = files.paths()
  const entries = entriesOf(files, config, allPaths)
  const shape = config.kptShape
  const poseRows: PoseRow[] = []
  const images: DatasetImage[] = []

  for (const [index, entry] of entries.entries()) {
    throwIfCancelled(options?.signal)
    const labelPath = findFile(files, labelPathOf(entry.path))
    const data = entry.found ? files.get(entry.found) : undefined
    const size = imageSizeOf(entry.name, data, entry.path, labelPath ?? entry.source, options)
    const image: DatasetImage = {
      name: entry.name,
      width: size.width,
      height: size.height,
      subset: entry.subset,
      annotations: [],
      tags: [],
    }
    if (data) image.data = data
    images.push(image)
    if (labelPath) {
      for (const row of parseLabelRows(labelPath, files.bytes(labelPath), labels.length)) {
        if (shape) poseRows.push(poseRow(labelPath, row, image, shape))
        else image.annotations.push(plainRow(labelPath, row, image, labels))
      }
    }
    options?.onProgress?.({ done: index + 1, total: entries.length, phase: 'read' })
  }
  if (shape) addPoses(poseRows, labels, config)
  return { labels, images }
}

function plainRow(
  file: string,
  row: LabelRow,
  image: DatasetImage,
  labels: DatasetLabel[],
): DatasetAnnotation {
  const n = row.values.length
  const label = labels[row.classIndex]!.name
  if (n === 4 || n === 5) {
    // a box, perhaps followed by a track id (CVAT's Detection Track)
    const points = boxFromCenter(file, row, row.values, image.width, image.height)
    return { type: 'rectangle', label, points, attributes: {} }
  }
  if (n >= 6) {
    // a polygon (or a 4-point oriented box), perhaps followed by a track id
    const count = n % 2 === 0 ? n : n - 1
    const points = new Array<number>(count)
    for (let i = 0; i < count; i++) {
      points[i] = row.values[i]! * (i % 2 === 0 ? image.width : image.height)
    }
    return { type: 'polygon', label, points, attributes: {} }
  }
  throw new FormatError(
    file,
    `line ${row.line}`,
    `expected a box (class cx cy w h) or a polygon (class x1 y1 x2 y2 x3 y3 …), got ${n + 1} numbers`,
  )
}

function poseRow(
  file: string,
  row: LabelRow,
  image: DatasetImage,
  shape: [number, number],
): PoseRow {
  const [k, dims] = shape
  const expected = 4 + k * dims
  if (row.values.length !== expected) {
    throw new FormatError(
      file,
      `line ${row.line}`,
      `expected ${expected + 1} numbers (class cx cy w h, then ${dims === 3 ? 'x y v' : 'x y'} for each of ${k} keypoints), got ${row.values.length + 1}`,
    )
  }
  const box = boxFromCenter(file, row, row.values, image.width, image.height)
  const keypoints: PoseRow['keypoints'] = []
  let zero = true
  for (let i = 0; i < k; i++) {
    const x = row.values[4 + i * dims]!
    const y = row.values[5 + i * dims]!
    const v = dims === 3 ? row.values[6 + i * dims]! : x === 0 && y === 0 ? 0 : 2
    if (x !== 0 || y !== 0 || v !== 0) zero = false
    keypoints.push({ x: x * image.width, y: y * image.height, v: visibilityOf(file, row, v) })
  }
  return { image, file, row, box, keypoints, zero }
}

/**
 * Pose rows → annotations: a class with keypoint names or any labelled keypoint becomes a
 * skeleton label and its rows skeletons; a class whose rows have no keypoints stays a box label.
 */
function addPoses(rows: PoseRow[], labels: DatasetLabel[], config: UltralyticsConfig): void {
  const [k] = config.kptShape!
  const skeletal = new Set(config.kptNames.keys())
  for (const row of rows) if (!row.zero) skeletal.add(row.row.classIndex)
  for (const index of skeletal) {
    const label = labels[index]
    if (!label) continue
    const nodes = config.kptNames.get(index) ?? Array.from({ length: k }, (_, i) => `${i + 1}`)
    label.type = 'skeleton'
    label.skeleton = { nodes, edges: [] }
  }
  for (const { image, row, box, keypoints } of rows) {
    const label = labels[row.classIndex]!
    if (!label.skeleton) {
      image.annotations.push({ type: 'rectangle', label: label.name, points: box, attributes: {} })
      continue
    }
    const count = label.skeleton.nodes.length
    const points: number[] = []
    const visibility: NodeVisibility[] = []
    for (const point of keypoints.slice(0, count)) {
      points.push(point.x, point.y)
      visibility.push(point.v)
    }
    image.annotations.push({
      type: 'skeleton',
      label: label.name,
      points,
      visibility,
      attributes: {},
    })
  }
}
