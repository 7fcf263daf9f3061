import type { AttributeRecord, AttributeValue } from '@loupe/model'

/** One attribute input, typed by the attribute (select, radio, checkbox, number, text). */
export function AttributeField({
  attribute,
  value,
  disabled,
  onChange,
}: {
  attribute: AttributeRecord
  value: AttributeValue | undefined
  disabled: boolean
  onChange: (value: AttributeValue) => void
}) {
  const id = `attr-${attribute.id}`
  const title = disabled && !attribute.mutable ? 'Fixed once the object is created' : undefined
  switch (attribute.type) {
    case 'select':
      return (
        <select
          id={id}
          value={String(value ?? attribute.default)}
          disabled={disabled}
          title={title}
          onChange={(e) => onChange(e.target.value)}
        >
          {attribute.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      )
    case 'radio':
      return (
        <div role="radiogroup" id={id} title={title} className="ed-radios">
          {attribute.values.map((v) => (
            <label key={v}>
              <input
                type="radio"
                name={id}
                value={v}
                checked={(value ?? attribute.default) === v}
                disabled={disabled}
                onChange={() => onChange(v)}
              />
              {v}
            </label>
          ))}
        </div>
      )
    case 'checkbox':
      return (
        <input
          id={id}
          type="checkbox"
          checked={(value ?? attribute.default) === true}
          disabled={disabled}
          title={title}
          onChange={(e) => onChange(e.target.checked)}
        />
      )
    case 'number': {
      const [min, max, step] = attribute.values
      return (
        <input
          id={id}
          type="number"
          min={min}
          max={max}
          step={step ?? 'any'}
          defaultValue={Number(value ?? attribute.default)}
          key={String(value)}
          disabled={disabled}
          title={title}
          onBlur={(e) => {
            const n = e.target.valueAsNumber
            if (Number.isFinite(n) && n !== value) onChange(n)
          }}
        />
      )
    }
    case 'text':
      return (
        <input
          id={id}
          type="text"
          defaultValue={String(value ?? attribute.default)}
          key={String(value)}
          disabled={disabled}
          title={title}
          onBlur={(e) => {
            if (e.target.value !== value) onChange(e.target.value)
          }}
        />
      )
  }
}
