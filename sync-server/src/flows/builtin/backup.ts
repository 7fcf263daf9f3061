import * as Y from 'yjs'
import { z } from 'zod'
import { flow } from '@loupe/flows'
import type { FlowRun } from '@loupe/flows'
import { FileTree } from '@loupe/formats'
import { jobRoom, projectRoom } from '@loupe/sync-protocol'
import { isFileArtifactData } from '../artifact-files'
import type { BuiltinDeps } from './common'
import { checkAborted, fileStem, projectIdSchema, requireProject, snapshotRoom } from './common'

export const backupParameters = z.strictObject({
  projectId: projectIdSchema,
  /** Backup files kept per project, this one included; older ones are deleted. */
  retention: z.number().int().min(1).max(10_000).default(7),
})
export type BackupParameters = z.infer<typeof backupParameters>

/** `manifest.json` of a backup zip; each room's full Yjs state is in `file`. */
export interface BackupManifest {
  format: 'loupe-backup'
  version: 1
  projectId: string
  name: string
  createdAt: string
  rooms: { room: string; kind: 'project' | 'job'; jobId?: string; file: string; bytes: number }[]
}

/**
 * `backup`: the full Yjs state of a project's documents (project + every job) in one zip artifact
 * (`manifest.json`, `project.yjs`, `jobs/<id>.yjs`); keeps the newest `retention` backup files of
 * the project and deletes the files of older ones (their runs and artifact records stay).
 */
export function backupFlow(deps: BuiltinDeps) {
  return flow<BackupParameters>(
    'backup',
    async (params, ctx) => {
      const { projectId } = params
      const { record, project } = await requireProject(deps, projectId)
      const createdAt = new Date(ctx.now()).toISOString()
      const entries: [string, Uint8Array][] = []
      const manifest: BackupManifest = {
        format: 'loupe-backup',
        version: 1,
        projectId,
        name: project.getMeta().name || record.name,
        createdAt,
        rooms: [],
      }
      const add = (
        room: string,
        kind: 'project' | 'job',
        file: string,
        state: Uint8Array,
        jobId?: string,
      ) => {
        entries.push([file, state])
        manifest.rooms.push({
          room,
          kind,
          file,
          bytes: state.byteLength,
          ...(jobId ? { jobId } : {}),
        })
      }
      const projectState = Y.encodeStateAsUpdate(
        await snapshotRoom(deps.rooms, projectRoom(projectId)),
      )
      add(projectRoom(projectId), 'project', 'project.yjs', projectState)
      const jobs = project.listJobs()
      for (const [i, job] of jobs.entries()) {
        checkAborted(ctx.signal)
        const doc = await snapshotRoom(deps.rooms, jobRoom(projectId, job.id))
        if (doc.getMap('meta').size > 0) {
          add(
            jobRoom(projectId, job.id),
            'job',
            `jobs/${job.id}.yjs`,
            Y.encodeStateAsUpdate(doc),
            job.id,
          )
        }
        ctx.progress((0.8 * (i + 1)) / jobs.length, `job ${i + 1} of ${jobs.length}`)
      }
      entries.unshift([
        'manifest.json',
        new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
      ])
      const zip = new FileTree(entries).toZip()
      const stamp = createdAt.replace(/[:.]/g, '-')
      const artifact = await ctx.artifacts.file('backup', {
        name: `${fileStem(manifest.name, projectId)}-backup-${stamp}.zip`,
        mimeType: 'application/zip',
        data: zip,
        description: `${manifest.rooms.length} documents of project ${projectId}`,
      })
      ctx.log.info(`backed up ${manifest.rooms.length} documents (${zip.byteLength} bytes)`)
      const pruned = await pruneBackups(deps, projectId, params.retention - 1, ctx.runId)
      if (pruned > 0) ctx.log.info(`retention ${params.retention}: deleted ${pruned} older backups`)
      ctx.progress(1, 'done')
      return {
        artifactId: artifact.id,
        documents: manifest.rooms.length,
        bytes: zip.byteLength,
        pruned,
      }
    },
    {
      parameters: backupParameters,
      description: 'Snapshots every document of a project',
      timeoutSeconds: 3600,
      // Run retention never takes a backup whose file `retention` above still keeps.
      keepsOwnFiles: true,
    },
  )
}

/** Deletes the backup files of the project's completed backups beyond the newest `keep`. */
async function pruneBackups(deps: BuiltinDeps, projectId: string, keep: number, current: string) {
  const ofProject: FlowRun[] = []
  let cursor: string | null = null
  do {
    const page = await deps.store.listRuns({
      name: 'backup',
      parentId: null,
      states: ['Completed'],
      order: 'desc',
      limit: 500,
      ...(cursor ? { cursor } : {}),
    })
    for (const run of page.runs) {
      const p = run.parameters as { projectId?: unknown } | null
      if (run.id !== current && p?.projectId === projectId) ofProject.push(run)
    }
    cursor = page.nextCursor
  } while (cursor)
  let pruned = 0
  for (const run of ofProject.slice(keep)) {
    for (const artifact of await deps.store.listArtifacts(run.id)) {
      if (artifact.type === 'file' && isFileArtifactData(artifact.data)) {
        if (await deps.files.remove(artifact.data.ref)) pruned++
      }
    }
  }
  return pruned
}
