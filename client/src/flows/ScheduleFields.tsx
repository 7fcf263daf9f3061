import type { ScheduleDraft } from './schedule'

/** Interval (every N units), cron + time zone, or manual only. */
export function ScheduleFields({
  draft,
  onChange,
  allowNone = true,
}: {
  draft: ScheduleDraft
  onChange: (draft: ScheduleDraft) => void
  allowNone?: boolean
}) {
  const set = (patch: Partial<ScheduleDraft>) => onChange({ ...draft, ...patch })
  return (
    <div className="schedule-fields row">
      <select
        value={draft.kind}
        aria-label="Schedule"
        onChange={(e) => set({ kind: e.target.value as ScheduleDraft['kind'] })}
      >
        <option value="interval">Every…</option>
        <option value="cron">Cron</option>
        {allowNone && <option value="none">Manual only</option>}
      </select>
      {draft.kind === 'interval' && (
        <>
          <input
            type="number"
            min={1}
            value={draft.every}
            aria-label="Interval"
            className="narrow-number"
            onChange={(e) => set({ every: Number(e.target.value) })}
          />
          <select
            value={draft.unit}
            aria-label="Interval unit"
            onChange={(e) => set({ unit: e.target.value as ScheduleDraft['unit'] })}
          >
            <option value="seconds">seconds</option>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </>
      )}
      {draft.kind === 'cron' && (
        <>
          <input
            value={draft.cron}
            aria-label="Cron expression"
            placeholder="0 3 * * *"
            onChange={(e) => set({ cron: e.target.value })}
          />
          <input
            value={draft.timezone}
            aria-label="Time zone"
            placeholder="Europe/Berlin"
            onChange={(e) => set({ timezone: e.target.value })}
          />
        </>
      )}
    </div>
  )
}
