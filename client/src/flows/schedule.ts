import type { Deployment, ScheduleInput } from './flows-api'

/** The schedule part of the deployment form. */
export interface ScheduleDraft {
  kind: 'cron' | 'interval' | 'none'
  cron: string
  timezone: string
  every: number
  unit: 'seconds' | 'minutes' | 'hours' | 'days'
}

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const

export function defaultDraft(timezone = localTimezone()): ScheduleDraft {
  return { kind: 'interval', cron: '0 3 * * *', timezone, every: 1, unit: 'days' }
}

export function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** The API's schedule from the form, or an error naming the field. */
export function scheduleFromDraft(
  draft: ScheduleDraft,
): { ok: true; schedule: ScheduleInput | null } | { ok: false; error: string } {
  if (draft.kind === 'none') return { ok: true, schedule: null }
  if (draft.kind === 'cron') {
    const fields = draft.cron.trim().split(/\s+/)
    if (fields.length < 5 || fields.length > 6) {
      return { ok: false, error: 'Cron: expected 5 fields (minute hour day month weekday)' }
    }
    return { ok: true, schedule: { cron: fields.join(' '), timezone: draft.timezone || 'UTC' } }
  }
  const seconds = draft.every * UNIT_SECONDS[draft.unit]
  if (!Number.isFinite(seconds) || seconds < 1) {
    return { ok: false, error: 'Interval: at least one second' }
  }
  return { ok: true, schedule: { intervalSeconds: seconds } }
}

/** The form for an existing schedule (edit). */
export function draftFromSchedule(schedule: Deployment['schedule']): ScheduleDraft {
  const base = defaultDraft()
  if (!schedule) return { ...base, kind: 'none' }
  if ('cron' in schedule)
    return { ...base, kind: 'cron', cron: schedule.cron, timezone: schedule.timezone }
  const s = schedule.intervalSeconds
  const unit =
    (['days', 'hours', 'minutes'] as const).find((u) => s % UNIT_SECONDS[u] === 0) ?? 'seconds'
  return { ...base, kind: 'interval', every: s / UNIT_SECONDS[unit], unit }
}

/** "every 2 hours", "cron 0 3 * * * (Europe/Berlin)", "manual only". */
export function describeSchedule(schedule: Deployment['schedule']): string {
  if (!schedule) return 'manual only'
  if ('cron' in schedule) return `cron ${schedule.cron} (${schedule.timezone})`
  const draft = draftFromSchedule(schedule)
  const unit = draft.every === 1 ? draft.unit.slice(0, -1) : draft.unit
  return draft.every === 1 ? `every ${unit}` : `every ${draft.every} ${unit}`
}
