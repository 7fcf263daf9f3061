import * as Y from 'yjs'
import { z } from 'zod'
import { naturalCompare } from './natural'
import { JOB_STATES, type JobRecord, type JobState } from './schema'

export const DEFAULT_JOB_SIZE = 100

export const jobPatchSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'expected a non-empty name' }).max(256).optional(),
  assignee: z.string().max(256, { error: 'expected at most 256 characters' }).optional(),
  state: z.enum(JOB_STATES, { error: `expected one of ${JOB_STATES.join('|')}` }).optional(),
})

export type JobPatch = z.input<typeof jobPatchSchema>

export function writeJob(map: Y.Map<unknown>, job: JobRecord) {
  map.set('name', job.name)
  map.set('assignee', job.assignee)
  map.set('state', job.state)
  map.set('createdAt', job.createdAt)
}

export function readJob(id: string, value: unknown): JobRecord | undefined {
  if (!(value instanceof Y.Map)) return undefined
  const name: unknown = value.get('name')
  if (typeof name !== 'string') return undefined
  const assignee: unknown = value.get('assignee')
  const state: unknown = value.get('state')
  const createdAt: unknown = value.get('createdAt')
  return {
    id,
    name,
    assignee: typeof assignee === 'string' ? assignee : '',
    state: (JOB_STATES as readonly unknown[]).includes(state) ? (state as JobState) : 'new',
    createdAt: typeof createdAt === 'string' ? createdAt : '',
  }
}

/** Jobs in creation order (then natural order of name, then id): the last one is the newest. */
export function compareJobs(a: JobRecord, b: JobRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1
  return naturalCompare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The number N of the next `Job N`: one more than the largest N in use. */
export function nextJobNumber(jobs: readonly JobRecord[]): number {
  let max = 0
  for (const job of jobs) {
    const m = /^Job (\d+)$/.exec(job.name)
    if (m) max = Math.max(max, Number(m[1]))
  }
  return max + 1
}
