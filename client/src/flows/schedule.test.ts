import { describe, expect, it } from 'vitest'
import { defaultDraft, describeSchedule, draftFromSchedule, scheduleFromDraft } from './schedule'

describe('deployment schedule form', () => {
  it('turns the form into the API schedule and back', () => {
    const base = defaultDraft('Europe/Berlin')
    expect(scheduleFromDraft({ ...base, kind: 'interval', every: 90, unit: 'minutes' })).toEqual({
      ok: true,
      schedule: { intervalSeconds: 5400 },
    })
    expect(scheduleFromDraft({ ...base, kind: 'cron', cron: ' 0  3 * * 1 ' })).toEqual({
      ok: true,
      schedule: { cron: '0 3 * * 1', timezone: 'Europe/Berlin' },
    })
    expect(scheduleFromDraft({ ...base, kind: 'none' })).toEqual({ ok: true, schedule: null })
    expect(scheduleFromDraft({ ...base, kind: 'cron', cron: '0 3' })).toMatchObject({ ok: false })
    expect(scheduleFromDraft({ ...base, kind: 'interval', every: 0 })).toMatchObject({ ok: false })
    expect(draftFromSchedule({ intervalSeconds: 7200, anchor: '' })).toMatchObject({
      every: 2,
      unit: 'hours',
    })
  })

  it('describes schedules for people', () => {
    expect(describeSchedule(null)).toBe('manual only')
    expect(describeSchedule({ intervalSeconds: 86_400, anchor: '' })).toBe('every day')
    expect(describeSchedule({ intervalSeconds: 30, anchor: '' })).toBe('every 30 seconds')
    expect(describeSchedule({ cron: '0 3 * * *', timezone: 'UTC' })).toBe('cron 0 3 * * * (UTC)')
  })
})
