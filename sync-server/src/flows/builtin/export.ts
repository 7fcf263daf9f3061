import { z } from 'zod'
import { flow } from '@loupe/flows'
import { listFormats } from '@loupe/formats'
import { exportDataset } from '../../http/import-export'
import type { BuiltinDeps } from './common'
import { checkAborted, projectIdSchema } from './common'

const formatIds = () => listFormats().map((format) => format.id)

export const exportParameters = z.strictObject({
  projectId: projectIdSchema,
  format: z
    .string()
    .refine((id) => (formatIds() as string[]).includes(id), {
      error: () => `expected one of ${formatIds().join(', ')}`,
    })
    // Listed in the JSON Schema of GET /api/flows, so clients can offer the choice.
    .meta({ enum: formatIds() }),
  jobIds: z.array(z.string()).max(100_000).optional(),
  includeImages: z.boolean().optional(),
})
export type ExportParameters = z.infer<typeof exportParameters>

type ExportReportOf = Awaited<ReturnType<typeof exportDataset>>['report']

/** The export report for people: counts, then what the format dropped or converted. */
export function exportReportMarkdown(fileName: string, report: ExportReportOf): string {
  const lines = [
    `# Export \`${fileName}\``,
    '',
    `- Format: ${report.format}`,
    `- Images: ${report.images}`,
    `- Annotations: ${report.annotations}`,
    '',
  ]
  if (report.entries.length === 0) lines.push('Nothing was dropped or converted.')
  else {
    lines.push('| | What | Count | Detail |', '|---|---|---:|---|')
    for (const e of report.entries)
      lines.push(`| ${e.kind} | ${e.what} | ${e.count} | ${e.detail} |`)
  }
  for (const warning of report.warnings) lines.push('', `> ${warning}`)
  return lines.join('\n') + '\n'
}

/**
 * `export`: a project (or some of its jobs) in any format of `@loupe/formats`, as a zip artifact
 * (key `export`) with the export report as markdown (key `report`).
 */
export function exportFlow(deps: BuiltinDeps) {
  return flow<ExportParameters>(
    'export',
    async (params, ctx) => {
      ctx.progress(0.05, 'reading documents')
      const result = await exportDataset(deps, params.projectId, params)
      checkAborted(ctx.signal)
      ctx.progress(0.8, 'storing the file')
      await ctx.artifacts.file('export', {
        name: result.fileName,
        mimeType: 'application/zip',
        data: result.bytes,
        description: `${params.format} export of project ${params.projectId}`,
      })
      await ctx.artifacts.markdown('report', exportReportMarkdown(result.fileName, result.report))
      ctx.log.info(`exported ${result.fileName} (${result.bytes.byteLength} bytes)`)
      ctx.progress(1, 'done')
      return { fileName: result.fileName, bytes: result.bytes.byteLength, report: result.report }
    },
    {
      parameters: exportParameters,
      description: 'Writes a project in a dataset format to a zip artifact',
      timeoutSeconds: 3600,
    },
  )
}
