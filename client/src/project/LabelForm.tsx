import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import type { AttributeType, LabelType } from '@loupe/model'
import { ATTRIBUTE_TYPES, LABEL_TYPES, newAttributeDraft } from './label-draft'
import type { AttributeDraft, LabelDraft } from './label-draft'

const ATTRIBUTE_TYPE_NAMES: Record<AttributeType, string> = {
  select: 'Select',
  radio: 'Radio',
  checkbox: 'Checkbox',
  number: 'Number',
  text: 'Text',
}

/** Edits one label: name, colour, shape type, attributes. `onSave` returns an error or null. */
export function LabelForm({
  initial,
  submitLabel,
  onSave,
  onCancel,
  onDelete,
}: {
  initial: LabelDraft
  submitLabel: string
  onSave: (draft: LabelDraft) => string | null
  onCancel: () => void
  onDelete?: () => void
}) {
  const [draft, setDraft] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  const set = (patch: Partial<LabelDraft>) => setDraft((d) => ({ ...d, ...patch }))
  const setAttribute = (key: string, patch: Partial<AttributeDraft>) =>
    setDraft((d) => ({
      ...d,
      attributes: d.attributes.map((a) => (a.key === key ? { ...a, ...patch } : a)),
    }))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(onSave(draft))
  }

  return (
    <form className="label-form" onSubmit={submit} aria-label={submitLabel}>
      <div className="label-form-top">
        <input
          type="color"
          value={draft.color}
          onChange={(e) => set({ color: e.target.value })}
          aria-label="Colour"
        />
        <input
          id={`${id}-name`}
          className="grow"
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder="Label name"
          aria-label="Label name"
          autoFocus
        />
        <select
          value={draft.type}
          onChange={(e) => set({ type: e.target.value as LabelType })}
          aria-label="Shape type"
        >
          {LABEL_TYPES.map((t) => (
            <option key={t} value={t}>
              {t === 'any' ? 'Any shape' : t}
            </option>
          ))}
        </select>
      </div>
      {draft.type === 'skeleton' && (
        <>
          <input
            value={draft.skeletonNodes}
            onChange={(e) => set({ skeletonNodes: e.target.value })}
            placeholder="Skeleton nodes in drawing order, comma-separated (e.g. head, neck, left hand)"
            aria-label="Skeleton nodes"
          />
          <input
            value={draft.skeletonBones}
            onChange={(e) => set({ skeletonBones: e.target.value })}
            placeholder="Bones, comma-separated (e.g. head-neck, neck-left hand)"
            aria-label="Skeleton bones"
          />
        </>
      )}
      <fieldset className="attributes">
        <legend>Attributes</legend>
        {draft.attributes.length === 0 && <p className="muted">None.</p>}
        {draft.attributes.map((a, i) => (
          <div className="attr-row" key={a.key} data-testid="attribute-row">
            <input
              className="attr-name"
              value={a.name}
              onChange={(e) => setAttribute(a.key, { name: e.target.value })}
              placeholder="Attribute name"
              aria-label={`Attribute ${i + 1} name`}
            />
            <select
              className="attr-type"
              value={a.type}
              onChange={(e) =>
                setAttribute(a.key, { type: e.target.value as AttributeType, default: '' })
              }
              aria-label={`Attribute ${i + 1} type`}
            >
              {ATTRIBUTE_TYPES.map((t) => (
                <option key={t} value={t}>
                  {ATTRIBUTE_TYPE_NAMES[t]}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="danger small attr-remove"
              aria-label={`Remove attribute ${a.name || i + 1}`}
              title="Remove attribute"
              onClick={() =>
                setDraft((d) => ({ ...d, attributes: d.attributes.filter((x) => x.key !== a.key) }))
              }
            >
              ✕
            </button>
            <AttributeValues draft={a} index={i} onChange={(patch) => setAttribute(a.key, patch)} />
            <label className="check attr-mutable">
              <input
                type="checkbox"
                checked={a.mutable}
                onChange={(e) => setAttribute(a.key, { mutable: e.target.checked })}
              />
              Mutable (may change from frame to frame)
            </label>
          </div>
        ))}
        <button
          type="button"
          className="link"
          onClick={() => set({ attributes: [...draft.attributes, newAttributeDraft()] })}
        >
          + Add attribute
        </button>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="form-actions">
        {onDelete && (
          <button type="button" className="danger" onClick={onDelete}>
            Delete label
          </button>
        )}
        <span className="grow" />
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit">{submitLabel}</button>
      </div>
    </form>
  )
}

function AttributeValues({
  draft,
  index,
  onChange,
}: {
  draft: AttributeDraft
  index: number
  onChange: (patch: Partial<AttributeDraft>) => void
}) {
  const n = index + 1
  switch (draft.type) {
    case 'select':
    case 'radio':
      return (
        <span className="attr-values">
          <input
            value={draft.values}
            onChange={(e) => onChange({ values: e.target.value })}
            placeholder="Values: red, green, blue"
            aria-label={`Attribute ${n} values`}
            className="grow"
          />
          <input
            value={draft.default}
            onChange={(e) => onChange({ default: e.target.value })}
            placeholder="Default"
            aria-label={`Attribute ${n} default`}
            className="attr-default"
          />
        </span>
      )
    case 'checkbox':
      return (
        <span className="attr-values">
          <label className="check">
            <input
              type="checkbox"
              checked={draft.default === 'true'}
              onChange={(e) => onChange({ default: String(e.target.checked) })}
            />
            Checked by default
          </label>
        </span>
      )
    case 'number':
      return (
        <span className="attr-values">
          {(['min', 'max', 'step', 'default'] as const).map((field) => (
            <label className="mini" key={field}>
              {field}
              <input
                type="number"
                value={draft[field]}
                onChange={(e) => onChange({ [field]: e.target.value })}
                aria-label={`Attribute ${n} ${field}`}
              />
            </label>
          ))}
        </span>
      )
    case 'text':
      return (
        <span className="attr-values">
          <input
            value={draft.default}
            onChange={(e) => onChange({ default: e.target.value })}
            placeholder="Default text"
            aria-label={`Attribute ${n} default`}
            className="grow"
          />
        </span>
      )
  }
}
