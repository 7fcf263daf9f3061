import { z } from 'zod'

/**
 * When a deployment runs. A cron expression (5 fields, or 6 with seconds first) is read in an
 * IANA time zone; an interval runs at anchor + k × intervalSeconds for every integer k (the anchor
 * only sets the phase), at least one second apart, in absolute time (DST does not move it).
 */
export type Schedule =
  | { kind: 'cron'; cron: string; timezone: string }
  | { kind: 'interval'; intervalSeconds: number; anchor: number }

/**
 * What happens to runs whose time passed without them starting (the server was down, or busy):
 * `backfill` runs every one; `runOnce` (default) runs only the latest and cancels the others;
 * `skip` cancels them all, so the deployment continues with its next on-time run.
 */
export type MissedRunPolicy = 'skip' | 'runOnce' | 'backfill'

export interface Deployment {
  id: string
  name: string
  flow: string
  parameters: unknown
  schedule: Schedule | null
  paused: boolean
  missedRunPolicy: MissedRunPolicy
  tags: readonly string[]
  /** Schedule occurrences up to this time have been turned into runs (or skipped by policy). */
  scheduledThrough: number | null
  createdAt: number
  updatedAt: number
}

export const scheduleSchema = z.union([
  z
    .object({
      kind: z.literal('cron'),
      cron: z.string().min(1),
      timezone: z.string().min(1).default('UTC'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('interval'),
      intervalSeconds: z.number().min(1),
      anchor: z.number().int().default(0),
    })
    .strict(),
])

export const missedRunPolicySchema = z.enum(['skip', 'runOnce', 'backfill'])
