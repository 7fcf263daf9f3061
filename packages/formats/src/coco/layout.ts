// Where COCO annotation files sit and where their images are:
// - CVAT / Datumaro: `annotations/instances_<subset>.json`, `annotations/person_keypoints_<subset>.json`,
//   images in `images/<subset>/` (COCO's own releases: `<subset>/` beside `annotations/`);
// - Roboflow: `<subset>/_annotations.coco.json` with the images beside it (`train`, `valid`, `test`);
// - `instances_<subset>.json` without an `annotations/` folder;
// - any other JSON file with `images` and `annotations` (one file: subset `default`).

import { DEFAULT_SUBSET } from '../dataset'
import { basename, stripExtension, type FileTree } from '../files'
import { peek } from './json'

export type CocoTask = 'instances' | 'person_keypoints'

export interface CocoSource {
  path: string
  subset: string
  /** Folders that may hold the images, most likely first (relative, `''` for the root). */
  imageDirs: string[]
  /** How sure the layout is that this is COCO (for detection). */
  confidence: number
}

const join = (...parts: string[]) => parts.filter(Boolean).join('/')

const ANNOTATIONS_DIR = /^(?:(.*)\/)?annotations\/(instances|person_keypoints)_(.+)\.json$/
const NAMED = /^(?:(.*)\/)?(instances|person_keypoints)_(.+)\.json$/
const ROBOFLOW = /^(?:(.*)\/)?_annotations\.coco\.json$/

export function findCocoSources(tree: FileTree): CocoSource[] {
  const sources: CocoSource[] = []
  const json = tree.paths().filter((path) => path.toLowerCase().endsWith('.json'))
  for (const path of json) {
    const inAnnotations = ANNOTATIONS_DIR.exec(path)
    if (inAnnotations) {
      const root = inAnnotations[1] ?? ''
      const subset = inAnnotations[3]!
      sources.push({ path, subset, imageDirs: imageDirs(root, subset), confidence: 0.95 })
      continue
    }
    const roboflow = ROBOFLOW.exec(path)
    if (roboflow) {
      const dir = roboflow[1] ?? ''
      const subset = basename(dir) || DEFAULT_SUBSET
      sources.push({ path, subset, imageDirs: [dir, join(dir, 'images')], confidence: 0.95 })
      continue
    }
    const named = NAMED.exec(path)
    if (named) {
      const root = named[1] ?? ''
      sources.push({
        path,
        subset: named[3]!,
        imageDirs: imageDirs(root, named[3]!),
        confidence: 0.8,
      })
    }
  }
  if (sources.length > 0) return sources

  const generic = json.filter((path) => {
    const head = peek(tree.get(path))
    return head.includes('"images"') && head.includes('"annotations"') && !head.includes('"items"')
  })
  for (const path of generic) {
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
    const subset = generic.length === 1 ? DEFAULT_SUBSET : basename(stripExtension(path))
    sources.push({
      path,
      subset,
      imageDirs: [dir, join(dir, 'images', subset), join(dir, 'images')],
      confidence: 0.6,
    })
  }
  return sources
}

function imageDirs(root: string, subset: string): string[] {
  return [join(root, 'images', subset), join(root, 'images'), join(root, subset), root]
}

/** Which COCO task a file holds, from its name (keypoint categories are also recognised inside). */
export function taskOf(path: string): CocoTask {
  return /(^|\/)person_keypoints_[^/]+\.json$/.test(path) ? 'person_keypoints' : 'instances'
}
