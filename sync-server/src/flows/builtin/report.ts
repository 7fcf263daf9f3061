import { z } from 'zod'
import { flow } from '@loupe/flows'
import type { BuiltinDeps } from './common'
import { checkAborted, fileStem, openJob, projectIdSchema, requireProject } from './common'

export const reportParameters = z.strictObject({ projectId: projectIdSchema })
export type ReportParameters = z.infer<typeof reportParameters>

export interface LabelCounts {
  labelId: string
  name: string
  shapes: number
  tags: number
  /** Images with at least one shape or tag of the label. */
  images: number
}

export interface AnnotatorCounts {
  userId: string
  /** Shapes and tags they created. */
  created: number
  /** Shapes and tags they changed last. */
  updated: number
  /** Of `created`, how many came from a model (`source` sam or auto). */
  assisted: number
}

export interface JobCounts {
  jobId: string
  name: string
  state: string
  assignee: string
  images: number
  /** Images with at least one shape or tag. */
  annotatedImages: number
  shapes: number
  tags: number
  /** annotatedImages / images (1 for an empty job). */
  progress: number
}

export interface ProjectReport {
  projectId: string
  name: string
  generatedAt: string
  totals: {
    images: number
    annotatedImages: number
    shapes: number
    tags: number
    jobs: number
    jobsDone: number
    progress: number
  }
  labels: LabelCounts[]
  annotators: AnnotatorCounts[]
  jobs: JobCounts[]
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole)
const pct = (x: number) => `${(x * 100).toFixed(1)} %`

/** Counts per label, per annotator (createdBy / updatedBy) and per job, with progress. */
export async function buildReport(
  deps: BuiltinDeps,
  projectId: string,
  signal: { aborted: boolean; reason: unknown },
  onJob: (done: number, total: number) => void = () => undefined,
): Promise<ProjectReport> {
  const { record, project } = await requireProject(deps, projectId)
  const labels = new Map<string, LabelCounts & { imageIds: Set<string> }>()
  for (const label of project.listLabels()) {
    labels.set(label.id, {
      labelId: label.id,
      name: label.name,
      shapes: 0,
      tags: 0,
      images: 0,
      imageIds: new Set(),
    })
  }
  const labelOf = (id: string) => {
    let entry = labels.get(id)
    if (!entry) {
      entry = {
        labelId: id,
        name: `(deleted ${id})`,
        shapes: 0,
        tags: 0,
        images: 0,
        imageIds: new Set(),
      }
      labels.set(id, entry)
    }
    return entry
  }
  const annotators = new Map<string, AnnotatorCounts>()
  const annotator = (userId: string) => {
    let entry = annotators.get(userId)
    if (!entry) {
      entry = { userId, created: 0, updated: 0, assisted: 0 }
      annotators.set(userId, entry)
    }
    return entry
  }
  const jobs: JobCounts[] = []
  const jobRecords = project.listJobs()
  for (const [index, jobRecord] of jobRecords.entries()) {
    checkAborted(signal)
    const images = project.jobImages(jobRecord.id)
    const opened = await openJob(deps, project, projectId, jobRecord.id)
    const annotated = new Set<string>()
    let shapes = 0
    let tags = 0
    const items = opened ? [...opened.job.listShapes(), ...opened.job.listTags()] : []
    for (const item of items) {
      const isShape = 'points' in item
      if (isShape) shapes++
      else tags++
      annotated.add(item.imageId)
      const label = labelOf(item.labelId)
      if (isShape) label.shapes++
      else label.tags++
      label.imageIds.add(item.imageId)
      const creator = annotator(item.createdBy)
      creator.created++
      if (item.source === 'sam' || item.source === 'auto') creator.assisted++
      annotator(item.updatedBy).updated++
    }
    const imageIds = new Set(images.map((image) => image.id))
    const annotatedImages = [...annotated].filter((id) => imageIds.has(id)).length
    jobs.push({
      jobId: jobRecord.id,
      name: jobRecord.name,
      state: jobRecord.state,
      assignee: jobRecord.assignee,
      images: images.length,
      annotatedImages,
      shapes,
      tags,
      progress: ratio(annotatedImages, images.length),
    })
    onJob(index + 1, jobRecords.length)
  }
  const sum = (key: 'images' | 'annotatedImages' | 'shapes' | 'tags') =>
    jobs.reduce((total, job) => total + job[key], 0)
  const images = sum('images')
  const annotatedImages = sum('annotatedImages')
  return {
    projectId,
    name: project.getMeta().name || record.name,
    generatedAt: new Date().toISOString(),
    totals: {
      images,
      annotatedImages,
      shapes: sum('shapes'),
      tags: sum('tags'),
      jobs: jobs.length,
      jobsDone: jobs.filter((job) => job.state === 'done' || job.state === 'reviewed').length,
      progress: ratio(annotatedImages, images),
    },
    labels: [...labels.values()].map(({ imageIds, ...rest }) => ({
      ...rest,
      images: imageIds.size,
    })),
    annotators: [...annotators.values()].sort((a, b) => b.created - a.created),
    jobs,
  }
}

export function reportMarkdown(report: ProjectReport): string {
  const t = report.totals
  const lines = [
    `# Report: ${report.name}`,
    '',
    `Generated ${report.generatedAt}.`,
    '',
    `- Images: ${t.images} (${t.annotatedImages} annotated, ${pct(t.progress)})`,
    `- Shapes: ${t.shapes}, tags: ${t.tags}`,
    `- Jobs: ${t.jobs} (${t.jobsDone} done or reviewed)`,
    '',
    '## Labels',
    '',
    '| Label | Shapes | Tags | Images |',
    '|---|---:|---:|---:|',
    ...report.labels.map((l) => `| ${l.name} | ${l.shapes} | ${l.tags} | ${l.images} |`),
    '',
    '## Annotators',
    '',
    '| Annotator | Created | Last updated | Model-assisted |',
    '|---|---:|---:|---:|',
    ...report.annotators.map(
      (a) => `| ${a.userId} | ${a.created} | ${a.updated} | ${a.assisted} |`,
    ),
    '',
    '## Jobs',
    '',
    '| Job | State | Assignee | Images | Annotated | Shapes | Tags | Progress |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    ...report.jobs.map(
      (j) =>
        `| ${j.name} | ${j.state} | ${j.assignee || '—'} | ${j.images} | ${j.annotatedImages} | ${j.shapes} | ${j.tags} | ${pct(j.progress)} |`,
    ),
  ]
  return lines.join('\n') + '\n'
}

/** `report`: per-label, per-annotator and per-job counts and progress (markdown + JSON). */
export function reportFlow(deps: BuiltinDeps) {
  return flow<ReportParameters>(
    'report',
    async (params, ctx) => {
      const report = await buildReport(deps, params.projectId, ctx.signal, (done, total) =>
        ctx.progress((0.9 * done) / Math.max(1, total), `job ${done} of ${total}`),
      )
      await ctx.artifacts.markdown('report', reportMarkdown(report), `report of ${report.name}`)
      await ctx.artifacts.file('report-json', {
        name: `${fileStem(report.name, params.projectId)}-report.json`,
        mimeType: 'application/json',
        data: new TextEncoder().encode(JSON.stringify(report, null, 2)),
      })
      ctx.progress(1, 'done')
      return report
    },
    {
      parameters: reportParameters,
      description: 'Counts per label, annotator and job',
      timeoutSeconds: 600,
    },
  )
}
