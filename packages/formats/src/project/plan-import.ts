// The neutral dataset → changes to a project's documents (import side). Planned on scratch
// copies through the document model, so every write is validated; nothing touches the caller's
// documents, and any error means no plan at all (all-or-nothing).

import type * as Y from 'yjs'
import {
  JobDocument,
  SCHEMA_VERSION,
  Origin,
  ProjectDocument,
  readSchemaVersion,
  validateGeometry,
  type AttributeValue,
  type ImageRecord,
  type LabelLookup,
  type LabelRecord,
  type ShapeInput,
  type WriterOptions,
} from '@loupe/model'
import { jobRoom, projectRoom } from './rooms'
import type { Dataset, DatasetAnnotation, DatasetImage } from '../dataset'
import { DEFAULT_SUBSET, subsetsOf } from '../dataset'
import { throwIfCancelled } from '../errors'
import { coerceValue } from './attribute-values'
import { matchImages, type ImageTarget } from './images'
import { mergeLabels, type MergedLabel } from './labels'
import { rethrowAsFormatError } from './model-errors'
import { ScratchDoc } from './scratch'
import { shapeSignature, tagSignature } from './signature'
import type {
  ImportPlan,
  ImportSummary,
  ImportTarget,
  PlanImportOptions,
  RoomUpdate,
} from './types'

/** One job document of the import: what it holds per image, and its scratch copy once written. */
class JobWork {
  scratch: ScratchDoc | undefined
  created = false
  readonly shapes = new Map<string, Set<string>>()
  readonly tags = new Map<string, Set<string>>()
  readonly topZ = new Map<string, number>()
  private job: JobDocument | undefined

  constructor(
    readonly jobId: string,
    private readonly projectId: string,
    private readonly original: Y.Doc | undefined,
    private readonly lookup: LabelLookup,
    private readonly writer: WriterOptions,
  ) {}

  /** The job document on the scratch copy (made on first use; created when there is none). */
  writable(): JobDocument {
    if (this.job) return this.job
    const scratch = new ScratchDoc(this.original)
    const exists = readSchemaVersion(scratch.doc, 'job') !== undefined
    try {
      this.job = exists
        ? JobDocument.open(scratch.doc, this.lookup, this.writer)
        : JobDocument.create(
            scratch.doc,
            { projectId: this.projectId, jobId: this.jobId },
            this.lookup,
            this.writer,
          )
    } catch (error) {
      rethrowAsFormatError(error, '(dataset)', `job ${this.jobId}`, '')
    }
    this.scratch = scratch
    this.created = !exists
    return this.job
  }

  /** Runs the writes of one image in one transaction of the scratch copy. */
  transact(fn: (job: JobDocument) => void): void {
    const job = this.writable()
    job.doc.transact(() => fn(job), Origin.import)
  }
}

/**
 * Plans merging `dataset` into a project: labels by name, images by name or content, shapes and
 * tags skipped when an identical one is already on the image (so importing a file twice changes
 * nothing). Everything is written into scratch copies through ProjectDocument / JobDocument, then
 * diffed against the originals; a problem anywhere throws (FormatError, ModelError, or
 * CancelledError) and no plan is returned, so the caller writes nothing.
 */
export async function planImport(
  dataset: Dataset,
  target: ImportTarget,
  options: PlanImportOptions = {},
): Promise<ImportPlan> {
  const writer: WriterOptions = { userId: options.userId ?? 'import', origin: Origin.import }
  const report: string[] = []
  const summary: ImportSummary = {
    labelsAdded: 0,
    imagesAdded: 0,
    imagesMatched: 0,
    shapesAdded: 0,
    shapesSkipped: 0,
    tagsAdded: 0,
    jobsCreated: 0,
  }

  const projectScratch = new ScratchDoc(target.projectDoc)
  const project = ProjectDocument.open(projectScratch.doc, writer)
  const jobsBefore = new Set(project.listJobs().map((job) => job.id))

  const labels = mergeLabels(project, dataset, report)
  summary.labelsAdded = labels.added

  const match = await matchImages(project, dataset, report, options)
  let addedRecords: ImageRecord[] = []
  if (match.added.length > 0) {
    try {
      addedRecords = project.addImages(
        match.added.map(({ name, sha256, width, height }) => ({ name, sha256, width, height })),
        { jobSize: options.jobSize },
      )
    } catch (error) {
      rethrowAsFormatError(error, '(dataset)', 'images', 'images')
    }
  }
  summary.imagesAdded = match.added.length
  summary.imagesMatched = match.matched
  const newJobIds = project
    .listJobs()
    .map((job) => job.id)
    .filter((id) => !jobsBefore.has(id))
  summary.jobsCreated = newJobIds.length
  const recordOf = (t: ImageTarget): ImageRecord =>
    t.kind === 'existing' ? t.image : addedRecords[t.index]!

  // Job documents read labels and images through this cache: the project is final by now.
  const labelsById = new Map<string, LabelRecord>()
  for (const merged of labels.byName.values()) labelsById.set(merged.label.id, merged.label)
  const imagesById = new Map<string, ImageRecord>()
  for (const image of project.listImages()) imagesById.set(image.id, image)
  const lookup: LabelLookup = {
    getLabel: (id) => labelsById.get(id) ?? project.getLabel(id),
    getImage: (id) => imagesById.get(id),
  }

  const jobs = new Map<string, JobWork>()
  const newJobs = new Set(newJobIds)
  const openJob = async (jobId: string): Promise<JobWork> => {
    const known = jobs.get(jobId)
    if (known) return known
    const original = newJobs.has(jobId) ? undefined : await loadJobDoc(target, jobId)
    const version = original ? readSchemaVersion(original, 'job') : undefined
    const work = new JobWork(jobId, target.projectId, original, lookup, writer)
    // A current document is read in place (opening it changes nothing) and copied only when
    // the import writes to it, so a re-import that adds nothing copies nothing.
    const reader =
      original && version !== undefined && version >= SCHEMA_VERSION
        ? JobDocument.open(original, lookup)
        : work.writable()
    for (const shape of reader.listShapes()) {
      addTo(work.shapes, shape.imageId, shapeSignature(shape, lookup.getLabel(shape.labelId)))
      work.topZ.set(shape.imageId, Math.max(work.topZ.get(shape.imageId) ?? 0, shape.zOrder + 1))
    }
    for (const tag of reader.listTags()) {
      addTo(work.tags, tag.imageId, tagSignature(tag, lookup.getLabel(tag.labelId)))
    }
    jobs.set(jobId, work)
    return work
  }

  const dropped = { groups: 0, crowd: 0, scores: 0, captions: 0 }
  const total = dataset.images.length
  for (let i = 0; i < total; i++) {
    throwIfCancelled(options.signal)
    const item = dataset.images[i]!
    const image = recordOf(match.targets[i]!)
    if (item.captions?.length) dropped.captions += item.captions.length
    if (item.annotations.length > 0 || item.tags.length > 0) {
      const work = await openJob(image.jobId)
      const writes = [
        ...planShapes(item, image, work, labels.byName, summary, dropped),
        ...planTags(item, image, work, labels.byName, summary),
      ]
      if (writes.length > 0) work.transact((job) => writes.forEach((write) => write(job)))
    }
    options.onProgress?.({ done: i + 1, total, phase: 'annotations' })
  }

  // New jobs get a document even when no annotation lands in them, so every job has one.
  for (const jobId of newJobIds) (await openJob(jobId)).writable()

  if (dropped.groups > 0) {
    report.push(`${dropped.groups} annotations carry a group id; Loupe has no groups, not kept`)
  }
  if (dropped.crowd > 0) {
    report.push(`${dropped.crowd} crowd annotations (iscrowd) imported as ordinary shapes`)
  }
  if (dropped.scores > 0) report.push(`${dropped.scores} detector scores not kept`)
  if (dropped.captions > 0) {
    report.push(`${dropped.captions} captions not imported (Loupe documents have no captions)`)
  }
  const subsets = subsetsOf(dataset)
  if (subsets.length > 1 || (subsets.length === 1 && subsets[0] !== DEFAULT_SUBSET)) {
    report.push(
      `subsets (${subsets.join(', ')}) are not kept: new images go into jobs in the order of the file`,
    )
  }

  const updates: RoomUpdate[] = []
  if (projectScratch.dirty) {
    updates.push({ room: projectRoom(target.projectId), update: projectScratch.diff() })
  }
  for (const work of jobs.values()) {
    if (!work.scratch?.dirty) continue
    updates.push({
      room: jobRoom(target.projectId, work.jobId),
      update: work.scratch.diff(),
      jobId: work.jobId,
      ...(work.created ? { created: true } : {}),
    })
  }
  return { updates, newImages: match.added, summary, report }
}

async function loadJobDoc(target: ImportTarget, jobId: string) {
  const docs = target.jobDocs
  return typeof docs === 'function' ? await docs(jobId) : docs.get(jobId)
}

function addTo(map: Map<string, Set<string>>, key: string, value: string) {
  const set = map.get(key)
  if (set) set.add(value)
  else map.set(key, new Set([value]))
}

/** Attribute names → the label's attribute ids, values coerced to the attribute's type. */
function attributeIds(
  label: LabelRecord,
  values: Readonly<Record<string, AttributeValue>>,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  for (const [name, value] of Object.entries(values)) {
    const attribute = label.attributes.find((a) => a.name === name)
    if (!attribute) continue // declared by mergeLabels for every name seen; unreachable
    const coerced = coerceValue(attribute, value)
    // An empty choice means "not set" in CVAT and VOC files: the default applies.
    if ((attribute.type === 'select' || attribute.type === 'radio') && coerced === '') continue
    out[attribute.id] = coerced
  }
  return out
}

/** A write into a job document, run inside the image's transaction. */
type Write = (job: JobDocument) => void

/** The shapes of one image that are not there yet, as writes (errors name the annotation). */
function planShapes(
  item: DatasetImage,
  image: ImageRecord,
  work: JobWork,
  labels: ReadonlyMap<string, MergedLabel>,
  summary: ImportSummary,
  dropped: { groups: number; crowd: number; scores: number },
): Write[] {
  const writes: Write[] = []
  const existing = work.shapes.get(image.id) ?? new Set<string>()
  work.shapes.set(image.id, existing)
  let top = work.topZ.get(image.id) ?? 0
  item.annotations.forEach((annotation, j) => {
    const where = `annotations[${j}]`
    try {
      const merged = labels.get(annotation.label)!
      const input = shapeInput(annotation, image.id, merged)
      const geometry = validateGeometry(input, 'shapes', merged.label.skeleton)
      const attributes = attributeIds(merged.label, annotation.attributes)
      const signature = shapeSignature(
        { ...geometry, labelId: input.labelId, type: input.type, attributes },
        merged.label,
      )
      if (existing.has(signature)) {
        summary.shapesSkipped++
        return
      }
      const zOrder = zOrderOf(annotation) ?? top
      top = Math.max(top, zOrder + 1)
      const shape = { ...input, ...geometry, attributes, zOrder }
      writes.push((job) => {
        try {
          job.addShape(shape)
        } catch (error) {
          rethrowAsFormatError(error, item.name, where, 'shapes')
        }
      })
      existing.add(signature)
      summary.shapesAdded++
      if (annotation.group !== undefined) dropped.groups++
      if (annotation.crowd) dropped.crowd++
      if (annotation.score !== undefined) dropped.scores++
    } catch (error) {
      rethrowAsFormatError(error, item.name, where, 'shapes')
    }
  })
  work.topZ.set(image.id, top)
  return writes
}

function zOrderOf(annotation: DatasetAnnotation): number | undefined {
  const z = annotation.zOrder
  return typeof z === 'number' && Number.isFinite(z) ? Math.round(z) : undefined
}

function shapeInput(
  annotation: DatasetAnnotation,
  imageId: string,
  merged: MergedLabel,
): ShapeInput {
  let points = annotation.points
  let visibility = annotation.visibility
  if (merged.nodeMap && annotation.type === 'skeleton') {
    const map = merged.nodeMap
    const reordered = new Array<number>(points.length)
    const seen = visibility
      ? new Array<NonNullable<typeof visibility>[number]>(map.length)
      : undefined
    map.forEach((to, from) => {
      reordered[2 * to] = points[2 * from]!
      reordered[2 * to + 1] = points[2 * from + 1]!
      if (seen && visibility) seen[to] = visibility[from]!
    })
    points = reordered
    visibility = seen
  }
  const input: ShapeInput = {
    imageId,
    labelId: merged.label.id,
    type: annotation.type,
    points,
    source: 'import',
  }
  if (annotation.rotation !== undefined) input.rotation = annotation.rotation
  if (annotation.occluded !== undefined) input.occluded = annotation.occluded
  if (annotation.mask !== undefined) input.mask = annotation.mask
  if (visibility !== undefined) input.visibility = visibility
  return input
}

/** The tags of one image that are not there yet, as writes. */
function planTags(
  item: DatasetImage,
  image: ImageRecord,
  work: JobWork,
  labels: ReadonlyMap<string, MergedLabel>,
  summary: ImportSummary,
): Write[] {
  const writes: Write[] = []
  const existing = work.tags.get(image.id) ?? new Set<string>()
  work.tags.set(image.id, existing)
  item.tags.forEach((tag, j) => {
    const label = labels.get(tag.label)!.label
    const attributes = attributeIds(label, tag.attributes)
    const signature = tagSignature({ labelId: label.id, attributes }, label)
    if (existing.has(signature)) return
    writes.push((job) => {
      try {
        job.addTag({ imageId: image.id, labelId: label.id, attributes, source: 'import' })
      } catch (error) {
        rethrowAsFormatError(error, item.name, `tags[${j}]`, 'tags')
      }
    })
    existing.add(signature)
    summary.tagsAdded++
  })
  return writes
}
