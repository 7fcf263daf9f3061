// Project + job documents → the neutral dataset (export side).

import type {
  AttributeRecord,
  AttributeValue,
  ImageRecord,
  JobDocument,
  LabelRecord,
  ProjectDocument,
  ShapeRecord,
  TagRecord,
} from '@loupe/model'
import type {
  Dataset,
  DatasetAnnotation,
  DatasetAttribute,
  DatasetImage,
  DatasetLabel,
} from '../dataset'
import { DEFAULT_SUBSET } from '../dataset'
import { throwIfCancelled } from '../errors'
import type { ProjectToDatasetOptions } from './types'

function toDatasetAttribute(attribute: AttributeRecord): DatasetAttribute {
  return {
    name: attribute.name,
    type: attribute.type,
    values: [...attribute.values],
    default: attribute.default,
    mutable: attribute.mutable,
  }
}

function toDatasetLabel(label: LabelRecord): DatasetLabel {
  const out: DatasetLabel = {
    name: label.name,
    color: label.color,
    type: label.type,
    attributes: label.attributes.map(toDatasetAttribute),
  }
  if (label.skeleton) {
    out.skeleton = {
      nodes: [...label.skeleton.nodes],
      edges: label.skeleton.edges.map(([a, b]) => [a, b] as [number, number]),
    }
  }
  return out
}

/** Attribute id → value becomes attribute name → value; ids the label no longer has are left out. */
function attributesByName(
  label: LabelRecord,
  values: Readonly<Record<string, AttributeValue>>,
  warn: (what: string) => void,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  for (const attribute of label.attributes) {
    const value = values[attribute.id]
    if (value !== undefined) out[attribute.name] = value
  }
  for (const id of Object.keys(values)) {
    if (!label.attributes.some((attribute) => attribute.id === id)) warn(id)
  }
  return out
}

function toAnnotation(
  shape: ShapeRecord,
  label: LabelRecord,
  warn: (what: string) => void,
): DatasetAnnotation {
  const out: DatasetAnnotation = {
    type: shape.type,
    label: label.name,
    points: [...shape.points],
    zOrder: shape.zOrder,
    occluded: shape.occluded,
    attributes: attributesByName(label, shape.attributes, warn),
    source: shape.source,
  }
  if (shape.rotation) out.rotation = shape.rotation
  if (shape.mask)
    out.mask = { size: [shape.mask.size[0], shape.mask.size[1]], counts: shape.mask.counts }
  if (shape.visibility) out.visibility = [...shape.visibility]
  return out
}

/**
 * The neutral dataset of a project: every label (attributes by name, colors, skeletons), the
 * images of the given jobs (default: all) in natural order of name, each with its shapes (bottom
 * to top) and tags, attribute ids turned into names. `jobs` are the job documents to read shapes
 * from; an image whose job document is not given comes without annotations.
 *
 * Subsets: every image is in `default` unless `options.subsets` is `job` (then the job's name).
 * Shapes and tags whose label was deleted cannot be named and are left out (told through
 * `options.onWarning`, as are attribute values the label no longer declares).
 */
export async function projectToDataset(
  project: ProjectDocument,
  jobs: readonly JobDocument[],
  options: ProjectToDatasetOptions = {},
): Promise<Dataset> {
  const warn = options.onWarning ?? (() => {})
  const labels = project.listLabels()
  const labelsById = new Map(labels.map((label) => [label.id, label]))
  const jobNames = new Map(project.listJobs().map((job) => [job.id, job.name]))
  const wanted = options.jobIds ? new Set(options.jobIds) : undefined
  const images = project.listImages().filter((image) => (wanted ? wanted.has(image.jobId) : true))

  // One pass over each job's shapes and tags, grouped by image.
  const shapesByImage = new Map<string, ShapeRecord[]>()
  const tagsByImage = new Map<string, TagRecord[]>()
  for (const job of jobs) {
    if (wanted && !wanted.has(job.jobId)) continue
    for (const shape of job.listShapes()) push(shapesByImage, shape.imageId, shape)
    for (const tag of job.listTags()) push(tagsByImage, tag.imageId, tag)
  }

  let unknownLabels = 0
  const staleAttributes = new Set<string>()
  const out: DatasetImage[] = []
  for (let i = 0; i < images.length; i++) {
    throwIfCancelled(options.signal)
    const image = images[i]!
    const item: DatasetImage = {
      name: image.name,
      width: image.width,
      height: image.height,
      subset: subsetOf(image, options, jobNames),
      sha256: image.sha256,
      annotations: [],
      tags: [],
    }
    for (const shape of shapesByImage.get(image.id) ?? []) {
      const label = labelsById.get(shape.labelId)
      if (!label) {
        unknownLabels++
        continue
      }
      item.annotations.push(
        toAnnotation(shape, label, (id) => staleAttributes.add(`${label.name}/${id}`)),
      )
    }
    for (const tag of tagsByImage.get(image.id) ?? []) {
      const label = labelsById.get(tag.labelId)
      if (!label) {
        unknownLabels++
        continue
      }
      item.tags.push({
        label: label.name,
        attributes: attributesByName(label, tag.attributes, (id) =>
          staleAttributes.add(`${label.name}/${id}`),
        ),
      })
    }
    if (options.imageData) {
      const data = await options.imageData(image)
      if (data) item.data = data
    }
    out.push(item)
    options.onProgress?.({ done: i + 1, total: images.length, phase: 'read project' })
  }
  if (unknownLabels > 0) {
    warn(`${unknownLabels} shapes or tags have a label that was deleted; they are not exported`)
  }
  if (staleAttributes.size > 0) {
    warn(
      `values of ${staleAttributes.size} attributes their label no longer declares are not exported`,
    )
  }
  const name = project.getMeta().name
  return { ...(name ? { name } : {}), labels: labels.map(toDatasetLabel), images: out }
}

function subsetOf(
  image: ImageRecord,
  options: ProjectToDatasetOptions,
  jobNames: ReadonlyMap<string, string>,
): string {
  if (options.subsets === 'job') return jobNames.get(image.jobId) ?? DEFAULT_SUBSET
  return DEFAULT_SUBSET
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
