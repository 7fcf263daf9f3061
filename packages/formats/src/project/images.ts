// Images of an import matched against the project's: by full name, then by base name (when
// only one project image has it), then by content (sha256 of the bytes in the archive). The
// rest are new images, which need their bytes.

import { probeImage, sha256Hex } from '@loupe/imaging'
import type { ImageRecord, ProjectDocument } from '@loupe/model'
import type { Dataset, DatasetImage } from '../dataset'
import { FormatError, throwIfCancelled } from '../errors'
import { basename } from '../files'
import type { CancelSignal, ProgressInfo } from '../format'
import type { NewImage } from './types'

/** Where each dataset image lands: an existing project image, or a new one (by index into `added`). */
export type ImageTarget = { kind: 'existing'; image: ImageRecord } | { kind: 'new'; index: number }

export interface ImageMatch {
  targets: ImageTarget[]
  added: NewImage[]
  matched: number
}

const MISSING_LISTED = 5

export async function matchImages(
  project: ProjectDocument,
  dataset: Dataset,
  report: string[],
  options: { signal?: CancelSignal; onProgress?: (progress: ProgressInfo) => void },
): Promise<ImageMatch> {
  const byName = new Map<string, ImageRecord>()
  const byBase = new Map<string, ImageRecord | null>()
  const bySha = new Map<string, ImageTarget>()
  for (const image of project.listImages()) {
    if (!byName.has(image.name)) byName.set(image.name, image)
    const base = basename(image.name)
    byBase.set(base, byBase.has(base) ? null : image)
    if (!bySha.has(image.sha256)) bySha.set(image.sha256, { kind: 'existing', image })
  }

  const targets: ImageTarget[] = []
  const added: NewImage[] = []
  const missing: string[] = []
  let matched = 0
  let byBaseName = 0
  let byContent = 0
  let resized = 0
  const total = dataset.images.length
  for (let i = 0; i < total; i++) {
    throwIfCancelled(options.signal)
    const item = dataset.images[i]!
    let target: ImageTarget | undefined
    const named = byName.get(item.name)
    const based = named ? undefined : byBase.get(basename(item.name))
    if (named) target = { kind: 'existing', image: named }
    else if (based) {
      target = { kind: 'existing', image: based }
      byBaseName++
    } else {
      const sha256 = item.data ? await sha256Hex(item.data) : item.sha256
      const same = sha256 ? bySha.get(sha256) : undefined
      if (same) {
        target = same
        byContent++
        if (same.kind === 'new') matched++
      } else if (item.data && sha256) {
        const image = newImage(item, sha256, () => resized++)
        target = { kind: 'new', index: added.length }
        added.push(image)
        bySha.set(sha256, target)
      } else {
        missing.push(item.name)
        targets.push({ kind: 'new', index: -1 })
        continue
      }
    }
    if (target.kind === 'existing') {
      matched++
      if (target.image.width !== item.width || target.image.height !== item.height) resized++
    }
    targets.push(target)
    options.onProgress?.({ done: i + 1, total, phase: 'match images' })
  }

  if (missing.length > 0) {
    const listed = missing
      .slice(0, MISSING_LISTED)
      .map((name) => JSON.stringify(name))
      .join(', ')
    const more =
      missing.length > MISSING_LISTED ? ` and ${missing.length - MISSING_LISTED} more` : ''
    throw new FormatError(
      '(archive)',
      '',
      `expected the image files of ${missing.length} images the project does not have: ${listed}${more} (add the images to the project first, or import an archive that carries them)`,
    )
  }
  if (byBaseName > 0) report.push(`${byBaseName} images matched by base name (folders differ)`)
  if (byContent > 0) report.push(`${byContent} images matched by content (names differ)`)
  if (resized > 0) {
    report.push(
      `${resized} images have another size in the file than in the project or their bytes; annotations are kept in the file's coordinates`,
    )
  }
  return { targets, added, matched }
}

function newImage(item: DatasetImage, sha256: string, onResized: () => void): NewImage {
  const probe = probeImage(item.data!)
  if (!probe.ok) {
    throw new FormatError(item.name, '', `expected an image file (${probe.reason})`)
  }
  const { width, height, mime } = probe.image
  if (width !== item.width || height !== item.height) onResized()
  return { name: item.name, sha256, width, height, mime, data: item.data! }
}
