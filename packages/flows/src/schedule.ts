import { Cron } from 'croner'
import type { Schedule } from './deployment'

/** A schedule whose cron or time zone does not parse. */
export class ScheduleError extends Error {
  override name = 'ScheduleError'
}

const crons = new Map<string, Cron>()

function cronOf(schedule: Extract<Schedule, { kind: 'cron' }>): Cron {
  const id = `${schedule.timezone}\u0000${schedule.cron}`
  let cron = crons.get(id)
  if (!cron) {
    try {
      cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true })
      cron.nextRun(new Date(0)) // surfaces an unknown time zone now rather than later
    } catch (error) {
      throw new ScheduleError(`schedule: ${(error as Error).message}`)
    }
    if (crons.size > 1000) crons.clear()
    crons.set(id, cron)
  }
  return cron
}

/** Throws a ScheduleError naming the problem when the schedule cannot produce times. */
export function validateSchedule(schedule: Schedule): void {
  if (schedule.kind === 'cron') cronOf(schedule)
  else if (!(schedule.intervalSeconds >= 1)) {
    throw new ScheduleError('schedule.intervalSeconds: must be at least 1')
  }
}

/**
 * Occurrences strictly after `after`, in order, up to `until` (inclusive) and at most `max` of
 * them. Cron times come from croner in the schedule's time zone. DST, as croner resolves it and
 * the tests pin down: a local time skipped by spring-forward runs at the first instant after the
 * gap (02:30 → 03:00 in Europe/Berlin); on fall-back a fixed local time (30 2 * * *) runs once, at
 * its first occurrence, while a pattern with a wildcard hour (*\/30 * * * *) runs in both passes of
 * the repeated hour, as wall-clock times recur.
 */
export function occurrencesBetween(
  schedule: Schedule,
  after: number,
  until: number,
  max: number,
): number[] {
  const out: number[] = []
  if (max <= 0 || until <= after) return out
  if (schedule.kind === 'interval') {
    const step = schedule.intervalSeconds * 1000
    let t = schedule.anchor + (Math.floor((after - schedule.anchor) / step) + 1) * step
    while (t <= until && out.length < max) {
      out.push(t)
      t += step
    }
    return out
  }
  const cron = cronOf(schedule)
  let from = new Date(after)
  while (out.length < max) {
    const next = cron.nextRun(from)
    if (!next || next.getTime() > until) break
    out.push(next.getTime())
    from = next
  }
  return out
}

/** The latest `max` occurrences in (after, until], oldest first. */
export function latestOccurrences(
  schedule: Schedule,
  after: number,
  until: number,
  max: number,
): number[] {
  if (max <= 0 || until <= after) return []
  if (schedule.kind === 'interval') {
    const step = schedule.intervalSeconds * 1000
    const last = schedule.anchor + Math.floor((until - schedule.anchor) / step) * step
    const first = Math.max(last - (max - 1) * step, after + 1)
    return occurrencesBetween(schedule, first - 1, until, max)
  }
  const cron = cronOf(schedule)
  // previousRuns excludes the reference itself: start one millisecond later.
  return cron
    .previousRuns(max, new Date(until + 1))
    .map((d) => d.getTime())
    .filter((t) => t > after && t <= until)
    .reverse()
}

/** The idempotency key of a deployment's run at a scheduled time (not of a schedule version). */
export function scheduledRunKey(deploymentId: string, scheduledAt: number): string {
  return `deployment:${deploymentId}@${new Date(scheduledAt).toISOString()}`
}
