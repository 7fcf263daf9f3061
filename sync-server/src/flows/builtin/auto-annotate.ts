import type { InferenceSession } from 'onnxruntime-node'
import { z } from 'zod'
import { flow } from '@loupe/flows'
import type { FlowContext } from '@loupe/flows'
import { JobDocument } from '@loupe/model'
import type { ImageRecord, LabelRecord, ProjectDocument, ShapeInput } from '@loupe/model'
import { jobRoom } from '@loupe/sync-protocol'
import type { BuiltinDeps } from './common'
import { checkAborted, openJob, projectIdSchema, requireProject } from './common'
import { decodeOutputs, maskToRle } from './model-outputs'
import type { ModelOutput, Tensorish } from './model-outputs'
import { loadModel, modelSourceSchema } from './model-source'
import { decodeRgb, toInputTensor } from './pixels'

export const autoAnnotateParameters = z.strictObject({
  projectId: projectIdSchema,
  model: modelSourceSchema,
  /** Model class index → label name or id; default: the project's labels in order. */
  classes: z.array(z.string()).max(10_000).optional(),
  scoreThreshold: z.number().min(0).max(1).default(0.5),
  iouThreshold: z.number().min(0).max(1).default(0.45),
  maxDetections: z.number().int().min(1).max(10_000).default(100),
  /** Input size for models whose input has symbolic dimensions (default 640). */
  inputSize: z.number().int().min(8).max(8192).optional(),
  jobIds: z.array(z.string()).max(100_000).optional(),
})
export type AutoAnnotateParameters = z.infer<typeof autoAnnotateParameters>

/** Who auto-annotate's shapes are created by (`createdBy`), next to `source: 'auto'`. */
export const AUTO_ANNOTATE_USER = 'auto-annotate'

interface Work {
  jobId: string
  image: ImageRecord
}

type Session = InferenceSession

function labelsForClasses(project: ProjectDocument, classes: readonly string[] | undefined) {
  const labels = project.listLabels()
  if (!classes) return labels.map((label) => label as LabelRecord | undefined)
  return classes.map((name) =>
    labels.find((l) => l.id === name || l.name.toLowerCase() === name.toLowerCase()),
  )
}

function inputSizeOf(session: Session, fallback: number): { width: number; height: number } {
  const meta = session.inputMetadata[0]
  const dims = meta?.isTensor ? meta.shape : []
  const at = (i: number) => (typeof dims[i] === 'number' && dims[i] > 0 ? dims[i] : fallback)
  return { width: at(3), height: at(2) }
}

/** The shapes a model output becomes on one image (labels that cannot hold them are skipped). */
function shapesOf(
  output: ModelOutput,
  image: ImageRecord,
  scale: { x: number; y: number },
  labelOf: (classIndex: number) => LabelRecord | undefined,
  skipped: Map<string, number>,
): ShapeInput[] {
  const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1)
  const shapes: ShapeInput[] = []
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v))
  if (output.kind === 'detection') {
    for (const d of output.detections) {
      const label = labelOf(d.classIndex)
      if (!label) skip(`class ${d.classIndex} has no label`)
      else if (label.type !== 'any' && label.type !== 'rectangle')
        skip(`label ${label.name} takes no boxes`)
      else {
        const x1 = clamp(d.box[0] * scale.x, image.width)
        const y1 = clamp(d.box[1] * scale.y, image.height)
        const x2 = clamp(d.box[2] * scale.x, image.width)
        const y2 = clamp(d.box[3] * scale.y, image.height)
        if (x2 - x1 < 1 || y2 - y1 < 1) skip('box smaller than a pixel')
        else {
          shapes.push({
            imageId: image.id,
            labelId: label.id,
            type: 'rectangle',
            points: [x1, y1, x2, y2],
            source: 'auto',
          })
        }
      }
    }
    return shapes
  }
  for (const mask of output.masks) {
    const label = labelOf(mask.classIndex)
    const rle = maskToRle(mask)
    if (!label) skip(`class ${mask.classIndex} has no label`)
    else if (label.type !== 'any' && label.type !== 'mask')
      skip(`label ${label.name} takes no masks`)
    else if (rle) {
      shapes.push({
        imageId: image.id,
        labelId: label.id,
        type: 'mask',
        points: rle.points,
        mask: rle.rle,
        source: 'auto',
      })
    }
  }
  return shapes
}

/** Images of the project (or of `jobIds`) without any shape or tag yet. */
async function unannotatedImages(
  deps: BuiltinDeps,
  project: ProjectDocument,
  projectId: string,
  jobIds: readonly string[] | undefined,
): Promise<Work[]> {
  const work: Work[] = []
  for (const job of project.listJobs()) {
    if (jobIds && !jobIds.includes(job.id)) continue
    const opened = await openJob(deps, project, projectId, job.id)
    const annotated = new Set<string>()
    for (const s of opened?.job.listShapes() ?? []) annotated.add(s.imageId)
    for (const t of opened?.job.listTags() ?? []) annotated.add(t.imageId)
    for (const image of project.jobImages(job.id)) {
      if (!annotated.has(image.id)) work.push({ jobId: job.id, image })
    }
  }
  return work
}

async function annotate(
  deps: BuiltinDeps,
  artifactDir: string,
  params: AutoAnnotateParameters,
  ctx: FlowContext,
) {
  const { projectId } = params
  const { project } = await requireProject(deps, projectId)
  const work = await unannotatedImages(deps, project, projectId, params.jobIds)
  ctx.log.info(`${work.length} images without annotations`)
  if (work.length === 0) return { images: 0, shapes: 0, skipped: {} }
  ctx.progress(0.02, 'loading the model')
  const bytes = await loadModel(artifactDir, params.model, ctx.signal as AbortSignal)
  checkAborted(ctx.signal)
  const ort = await import('onnxruntime-node')
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
  try {
    const input = inputSizeOf(session, params.inputSize ?? 640)
    const labels = labelsForClasses(project, params.classes)
    const labelOf = (i: number) => labels[i]
    const skipped = new Map<string, number>()
    let shapes = 0
    let images = 0
    for (const [i, { jobId, image }] of work.entries()) {
      checkAborted(ctx.signal)
      const data = await deps.blobs.read(image.sha256)
      const rgb = data ? decodeRgb(data) : null
      if (!rgb) {
        skipped.set(
          'image not decodable (PNG and JPEG only)',
          (skipped.get('image not decodable (PNG and JPEG only)') ?? 0) + 1,
        )
        continue
      }
      const tensor = new ort.Tensor('float32', toInputTensor(rgb, input.width, input.height), [
        1,
        3,
        input.height,
        input.width,
      ])
      const results = await session.run({ [session.inputNames[0]!]: tensor })
      const outputs = session.outputNames.map((name) => ({
        name,
        tensor: results[name] as unknown as Tensorish,
      }))
      const output = decodeOutputs(outputs, {
        inputWidth: input.width,
        inputHeight: input.height,
        imageWidth: image.width,
        imageHeight: image.height,
        scoreThreshold: params.scoreThreshold,
        iouThreshold: params.iouThreshold,
        maxDetections: params.maxDetections,
      })
      const scale = { x: image.width / input.width, y: image.height / input.height }
      const found = shapesOf(output, image, scale, labelOf, skipped)
      checkAborted(ctx.signal)
      const written = await deps.rooms.change(jobRoom(projectId, jobId), (doc) => {
        const options = { userId: AUTO_ANNOTATE_USER, origin: 'server' as const }
        const job =
          doc.getMap('meta').size === 0
            ? JobDocument.create(doc, { projectId, jobId }, project, options)
            : JobDocument.open(doc, project, options)
        // Someone may have annotated the image since the list was made: leave it to them.
        if (job.listShapes(image.id).length > 0 || job.listTags(image.id).length > 0) return 0
        for (const shape of found) job.addShape(shape)
        return found.length
      })
      shapes += written
      images += 1
      ctx.progress(0.05 + (0.95 * (i + 1)) / work.length, `image ${i + 1} of ${work.length}`)
    }
    const summary = { images, shapes, skipped: Object.fromEntries(skipped) }
    ctx.log.info(`wrote ${shapes} shapes on ${images} images`)
    for (const [why, n] of skipped) ctx.log.warning(`skipped ${n}×: ${why}`)
    return summary
  } finally {
    await session.release()
  }
}

/**
 * `auto-annotate`: runs an ONNX detection or segmentation model (signatures in model-outputs.ts)
 * with onnxruntime-node over the project's images that have no annotation, and writes its shapes
 * (`source: 'auto'`, by `auto-annotate`) into the job documents through the live rooms, so every
 * connected browser receives them like any other edit. PNG and JPEG images (pure-JS decoders, EXIF orientation applied).
 */
export function autoAnnotateFlow(deps: BuiltinDeps, artifactDir: string) {
  return flow<AutoAnnotateParameters>(
    'auto-annotate',
    async (params, ctx) => {
      const summary = await annotate(deps, artifactDir, params, ctx)
      const skipped = Object.entries(summary.skipped)
      await ctx.artifacts.markdown(
        'summary',
        [
          '# Auto-annotation',
          '',
          `- Images annotated: ${summary.images}`,
          `- Shapes written: ${summary.shapes}`,
          ...skipped.map(([why, n]) => `- Skipped ${n}×: ${why}`),
        ].join('\n') + '\n',
      )
      ctx.progress(1, 'done')
      return summary
    },
    {
      parameters: autoAnnotateParameters,
      description: 'Runs an ONNX model over unannotated images',
      timeoutSeconds: 6 * 3600,
    },
  )
}
